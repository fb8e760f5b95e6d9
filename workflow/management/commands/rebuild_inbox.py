from django.core.management.base import BaseCommand

from workflow import inbox


class Command(BaseCommand):
    help = "重建待办事项（WorkItem）：按每个单据的当前状态重写，用于回填或流程节点调整之后。"

    def handle(self, *args, **options):
        total = inbox.rebuild(out=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"共写入 {total} 条待办事项。"))
