from django.core.management.base import BaseCommand

from portal import demo


class Command(BaseCommand):
    help = "载入演示数据（单位、各岗位账号、待处理单据），并打印演示账号。"

    def handle(self, *args, **options):
        loaded = demo.load()
        self.stdout.write("演示数据已载入。" if loaded else "演示数据已存在，未重复载入。")
        self.stdout.write("\n演示账号（http://127.0.0.1:8000/login/）：\n" + demo.accounts_table())
