from django.core.management.base import BaseCommand

from portal import demo


class Command(BaseCommand):
    help = "载入演示数据（单位、各岗位账号、待处理单据），并打印演示账号；--projects 在指标到达后载入演示项目。"

    def add_arguments(self, parser):
        parser.add_argument("--projects", action="store_true",
                            help="只载入演示采购项目（需先由一体化模拟器推送指标）")

    def handle(self, *args, **options):
        if options["projects"]:
            made = demo.load_projects()
            self.stdout.write(f"演示采购项目：新建 {made} 个。" if made else "演示采购项目已存在或指标未到，未新建。")
            steps = demo.load_stories()
            self.stdout.write(f"演示采购执行（受理、公告、报名、质疑、结果、流标处理）：完成 {steps} 步。" if steps
                              else "演示采购执行已存在或前序数据未到，未新增。")
            return
        loaded = demo.load()
        self.stdout.write("演示数据已载入。" if loaded else "演示数据已存在，未重复载入。")
        self.stdout.write("\n演示账号（http://127.0.0.1:8000/login/）：\n" + demo.accounts_table())
