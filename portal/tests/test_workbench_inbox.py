"""工作台 reads the engine's work items: one grouped query for the cards and one for 待处理事项, so its number of
queries does not grow with the flows or the documents; and a two-node flow whose route is decided at submit
(项目申请: 需求领导, or 审核岗 in a unit without one) keeps its work item at the node it was sent to."""

import itertools
import re
from dataclasses import replace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.data.categories import ensure_seeded
from core.testing import client_for
from orgs.models import Role
from orgs.testing import make_unit, make_user
from projects.models import ProjectRequest
from projects.tests.support import make_indicator, save, upload
from projects.tests.test_request_support import approved_project
from registry import services as org_services
from workflow import engine, selectors
from workflow.models import WorkItem

from .test_views import reg_data

pytestmark = pytest.mark.django_db
_seq = itertools.count(1)


@pytest.fixture
def busy(world, settings, tmp_path):
    """A user of 福建省教育厅 (a competent unit) holding every role there, so every flow has work for it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_seeded()
    world.dept.is_member = True
    world.dept.save()
    world.busy = make_user("busy", world.dept, Role.CLERK, Role.REVIEWER, Role.LEADER, Role.COMPETENT)
    world.indicator = make_indicator(world.dept, "10000000")
    return world


def workbench(user):
    c = client_for(user)
    c.get("/")   # warm the per-process caches (content types, the menu) outside the count
    with CaptureQueriesContext(connection) as ctx:
        page = c.get("/").content.decode()
    inbox = [q for q in ctx.captured_queries if "workflow_workitem" in q["sql"]]
    assert len(inbox) == 2, inbox   # the cards (GROUP BY doc_type, kind) and the 待处理事项 rows
    return page, len(ctx.captured_queries)


def cards(page) -> dict:
    return {m.group(1): m.group(2) for m in re.finditer(r"<h3>(.*?)</h3>\s*<div class=\"card-figures\">(.*?)</div>\s*</div>",
                                                         page, re.S)}


def add_work_in_every_flow(w, n: int):
    """n more documents in each flow waiting for `w.busy` (reviews) or with its unit's clerks (mine)."""
    for _ in range(n):
        k = next(_seq)
        sub_unit = make_unit(f"福建省教育厅直属单位{k}", region_code="350000", budget_code=f"35009{k:04d}")
        clerk = make_user(f"sub_clerk_{sub_unit.pk}", sub_unit, Role.CLERK)
        org_services.subordination_request(actor=clerk, competent_unit=w.dept)           # 主管预算单位确认
        engine.submit(save(w.dept_clerk, indicator=w.indicator), w.dept_clerk)           # 立项: 审核岗
        save(w.dept_clerk, indicator=w.indicator)                                        # 立项: a draft (mine)
        project = approved_project(w.dept_clerk, {w.indicator: "1000"})
        engine.submit(revoke_request(w.dept_clerk, project), w.dept_clerk)                # 项目申请: 需求领导


def revoke_request(clerk, project):
    from projects import request_kinds as rq

    return rq.request_create(
        actor=clerk, project=project, kind=ProjectRequest.KIND_REVOKE, reason="不再采购",
        attachment_ids=[upload(clerk, rq.REQUIRED_ATTACHMENTS[ProjectRequest.KIND_REVOKE]).pk])


def test_workbench_costs_the_same_queries_for_one_flow_or_every_flow(busy, monkeypatch):
    w = busy
    org_services.registration_save(actor=w.dept_clerk, data=reg_data(w.dept))   # one draft, one flow
    page, one_flow = workbench(w.busy)
    assert set(cards(page)) == {"采购单位用户库基本信息"}

    add_work_in_every_flow(w, 1)
    page, every_flow = workbench(w.busy)
    assert set(cards(page)) == {"采购单位用户库基本信息", "隶属关系", "采购项目立项", "采购项目变更类申请"}
    assert every_flow == one_flow

    add_work_in_every_flow(w, 2)
    # and thirty more declared flows (today each cost two to four COUNTs)
    for i in range(30):
        monkeypatch.setitem(engine.FLOWS, f"extra_{i}", replace(engine.FLOWS["project"], doc_type=f"extra_{i}"))
    page, more = workbench(w.busy)
    assert more == one_flow, (one_flow, more)
    assert one_flow <= 8, one_flow   # session, user, roles, unit, bulletins and the two inbox queries
    counts = {r.flow.doc_type: (r.to_review, r.mine) for r in selectors.inbox_counts(w.busy)}
    assert counts == {"registration": (0, 1), "subordination": (3, 0), "project": (3, 3),
                      "project_request": (3, 0)}
    assert "<b>3</b><span>待我审核</span>" in cards(page)["采购项目立项"]
    # 待处理事项 shows the newest rows from the work items, each a link to its document
    table = page.split("待处理事项", 1)[1]
    assert table.count('class="ops"') == 13   # all of them: under the 15 shown


def test_todo_items_load_a_document_only_when_asked(busy):
    w = busy
    add_work_in_every_flow(w, 1)
    with CaptureQueriesContext(connection) as ctx:
        from portal.selectors import todo_items

        items = todo_items(w.busy)
    assert len(ctx.captured_queries) <= 3      # the roles, the regions (none: not a regulator), the rows
    assert {i["label"] for i in items} == {"隶属关系", "采购项目立项", "采购项目变更类申请"}
    for item in items:
        assert item.doc.number == item.number
        assert engine.available_actions(w.busy, item.doc), item.number


# ---- a two-node flow routed at submit ----------------------------------------------------------------


def test_project_request_work_item_stays_at_the_node_it_was_routed_to(busy):
    w = busy
    sub_reviewer = make_user("sub1_reviewer", w.sub1, Role.REVIEWER)
    sub_clerk = w.sub1_clerk
    indicator = make_indicator(w.sub1, "100000")
    project = approved_project(sub_clerk, {indicator: "1000"})
    req = engine.submit(revoke_request(sub_clerk, project), sub_clerk)
    assert req.current_node == "reviewer"           # 福建省教育考试院 has no 需求领导: its 审核岗
    row = WorkItem.objects.get(object_id=req.pk, doc_type="project_request", kind=WorkItem.REVIEW)
    assert (row.node, row.role, row.unit_id) == ("reviewer", Role.REVIEWER, w.sub1.pk)

    leader = make_user("sub1_leader", w.sub1, Role.LEADER)   # appointed while it waits: the route stays
    assert list(selectors.awaiting_review(sub_reviewer, engine.FLOWS["project_request"])) == [req]
    assert list(selectors.awaiting_review(leader, engine.FLOWS["project_request"])) == []
    assert list(selectors.awaiting_review(w.busy, engine.FLOWS["project_request"])) == []   # another unit
    engine.reject(req, sub_reviewer, "请补充说明")
    assert WorkItem.objects.get(object_id=req.pk, doc_type="project_request").kind == WorkItem.OPEN

    engine.submit(ProjectRequest.objects.get(pk=req.pk), sub_clerk)   # now the unit has a leader
    req = ProjectRequest.objects.get(pk=req.pk)
    assert req.current_node == "leader"
    assert list(selectors.awaiting_review(leader, engine.FLOWS["project_request"])) == [req]
    assert list(selectors.awaiting_review(sub_reviewer, engine.FLOWS["project_request"])) == []
    engine.approve(req, leader)
    assert not WorkItem.objects.filter(object_id=req.pk, doc_type="project_request").exists()
