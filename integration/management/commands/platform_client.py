import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from integration import services
from integration.models import PlatformClient


class Command(BaseCommand):
    help = ("查看或设置一体化接入客户端：--accept-v1-until YYYY-MM-DD 设定旧版签名（版本1）接受至哪一天（含当日），"
            "none 表示只接受版本2签名。")

    def add_arguments(self, parser):
        parser.add_argument("client_id", help="客户端标识（PlatformClient.client_id）")
        parser.add_argument("--accept-v1-until", dest="until", help="YYYY-MM-DD，或 none")

    def handle(self, *args, client_id, until, **options):
        client = PlatformClient.objects.filter(client_id=client_id).first()
        if client is None:
            raise CommandError(f"客户端「{client_id}」未登记。")
        if until is not None:
            if until.strip().lower() == "none":
                date = None
            else:
                try:
                    date = dt.date.fromisoformat(until.strip())
                except ValueError as exc:
                    raise CommandError(f"日期应为 YYYY-MM-DD 或 none：「{until}」。") from exc
            client = services.client_set_v1_cutoff(actor=None, client=client, until=date)
        cutoff = client.v1_accepted_until
        self.stdout.write(f"{client.client_id}（{client.name}）："
                          + (f"旧版签名（版本1）接受至 {cutoff:%Y-%m-%d}（含当日）" if cutoff else "只接受版本2签名"))
