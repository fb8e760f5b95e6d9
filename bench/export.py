"""Export benchmark: the regulator's 项目查询 exported to Excel through the real background path, beside a bare
XlsxWriter loop over the same rows, each in its own process so that its peak memory (ru_maxrss) is its own.

- real: `start_job(export_list, …)` for bench_reg with the page's URL and `?export=xlsx`, then `run_ready()` —
  the worker's run_task → export_list → the view replayed as that user → selectors → core.exports'
  constant-memory writer → the file into the default storage. Timed from the job's enqueue to its 已完成.
- bare: one psycopg server-side cursor over the same SELECT (the rows and columns the export shows), each
  value written with write_string/write_number (constant_memory, the same formats), no Django.

    .venv/bin/python bench/export.py [--rows all|100000|10000]     (make bench runs it after the list cases)
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/zhengcai_bench"
PAGE = "/projects/region/"
# the 项目编号 prefix that selects the first N generated projects (ZC-BENCH-0000000 …); None: all of them
PREFIX = {"all": None, "100000": "ZC-BENCH-00", "10000": "ZC-BENCH-000"}
TARGET_MB, TARGET_RATIO = 300, 1.5


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengcai.settings")
    os.environ["DJANGO_DEBUG"] = "0"
    import django

    django.setup()


def _query(prefix):
    return "export=xlsx" + (f"&number={prefix}" if prefix else "")


def child_real(prefix) -> dict:
    _django()
    from django.core.files.storage import default_storage

    from core import exports, jobs
    from core.models import JobProgress
    from orgs.models import User

    reg = User.objects.get(username="bench_reg")
    base = _maxrss_mb()
    t0, c0 = time.perf_counter(), _cpu()
    job = jobs.start_job(exports.export_list, owner=reg, kind=exports.KIND, label="导出：项目查询（基准）",
                         params={"path": PAGE, "query": _query(prefix), "host": "127.0.0.1"})
    jobs.run_ready()
    seconds, cpu = time.perf_counter() - t0, _cpu() - c0
    job = JobProgress.objects.get(pk=job.pk)
    assert job.state == JobProgress.DONE, (job.state, job.message)
    size = default_storage.size(job.result_name)
    default_storage.delete(job.result_name)
    return {"seconds": seconds, "cpu": cpu, "rows": job.total, "peak_mb": _maxrss_mb(), "base_mb": base, "bytes": size,
            "attempts": job.attempts}


def child_bare(prefix) -> dict:
    """The same rows and columns, straight from psycopg into XlsxWriter."""
    import psycopg
    import xlsxwriter

    _django()
    from orgs.models import User
    from projects import selectors
    from projects.models import ImplementationForm, Project
    from projects.views import EXPORT_COLUMNS
    from workflow.models import Status

    reg = User.objects.get(username="bench_reg")
    qs = selectors.region_projects(reg, filters={"number": prefix} if prefix else None)
    fields = ["number", "name", "unit__name", "fiscal_year", "implementation_form", "procurement_kind",
              "total_amount", "is_gov_procurement", "status", "expected_month", "demand_summary", "submitted_at",
              "approved_at"]
    assert len(fields) == len(EXPORT_COLUMNS)
    sql, params = qs.values_list(*fields).query.sql_with_params()
    forms = dict(ImplementationForm.choices)
    kinds = dict(Project._meta.get_field("procurement_kind").flatchoices)
    statuses = dict(Status.choices)
    base = _maxrss_mb()
    t0, c0 = time.perf_counter(), _cpu()
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        wb = xlsxwriter.Workbook(tmp.name, {"constant_memory": True})
        ws = wb.add_worksheet("项目查询")
        head = wb.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1})
        money = wb.add_format({"num_format": "#,##0.00"})
        for c, col in enumerate(EXPORT_COLUMNS):
            ws.write_string(0, c, col.label, head)
        ws_s, ws_n = ws.write_string, ws.write_number
        n = 0
        with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
            conn.execute("SET TIME ZONE 'Asia/Shanghai'")
            with conn.cursor(name="bare") as cur:
                cur.itersize = 2000
                cur.execute(sql, params)
                for n, (num, name, unit, year, form, kind, amount, gov, status, month, demand, sub, appr) \
                        in enumerate(cur, start=1):
                    ws_s(n, 0, num)
                    ws_s(n, 1, name)
                    ws_s(n, 2, unit)
                    ws_s(n, 3, str(year))
                    ws_s(n, 4, forms.get(form, form))
                    ws_s(n, 5, kinds.get(kind, kind))
                    ws_n(n, 6, float(amount), money)
                    ws_s(n, 7, "是" if gov else "否")
                    ws_s(n, 8, statuses.get(status, status))
                    if month:
                        ws_s(n, 9, f"{month:%Y-%m}")
                    if demand:
                        ws_s(n, 10, demand)
                    if sub:
                        ws_s(n, 11, f"{sub:%Y-%m-%d %H:%M}")
                    if appr:
                        ws_s(n, 12, f"{appr:%Y-%m-%d %H:%M}")
        wb.close()
        size = os.path.getsize(tmp.name)
    return {"seconds": time.perf_counter() - t0, "cpu": _cpu() - c0, "rows": n, "peak_mb": _maxrss_mb(), "base_mb": base, "bytes": size}


def _run_child(kind: str, rows: str, url: str, media: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "ZHENGCAI_MEDIA": media}
    out = subprocess.run([sys.executable, __file__, "--child", kind, "--rows", rows], env=env, cwd=ROOT,
                         capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"{kind} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(url: str, rows: str = "all") -> bool:
    """Both measurements, printed side by side; True when the targets hold."""
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env={**os.environ, "DATABASE_URL": url},
                   cwd=ROOT, check=True)
    with tempfile.TemporaryDirectory() as media:
        bare = _run_child("bare", rows, url, media)
        real = _run_child("real", rows, url, media)
    ratio = real["seconds"] / bare["seconds"]
    ok = real["peak_mb"] <= TARGET_MB and ratio <= TARGET_RATIO and real["rows"] == bare["rows"]
    print(f"\n导出为Excel：{real['rows']:,} 行（项目查询，监管 全省），各在独立进程中运行")
    print(f"{'':<26}{'用时(秒)':>10}{'本进程CPU(秒)':>14}{'峰值内存(MB)':>14}{'启动后(MB)':>12}{'文件(MB)':>10}")
    for label, r in (("后台导出（真实路径）", real), ("裸 XlsxWriter 循环", bare)):
        print(f"{label:<24}{r['seconds']:>10.1f}{r['cpu']:>14.1f}{r['peak_mb']:>14.0f}{r['base_mb']:>12.0f}"
              f"{r['bytes'] / 2**20:>10.1f}")
    print(f"CPU 倍数 {real['cpu'] / bare['cpu']:.2f}（机器繁忙时用时会被其他进程拉长，CPU 时间不受影响；"
          "数据库服务端的时间不在本进程 CPU 内）")
    print(f"用时倍数 {ratio:.2f}（目标 ≤ {TARGET_RATIO}）；峰值内存 {real['peak_mb']:.0f} MB（目标 ≤ {TARGET_MB} MB）"
          + ("（达到）" if ok else "  ← 超出目标"))
    print("后台导出：入队 → worker 的 run_task → 以该用户重放列表视图 → 选择器 → 恒定内存写入 → 存储；"
          "裸循环：psycopg 服务端游标读同一 SELECT，逐格 write_string/write_number。峰值内存为进程 ru_maxrss。")
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", choices=sorted(PREFIX), default="all")
    ap.add_argument("--child", choices=["real", "bare"])
    args = ap.parse_args()
    if args.child:
        fn = child_real if args.child == "real" else child_bare
        print(json.dumps(fn(PREFIX[args.rows])))
        return 0
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    return 0 if run(url, args.rows) else 1


if __name__ == "__main__":
    sys.exit(main())
