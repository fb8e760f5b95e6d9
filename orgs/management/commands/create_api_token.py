"""Issue a bearer token for a machine client: `manage.py create_api_token <username> <name>`.

The key is printed once; only its SHA-256 is stored, so it cannot be shown again (issue a new one instead).
"""

from django.core.management.base import BaseCommand, CommandError

from core.errors import BusinessError
from orgs.models import User
from orgs.tokens import create_token


class Command(BaseCommand):
    help = "为接口调用方签发令牌（令牌只显示这一次）"

    def add_arguments(self, parser):
        parser.add_argument("username", help="令牌所属用户（令牌以该用户的身份和权限访问接口）")
        parser.add_argument("name", help="用途，例如「预算一体化平台」")

    def handle(self, *args, username, name, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户「{username}」不存在。")
        try:
            token, key = create_token(user, name)
        except BusinessError as exc:
            raise CommandError(exc.message) from exc
        self.stderr.write(f"已为用户「{user.username}」签发令牌「{token.name}」（前缀 {token.prefix}）。"
                          "请立即妥善保存，令牌不会再次显示：")
        self.stdout.write(key)
