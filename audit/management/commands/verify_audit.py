from django.core.management.base import BaseCommand, CommandError

from audit.models import AuditLog
from audit.services import verify


class Command(BaseCommand):
    help = "校验审计日志哈希链：证明没有记录被修改或删除。"

    def handle(self, *args, **options):
        problems = verify()
        for p in problems:
            self.stderr.write(p)
        if problems:
            raise CommandError(f"审计日志校验失败：{len(problems)} 处问题")
        self.stdout.write(f"审计日志完整：{AuditLog.objects.count()} 条记录校验通过")
