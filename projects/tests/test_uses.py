"""Project uses (ProjectUse): which documents use a project, since when, released when — through the services
other modules call (project_mark_used / project_unmark_used), the reads (is_used, used_at, with_use, used_q),
the detail page's 使用情况, the API, the data migration from the old used_by column, and on PostgreSQL the races
(two documents marking one project at once; a mark against a 撤销's approval)."""

import datetime as dt
import json
import threading
import time

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit import services as audit
from audit.models import AuditLog
from core.errors import BusinessError
from core.testing import client_for, postgres_only, race
from projects import request_kinds as rq
from projects import selectors, services
from projects.models import Project, ProjectRequest, ProjectUse
from workflow import engine
from workflow.models import Status

from .support import upload
from .test_request_support import approved_project, indicator, leader


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


@pytest.fixture
def env(world):
    w = world
    w.leader = leader(w.dept)
    w.ind = indicator(w.dept, "500000", name="办公设备购置")
    w.project = approved_project(w.dept_clerk, {w.ind: "200000"}, name="教育厅办公设备采购")
    return w


# ---- the services --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_release_dates_the_use_and_a_new_use_is_a_new_row(env):
    p = env.project
    services.project_mark_used(project=p, by="plans.plan:12", label="采购计划 JH-1", actor=env.dept_clerk)
    use = ProjectUse.objects.get(project=p)
    assert (use.by, use.label, use.released_at, use.is_live) == ("plans.plan:12", "采购计划 JH-1", None, True)
    assert fresh(p).is_used and fresh(p).used_at == use.since
    services.project_unmark_used(project=p, by="plans.plan:12", actor=env.dept_clerk)
    use.refresh_from_db()
    assert use.released_at is not None and not use.is_live  # kept, never deleted
    assert not fresh(p).is_used and fresh(p).used_at is None
    services.project_mark_used(project=p, by="plans.plan:12")  # the same plan again (e.g. re-filed)
    assert ProjectUse.objects.filter(project=p).count() == 2
    assert services.uses_of(p) == ["plans.plan:12"]
    unuse = AuditLog.objects.get(object_key=audit.object_key(p), action="project.unuse")
    assert unuse.before["uses"] == ["plans.plan:12"] and unuse.after["uses"] == []
    assert audit.verify() == []


@pytest.mark.django_db
def test_bad_keys_are_refused_and_nothing_is_written(env):
    for bad in ("", "   ", "a;b", "plans.plan: 1", "x" * 81):
        with pytest.raises(BusinessError) as exc:
            services.project_mark_used(project=env.project, by=bad)
        assert exc.value.code == "bad_use", bad
    assert not ProjectUse.objects.exists()


@pytest.mark.django_db
def test_a_long_label_is_cut_to_the_column(env):
    services.project_mark_used(project=env.project, by="plans.plan:1", label="计" * 300)
    assert ProjectUse.objects.get().label == "计" * 200


@pytest.mark.django_db
def test_reads_live_uses_by_document_used_q_and_the_annotation(env):
    other = approved_project(env.dept_clerk, {env.ind: "1000"}, name="第二个项目")
    services.project_mark_used(project=env.project, by="plans.plan:5")
    services.project_mark_used(project=other, by="plans.plan:5")  # one plan, two projects
    services.project_mark_used(project=other, by="plans.plan:6")
    assert set(selectors.live_uses_by("plans.plan:5")) == {env.project, other}
    services.project_unmark_used(project=other, by="plans.plan:5")
    assert list(selectors.live_uses_by("plans.plan:5")) == [env.project]
    assert list(selectors.live_uses_by("plans.plan:6")) == [other]
    services.project_unmark_used(project=env.project, by="plans.plan:5")
    assert set(Project.objects.filter(selectors.used_q())) == {other}
    assert env.project in set(Project.objects.filter(~selectors.used_q()))
    rows = {p.pk: p for p in Project.objects.filter(pk__in=[env.project.pk, other.pk]).with_use()}
    assert rows[other.pk].is_used and rows[other.pk].used_at == ProjectUse.objects.get(by="plans.plan:6").since
    assert not rows[env.project.pk].is_used and rows[env.project.pk].used_at is None


@pytest.mark.django_db
def test_annotated_rows_answer_without_a_query(env, django_assert_num_queries):
    services.project_mark_used(project=env.project, by="plans.plan:1")
    rows = list(Project.objects.filter(pk=env.project.pk).with_use())
    with django_assert_num_queries(0):
        assert rows[0].is_used and rows[0].used_at is not None


@pytest.mark.django_db
def test_a_used_project_refuses_revoke_change_and_form_change_until_released(env):
    def offered(project):
        return {k.code for k in rq.REQUESTS.allowed(env.dept_clerk, fresh(project))}

    assert {"revoke", "change"} <= offered(env.project) and "fund_add" not in offered(env.project)
    services.project_mark_used(project=env.project, by="plans.plan:1")
    p = fresh(env.project)
    assert not {"revoke", "change"} & offered(p) and "fund_add" in offered(p)
    assert services.form_change_refusal(p) == "项目已被使用，不能变更实施形式。"
    services.project_unmark_used(project=p, by="plans.plan:1")
    assert services.form_change_refusal(fresh(p)) is None and "revoke" in offered(p)


# ---- pages and API -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_detail_page_shows_which_document_uses_it_since_when(env):
    p = env.project
    page = client_for(env.dept_clerk).get(f"/projects/{p.pk}/").content.decode()
    assert 'id="sec-uses"' in page and "尚未被采购计划、统招分签等单据使用。" in page
    services.project_mark_used(project=p, by="plans.plan:7", label="采购计划 JH-0007")
    services.project_mark_used(project=p, by=f"projects.project:{p.pk}")  # a key the kit can link
    services.project_unmark_used(project=p, by=f"projects.project:{p.pk}")
    page = client_for(env.dept_clerk).get(f"/projects/{p.pk}/").content.decode()
    since = timezone.localtime(ProjectUse.objects.get(by="plans.plan:7").since).strftime("%Y-%m-%d %H:%M")
    section = page[page.index('id="sec-uses"'):page.index('id="sec-attachments"')]
    assert "采购计划 JH-0007" in section and since in section and "使用中" in section
    assert f'<a href="/projects/{p.pk}/">采购项目 {p}</a>' in section and "已释放" in section
    assert f"已使用（自 {since}）" in page
    assert "（已被采购计划、统招分签等单据使用" in client_for(env.dept_clerk).get(f"/projects/requests/buttons/{p.pk}/").content.decode()


@pytest.mark.django_db
def test_api_lists_the_uses(env):
    p = env.project
    services.project_mark_used(project=p, by="plans.plan:7", label="采购计划 JH-0007")
    services.project_mark_used(project=p, by="plans.plan:8")
    services.project_unmark_used(project=p, by="plans.plan:8")
    body = json.loads(client_for(env.dept_clerk).get(f"/api/projects/{p.pk}").content)
    assert "used_by" not in body
    assert body["is_used"] is True and body["used_at"] is not None
    assert [(u["by"], u["label"], u["released_at"] is None) for u in body["uses"]] == [
        ("plans.plan:7", "采购计划 JH-0007", True), ("plans.plan:8", "", False)]
    schema = json.loads(client_for(env.dept_clerk).get("/api/openapi.json").content)
    uses = schema["components"]["schemas"]["ProjectDetail"]["properties"]["uses"]
    assert uses["items"]["$ref"].endswith("/ProjectUseOut") and "used_by" not in \
        schema["components"]["schemas"]["ProjectDetail"]["properties"]


@pytest.mark.django_db
def test_form_change_tab_lists_only_unused_projects_in_one_query_per_page(env, django_assert_max_num_queries):
    url = "/projects/form-change/?tab=open"
    c = client_for(env.dept_clerk)
    assert "教育厅办公设备采购" in c.get(url).content.decode()
    services.project_mark_used(project=env.project, by="plans.plan:1")
    assert "教育厅办公设备采购" not in c.get(url).content.decode()
    assert "教育厅办公设备采购" in c.get("/projects/form-change/?tab=all").content.decode()
    services.project_unmark_used(project=env.project, by="plans.plan:1")
    assert "教育厅办公设备采购" in c.get(url).content.decode()
    # the 已使用 state of each row comes with the rows: more used rows, no more queries
    for i in range(3):
        services.project_mark_used(project=approved_project(env.dept_clerk, {env.ind: "100"}, name=f"项目{i}"),
                                   by=f"plans.plan:{10 + i}")
    few = _queries(c, "/projects/form-change/?tab=all")
    for i in range(3, 8):
        services.project_mark_used(project=approved_project(env.dept_clerk, {env.ind: "100"}, name=f"项目{i}"),
                                   by=f"plans.plan:{10 + i}")
    with django_assert_max_num_queries(few):
        page = c.get("/projects/form-change/?tab=all").content.decode()
    assert page.count(">已使用<") >= 8


def _queries(c, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        c.get(url)
    return len(ctx)


# ---- the data migration --------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_migration_turns_used_by_into_rows_and_back(env):
    from django.db.migrations.executor import MigrationExecutor

    p = env.project
    services.project_mark_used(project=p, by="plans.plan:1", label="计划一")
    services.project_mark_used(project=p, by="plans.plan:2")
    services.project_unmark_used(project=p, by="plans.plan:2")
    first = ProjectUse.objects.get(by="plans.plan:1").since
    before, latest = [("projects", "0005_project_revoked_index")], [("projects", "0008_remove_project_used_by")]

    def migrate(target):
        executor = MigrationExecutor(connection)
        executor.migrate(target)
        return MigrationExecutor(connection).loader.project_state(target).apps

    try:
        old = migrate(before).get_model("projects", "Project")
        row = old.objects.get(pk=p.pk)
        assert (row.used_by, row.used_at) == ("plans.plan:1", first)  # backwards: the live uses
        at = timezone.now() - dt.timedelta(days=3)
        old.objects.filter(pk=p.pk).update(used_by="plans.plan:1;contracts.contract:4;plans.plan:1", used_at=at)
        migrate(latest)
    finally:
        migrate(latest)
    rows = list(ProjectUse.objects.filter(project_id=p.pk).order_by("by").values_list("by", "since", "released_at"))
    assert rows == [("contracts.contract:4", at, None), ("plans.plan:1", at, None)]
    assert fresh(p).is_used and fresh(p).used_at == at


# ---- races on PostgreSQL -------------------------------------------------------------------------------------


@pytest.mark.pg
@pytest.mark.django_db(transaction=True)
def test_two_documents_marking_one_project_at_once(env):
    postgres_only()
    p = env.project
    calls = [lambda by=by: services.project_mark_used(project=p, by=by, actor=env.dept_clerk)
             for by in ("plans.plan:1", "plans.plan:2", "plans.plan:1", "plans.plan:2")]
    ok, refused = race(calls)
    assert sorted(ok) == [0, 1, 2, 3] and refused == []  # the same document twice is no error and one row
    assert sorted(services.uses_of(p)) == ["plans.plan:1", "plans.plan:2"]
    assert ProjectUse.objects.filter(project=p).count() == 2
    assert AuditLog.objects.filter(object_key=audit.object_key(p), action="project.use").count() == 2


def _held_open(call, entered: threading.Event, seconds=0.6):
    """`call` inside a transaction kept open a moment after it returns: the other side must wait for it."""
    def run():
        with transaction.atomic():
            call()
            entered.set()
            time.sleep(seconds)
    return run


def _after(event: threading.Event, call):
    def run():
        assert event.wait(timeout=30)
        call()
    return run


@pytest.mark.pg
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("first", ["free", "mark", "approve"])
def test_a_mark_racing_a_revoke_approval_never_both_pass(env, settings, tmp_path, first):
    """free: both at the same moment; mark / approve: that side commits last, holding its transaction open
    while the other runs (without the project lock both would pass)."""
    postgres_only()
    settings.MEDIA_ROOT = tmp_path / "media"
    p = env.project
    req = rq.request_create(actor=env.dept_clerk, project=p, kind=ProjectRequest.KIND_REVOKE, reason="不再需要",
                            attachment_ids=[upload(env.dept_clerk, rq.REQUIRED_ATTACHMENTS["revoke"]).pk])
    engine.submit(fresh(req), env.dept_clerk)

    def approve():
        engine.approve(fresh(req), env.leader, opinion="同意")

    def mark():
        services.project_mark_used(project=p, by="plans.plan:1")

    entered = threading.Event()
    calls = {"free": [approve, mark],
             "mark": [_after(entered, approve), _held_open(mark, entered)],
             "approve": [_held_open(approve, entered), _after(entered, mark)]}[first]
    ok, refused = race(calls)
    assert len(ok) == 1 and len(refused) == 1, (ok, refused)
    p, req = fresh(p), fresh(req)
    if ok == [0]:  # the revoke won: the plan is refused, nothing uses the project
        assert refused == [(1, "project_revoked")]
        assert p.revoked_at is not None and req.status == Status.APPROVED and not p.is_used
    else:          # the plan won: the approval is refused, the request still waits
        assert refused == [(0, "request_refused")]
        assert p.revoked_at is None and req.status == Status.PENDING and p.is_used
    if first == "mark":
        assert ok == [1]
    if first == "approve":
        assert ok == [0]
