from django.core.management.base import BaseCommand, CommandError

from integration import simulator


class Command(BaseCommand):
    help = ("模拟预算管理一体化平台：为库中的采购单位生成一年的预算指标、单位基本信息、隶属关系和几笔指标调整，"
            "签名后通过 HTTP 推送到运行中的政采服务。结果可重复：再次运行只会得到“重复消息”确认。")

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="政采服务地址（默认 http://127.0.0.1:8000）")
        parser.add_argument("--year", type=int, default=2026, help="预算年度（默认 2026）")
        parser.add_argument("--wait", type=float, default=0, help="先等待服务启动的秒数（make demo 用）")
        parser.add_argument("--dry-run", action="store_true", help="只生成并打印报文，不发送")

    def handle(self, *args, url, year, wait, dry_run, **options):
        messages = simulator.build_messages(year)
        if not messages:
            raise CommandError("库中没有带单位预算编码的采购单位，先运行 manage.py load_demo。")
        if dry_run:
            for msg in messages:
                self.stdout.write(f"{msg.kind} {msg.message_id} {msg.raw.decode()}")
            return
        if wait and not simulator.wait_until_up(url, wait):
            raise CommandError(f"{wait:g} 秒内 {url} 没有响应。")
        client = simulator.ensure_client()
        self.stdout.write(f"一体化平台模拟器 → {url}（客户端 {client.client_id}，{year} 年度，{len(messages)} 条消息）")
        try:
            summary = simulator.deliver(messages, simulator.http_sender(url), client)
        except OSError as exc:
            raise CommandError(f"无法连接 {url}：{exc}") from exc
        for line in summary.lines():
            self.stdout.write("  " + line)
        if not summary.ok:
            raise CommandError("部分消息被拒收，见上。")
