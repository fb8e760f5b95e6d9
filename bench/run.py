"""Project list benchmark: 1,000,000 projects across 2,000 units on PostgreSQL.

Measures the server time of the clerk's list (own unit, a status tab, first page and a deep page) and the
regulator's list (whole province), median of repeated requests through the full Django stack (middleware,
view, selectors, template), and the raw SQL for the same rows measured in the same run. Prints both and
their ratio; then the Excel export of the regulator's list (bench/export.py: 1,000,000 rows in the
background, its peak memory and its time beside a bare XlsxWriter loop). Data are generated once into
BENCH_DATABASE_URL (default: a `zhengcai_bench` database on the local server) and reused by later runs.

    make bench                      # or: .venv/bin/python bench/run.py [--projects N] [--units N]
                                    #     [--export-rows all|100000|10000|none]
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/zhengcai_bench"
STATUSES = [("approved", 60), ("pending", 20), ("draft", 15), ("withdrawn", 5)]
FORMS = ["general", "general", "general", "mall", "self", "renewal"]
KINDS = ["goods", "goods", "services", "works"]
NAMES = ["教学设备购置", "信息化运维服务", "办公家具采购", "物业管理服务", "校舍维修改造工程", "图书采购",
         "实验室设备", "网络安全服务", "印刷服务", "车辆维修保养"]


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str):
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengcai.settings")
    os.environ["DJANGO_DEBUG"] = "0"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def generate(n_projects: int, n_units: int) -> None:
    from django.db import connection, transaction

    from orgs.models import Region, Role, Unit
    from orgs.testing import credit_code, make_user
    from projects.models import Project

    if Project.objects.count() >= n_projects:
        print(f"数据已存在：{Project.objects.count():,} 个项目，跳过生成。")
        return
    rnd = random.Random(20261121)
    t0 = time.perf_counter()
    with transaction.atomic():
        regions = list(Region.objects.filter(path__startswith="/350000/"))
        if not Unit.objects.filter(name="福建省财政厅（基准）").exists():
            reg_unit = Unit.objects.create(name="福建省财政厅（基准）", kind=Unit.KIND_REGULATOR, level="province",
                                           region=Region.objects.get(code="350000"), is_member=True)
            make_user("bench_reg", reg_unit, Role.REGULATOR)
        existing = Unit.objects.filter(name__startswith="基准单位").count()
        units = []
        for i in range(existing, n_units):
            region = rnd.choice(regions)
            units.append(Unit(name=f"基准单位{i:04d}", kind=Unit.KIND_PURCHASER,
                              level={"province": "province", "city": "city"}.get(region.level, "county"),
                              region=region, region_path=region.path, is_member=True,
                              credit_code=credit_code(900000 + i), budget_code=f"9{i:08d}"))
        Unit.objects.bulk_create(units, batch_size=1000)
        with connection.cursor() as cur:
            cur.execute("UPDATE orgs_unit SET path = '/' || id || '/' WHERE path = ''")
        bench_units = list(Unit.objects.filter(name__startswith="基准单位").values_list("id", "region_path"))
        first = Unit.objects.get(pk=bench_units[0][0])
        if not first.users.filter(username="bench_clerk").exists():
            make_user("bench_clerk", first, Role.CLERK)
    clerk_id = Unit.objects.get(pk=bench_units[0][0]).users.get(username="bench_clerk").pk
    have = Project.objects.count()
    print(f"生成 {n_projects - have:,} 个项目，分布于 {len(bench_units):,} 个单位 …", flush=True)
    weights = [w for _, w in STATUSES]
    statuses = [s for s, _ in STATUSES]
    cols = ["created_at", "updated_at", "number", "status", "current_node", "last_action", "version", "created_by_id",
            "unit_id", "name", "fiscal_year", "implementation_form", "procurement_kind", "summary", "total_amount",
            "is_gov_procurement", "cumulative_reason", "contact_name", "contact_phone", "unit_path",
            "region_path", "demand_summary", "expected_month", "submitted_at", "approved_at"]
    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cur, cur.copy(f"COPY projects_project ({', '.join(cols)}) FROM STDIN") as copy:
        for i in range(have, n_projects):
            # the first unit gets a long history so its deep pages are real
            unit_id, region_path = bench_units[0] if i % 200 == 0 else rnd.choice(bench_units)
            status = rnd.choices(statuses, weights)[0]
            ts = f"2026-{1 + i % 11:02d}-{1 + i % 27:02d} 09:00:00+08"
            copy.write_row([ts, ts, f"ZC-BENCH-{i:07d}", status, "reviewer" if status == "pending" else "",
                            "submit" if status == "pending" else "", 1, clerk_id, unit_id,
                            f"{rnd.choice(NAMES)}项目{i}", 2026, rnd.choice(FORMS), rnd.choice(KINDS), "",
                            f"{rnd.randint(1000, 3000000)}.00", status == "approved", "", "", "",
                            f"/{unit_id}/", region_path, "满足日常工作需要", f"2026-{1 + i % 12:02d}-01",
                            ts if status in ("pending", "approved") else None, ts if status == "approved" else None])
    raw.commit()
    with connection.cursor() as cur:
        cur.execute("ANALYZE projects_project")
    print(f"生成完成：{Project.objects.count():,} 个项目，用时 {time.perf_counter() - t0:.1f} 秒。")


def median_ms(fn, repeat: int) -> float:
    for _ in range(3):
        fn()
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--projects", type=int, default=1_000_000)
    ap.add_argument("--units", type=int, default=2_000)
    ap.add_argument("--repeat", type=int, default=25)
    ap.add_argument("--export-rows", default="all", choices=["all", "100000", "10000", "none"],
                    help="the Excel export benchmark (bench/export.py): rows to export, or none")
    args = ap.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    ensure_database(url)
    setup_django(url)
    generate(args.projects, args.units)
    from bench.cases import cases

    print(f"\n中位数，毫秒（每项 {args.repeat} 次）")
    print(f"{'场景':<30}{'服务端':>8}{'同SQL原始':>10}{'倍数':>6}{'仅取行':>8}")
    failed = False
    for label, request, raw_sql, rows_only in cases():
        server = median_ms(request, args.repeat)
        baseline = median_ms(raw_sql, args.repeat)
        rows = median_ms(rows_only, args.repeat)
        ratio = server / baseline if baseline else float("inf")
        flag = "" if server <= 50 and ratio <= 3 else "  ← 超出目标"
        failed |= bool(flag)
        print(f"{label:<30}{server:>8.1f}{baseline:>10.2f}{ratio:>6.1f}{rows:>8.2f}{flag}")
    print("\n服务端：经 Django 全栈（会话、中间件、视图、页签计数、模板）的一次页面请求。")
    print("同SQL原始：用 psycopg 直接重放该请求发出的全部 SQL（同样的行、同样的计数）。仅取行：只取本页行的那条 SQL。")
    print("目标：服务端中位数 ≤ 50 ms，且 ≤ 同SQL原始 的 3 倍。" + ("（有场景超出，见 ←）" if failed else "（全部达到）"))

    from bench.cases import list_cases

    print(f"\n列表内核 core.listing：监管 全省 {args.projects:,} 个项目，中位数，毫秒（每项 {args.repeat} 次）")
    print(f"{'场景':<22}{'新 服务端':>10}{'新 同SQL原始':>12}{'倍数':>6}{'旧 服务端':>10}{'旧 同SQL原始':>12}{'旧/新':>8}")
    for label, kit, kit_raw, legacy, legacy_raw in list_cases():
        new, new_raw = median_ms(kit, args.repeat), median_ms(kit_raw, args.repeat)
        old, old_raw = median_ms(legacy, args.repeat), median_ms(legacy_raw, args.repeat)
        ratio = new / new_raw if new_raw else float("inf")
        flag = "" if new <= 50 and ratio <= 3 else "  ← 超出目标"
        failed |= bool(flag)
        print(f"{label:<22}{new:>10.1f}{new_raw:>12.2f}{ratio:>6.1f}{old:>10.1f}{old_raw:>12.2f}{old / new:>8.1f}{flag}")
    print("\n新：core.listing（页签计数封顶 LIST_COUNT_CAP，深页用键集 ?after=）；旧：原 render_list"
          "（每个页签 COUNT(*)、Paginator 的 COUNT 和 OFFSET）。两者经同一 Django 全栈和同一模板。")
    if args.export_rows != "none":
        from bench import export

        export.run(url, args.export_rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
