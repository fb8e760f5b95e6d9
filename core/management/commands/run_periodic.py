"""Run the periodic jobs that are due (core.jobs.PERIODIC), once; `--loop` keeps doing so.

Production: a scheduler runs `manage.py run_periodic` every minute (cron, or a systemd timer); several hosts
may run it at once, each job still runs once per interval (its row is locked while it runs). The demo runs
`--loop` beside the worker."""

import signal
import time

from django.core.management.base import BaseCommand, CommandError

from core import jobs


class Command(BaseCommand):
    help = "运行到期的定时任务（--loop：循环运行，直到 Ctrl-C）"

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="循环运行（演示环境）")
        parser.add_argument("--interval", type=float, default=60.0, help="循环间隔秒数（默认 60）")
        parser.add_argument("--only", nargs="*", default=None, help="只运行这些任务")
        parser.add_argument("--list", action="store_true", dest="list_jobs", help="列出已登记的定时任务")

    def handle(self, *, loop, interval, only, list_jobs, verbosity, **options):
        if list_jobs:
            for job in jobs.PERIODIC.values():
                self.stdout.write(f"{job.name}\t每 {job.every}\t{job.path}\t{job.label}")
            return
        unknown = sorted(set(only or ()) - set(jobs.PERIODIC))
        if unknown:
            raise CommandError("未登记的定时任务：" + "、".join(unknown))
        if interval <= 0:
            raise CommandError("--interval 必须大于 0")
        stop = []
        if loop:  # finish the job in hand on Ctrl-C / TERM, then leave
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: stop.append(True))
        while True:
            for name, ok, message in jobs.run_periodic(only=only):
                if verbosity:
                    self.stdout.write(f"{'完成' if ok else '失败'} {name}：{message}")
            if not loop or stop:
                return
            slept = 0.0
            while slept < interval and not stop:
                time.sleep(min(1.0, interval - slept))
                slept += 1.0
            if stop:
                return
