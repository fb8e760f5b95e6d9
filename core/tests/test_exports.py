"""导出为Excel (core/exports.py): the workbook during the request, and above EXPORT_SYNC_MAX_ROWS a background job
on the real queue (database backend; run here by core.jobs.run_ready, the worker's own code path) whose file
only its owner downloads."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.storage import default_storage
from django_tasks_db.models import DBTaskResult

from core import exports, jobs
from core.listing import Column
from core.models import JobProgress
from core.testing import client_for

pytestmark = pytest.mark.django_db

URL = "/budgets/indicators/"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _indicators(unit, n, *, year=2026, prefix="EXP"):
    from budgets.tests.factories import IndicatorFactory

    return [IndicatorFactory(
        bgt_id=f"{prefix}-{unit.pk}-{year}-{i:03d}", unit=unit, agency_code=unit.budget_code, fiscal_year=year,
        pro_code=f"P{i:03d}", pro_name=f"导出测试项目{i}", amount=Decimal(f"{1000 + i}.50"), cur_amt="0")
        for i in range(n)]


def _sheet(content: bytes):
    ws = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_sync_export_has_headers_numbers_and_every_filtered_row(world, media):
    _indicators(world.dept, 7, year=2026)
    _indicators(world.dept, 3, year=2025)
    _indicators(world.jx_unit, 2, year=2026)  # another unit: never in the clerk's export
    resp = client_for(world.dept_clerk).get(URL + "?fiscal_year=2026&export=xlsx")
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in resp["Content-Disposition"]
    rows = _sheet(resp.content)
    header, body = rows[0], rows[1:]
    assert header[:2] == ["指标ID", "预算年度"] and "指标金额" in header and "可用金额" in header
    assert len(body) == 7  # all filtered rows, not one page; no other year, no other unit
    ids = {r[0] for r in body}
    assert all(i.startswith(f"EXP-{world.dept.pk}-2026-") for i in ids)
    amount = header.index("指标金额")
    assert all(isinstance(r[amount], float) for r in body)  # money is a number, not text
    assert sorted(r[amount] for r in body) == [1000.5 + i for i in range(7)]
    assert not JobProgress.objects.exists()  # below the threshold: no job


def test_values_list_rows_equal_the_columns_own_values(world):
    """The fast path (values_list for field paths and get_X_display) reads what Column.get reads."""
    from budgets.models import BudgetIndicator

    _indicators(world.dept, 3)
    cols = [Column("指标ID", "bgt_id"), Column("单位", "unit.name"), Column("区划", "unit.region.name"),
            Column("来源", "get_source_display"), Column("金额", "amount", kind="money"),
            Column("有效", "is_valid")]
    qs = BudgetIndicator.objects.order_by("bgt_id")
    assert exports.plan(qs, cols).fields == ["bgt_id", "unit__name", "unit__region__name", "source", "amount",
                                             "is_valid"]
    assert list(exports.rows(qs, cols)) == [[c.get(o) for c in cols] for o in qs]
    # a callable or a property: objects too (field columns still read the row), relations in the same query
    cols += [Column("可用", "available", kind="money"), Column("单位", lambda i: i.unit.name if i.unit_id else "")]
    assert exports.plan(qs, cols).fields is None
    assert list(exports.rows(qs, cols)) == [[c.get(o) for c in cols] for o in qs]
    assert list(exports.rows(qs.select_related("unit"), cols)) == [[c.get(o) for c in cols] for o in qs]


def test_export_instances_are_the_orm_objects(world):
    """exports.instances() builds objects without Model.__init__: every field, the select_related relation
    (or None through a LEFT JOIN), properties and get_X_display read the same as the ORM's own objects."""
    from budgets.models import BudgetIndicator
    from budgets.tests.factories import IndicatorFactory

    _indicators(world.dept, 2)
    IndicatorFactory(bgt_id="EXP-NOUNIT", unit=None, agency_code="999", amount="5.00", cur_amt="0")
    qs = BudgetIndicator.objects.select_related("unit").order_by("bgt_id")
    fields = [f.attname for f in BudgetIndicator._meta.concrete_fields]
    ours, orm = list(exports.instances(qs)), list(qs)
    assert [[getattr(o, f) for f in fields] for o in ours] == [[getattr(o, f) for f in fields] for o in orm]
    assert [(o.unit and o.unit.name, o.available, o.get_source_display(), o.pk) for o in ours] == \
           [(o.unit and o.unit.name, o.available, o.get_source_display(), o.pk) for o in orm]
    assert all(not o._state.adding for o in ours)
    # anything but a plain select_related: the ORM's own iterator
    deferred = list(exports.instances(BudgetIndicator.objects.order_by("bgt_id").only("bgt_id")))
    assert [o.pk for o in deferred] == [o.pk for o in orm]


def test_capped_count_stops_at_the_limit(world):
    from budgets.models import BudgetIndicator

    _indicators(world.dept, 6)
    qs = BudgetIndicator.objects.all()
    assert exports.capped_count(qs, 3) == 4
    assert exports.capped_count(qs, 10) == 6


def test_above_the_threshold_a_job_makes_the_file_for_its_owner_only(world, media, settings):
    settings.EXPORT_SYNC_MAX_ROWS = 3
    _indicators(world.dept, 5, year=2026)
    _indicators(world.dept, 2, year=2025)
    clerk = client_for(world.dept_clerk)
    resp = clerk.get(URL + "?fiscal_year=2026&page=2&export=xlsx")
    job = JobProgress.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/jobs/{job.pk}/"
    assert job.owner == world.dept_clerk and job.state == JobProgress.QUEUED and job.label == "导出：指标预算查询"
    assert "page" not in job.params["query"] and "fiscal_year=2026" in job.params["query"]
    queued = DBTaskResult.objects.get()
    assert str(queued.id) == job.task_id and queued.task_path == "core.exports.export_list"
    # a second click while it waits: the same job
    assert clerk.get(URL + "?fiscal_year=2026&export=xlsx")["Location"] == f"/jobs/{job.pk}/"
    assert JobProgress.objects.count() == 1

    page = clerk.get(f"/jobs/{job.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "排队中" in text and 'hx-trigger="every 2s"' in text and "/download/" not in text

    assert jobs.run_ready() == 1
    job.refresh_from_db()
    assert job.state == JobProgress.DONE and job.percent == 100
    assert (job.total, job.done) == (5, 5) and job.attempts == 1 and job.finished_at is not None
    assert job.result_name.startswith("exports/") and default_storage.exists(job.result_name)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"

    fragment = clerk.get(f"/jobs/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "已完成" in fragment and "hx-trigger" not in fragment and f"/jobs/{job.pk}/download/" in fragment
    assert "<html" not in fragment
    assert "下载" in clerk.get("/jobs/").content.decode()

    dl = clerk.get(f"/jobs/{job.pk}/download/")
    assert dl.status_code == 200 and "attachment" in dl["Content-Disposition"]
    rows = _sheet(b"".join(dl.streaming_content))
    assert rows[0][0] == "指标ID" and len(rows) == 1 + 5
    assert {r[0][:len(f"EXP-{world.dept.pk}-2026")] for r in rows[1:]} == {f"EXP-{world.dept.pk}-2026"}

    # anyone else: 404 on the page and the file, as for a missing job; the list shows nothing of it
    for other in (world.dept_reviewer, world.fj_reg, world.jx_clerk):
        c = client_for(other)
        assert c.get(f"/jobs/{job.pk}/").status_code == 404
        assert c.get(f"/jobs/{job.pk}/download/").status_code == 404
        assert job.label not in c.get("/jobs/").content.decode()
    assert client_for(None).get(f"/jobs/{job.pk}/download/").status_code == 302  # anonymous: to the login page


def test_a_job_whose_owner_lost_the_list_fails_without_rows(world, media, settings):
    from orgs.models import RoleAssignment

    settings.EXPORT_SYNC_MAX_ROWS = 1
    _indicators(world.dept, 3)
    client_for(world.dept_clerk).get(URL + "?export=xlsx")
    RoleAssignment.objects.filter(user=world.dept_clerk).delete()
    jobs.run_ready()
    job = JobProgress.objects.get()
    assert job.state == JobProgress.FAILED and "无权导出" in job.message and not job.result_name
    assert DBTaskResult.objects.count() == 1  # a refusal is not retried
    assert client_for(world.dept_clerk).get(f"/jobs/{job.pk}/download/").status_code == 404


@pytest.mark.parametrize("path", ["/jobs/abc/", "/jobs/0/", "/jobs/-1/", "/jobs/99999999999999999999999/",
                                  "/jobs/99999999999999999999999/download/", "/jobs/1.5/download/",
                                  "/jobs/%00/", "/jobs/12345/"])
def test_a_malformed_or_missing_job_id_is_404(world, path):
    assert client_for(world.dept_clerk).get(path).status_code == 404


def test_a_job_not_done_has_no_download(world, media):
    job = JobProgress.objects.create(owner=world.dept_clerk, kind="export", label="导出：测试")
    assert client_for(world.dept_clerk).get(f"/jobs/{job.pk}/download/").status_code == 404


def test_expired_export_files_are_deleted(world, media, settings):
    import datetime as dt

    from django.core.files.base import ContentFile
    from django.utils import timezone

    old = JobProgress.objects.create(owner=world.dept_clerk, kind="export", label="旧导出", state="done",
                                     finished_at=timezone.now() - dt.timedelta(days=settings.EXPORT_KEEP_DAYS + 1),
                                     result_name=default_storage.save("exports/old.xlsx", ContentFile(b"x")))
    new = JobProgress.objects.create(owner=world.dept_clerk, kind="export", label="新导出", state="done",
                                     finished_at=timezone.now(),
                                     result_name=default_storage.save("exports/new.xlsx", ContentFile(b"y")))
    orphan = default_storage.save("exports/20200101/9-abc.xlsx", ContentFile(b"z"))  # no job points to it
    assert exports.delete_expired_exports() == "删除过期导出文件 2 个"
    assert not default_storage.exists(orphan)
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.result_name == "" and "过期" in old.message and not default_storage.exists("exports/old.xlsx")
    assert default_storage.exists(new.result_name)
    assert client_for(world.dept_clerk).get(f"/jobs/{old.pk}/download/").status_code == 404
