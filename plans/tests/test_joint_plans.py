"""统招分签 plans (FJ 4.1.4): the lead's collected JointProject instead of a project."""

import json
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client

from core.errors import BusinessError, FieldErrors
from joint import selectors as joint_selectors
from joint import services as joint_services
from joint.models import JointProject
from joint.tests.conftest import approved_joint, jw, respond  # noqa: F401  (jw: the fixture)
from plans import services
from plans.docs import PLAN
from plans.models import Plan, PlanShare
from supervision.models import Warning
from workflow import engine

from .support import GOOD, indicator, project, reload

pytestmark = pytest.mark.django_db


def collected(jw):  # noqa: F811
    """Two units respond (10 台 and 20 台 at 5000) and are approved; the lead collects before the deadline."""
    joint = approved_joint(jw, [jw.a, jw.b])
    respond(jw, joint, jw.a_clerk, indicator=jw.a_ind, reviewer=jw.a_reviewer)
    respond(jw, joint, jw.b_clerk, qty="20", amount="100000.00", indicator=jw.b_ind, reviewer=jw.b_reviewer)
    return engine.advance(JointProject.objects.get(pk=joint.pk), jw.clerk, "collect")


@transaction.atomic
def joint_plan(jw, joint, **fields):  # noqa: F811
    """【选择】 then 保存, both or neither."""
    p = services.plan_start(actor=jw.clerk, plan_type="joint", joint=joint)
    return services.plan_save(jw.clerk, p, {**GOOD, **fields}, p.version)


def uncollect(jw, joint):  # noqa: F811
    return engine.direct(JointProject.objects.get(pk=joint.pk), jw.clerk, "uncollect", reason="调整归集范围")


def test_a_joint_plan_copies_the_collected_joint_and_holds_it_until_revoked(jw):  # noqa: F811
    joint = collected(jw)
    p = joint_plan(jw, joint)
    assert (p.plan_type, p.project, p.joint_project) == ("joint", None, joint)
    assert p.name == joint.name and p.project_number == joint.number
    assert p.total_amount == Decimal("150000.00")  # Σ of the approved responses, not the joint's 预算金额
    line = p.lines.get(is_active=True)
    assert (line.item_name, line.quantity, line.amount) == ("台式计算机", Decimal("30"), Decimal("150000.00"))
    assert sorted((f["unit_name"], f["amount"]) for f in p.funds) == [
        ("福建省卫生健康委员会", "100000.00"), (jw.a.name, "50000.00")]
    assert [j.pk for j in joint_selectors.collected_for_plan(jw.clerk)] == [joint.pk]  # a draft marks nothing
    p = engine.submit(p, jw.clerk)
    assert reload(joint).planned_by == f"plans.plan:{p.pk}"
    assert not joint_selectors.collected_for_plan(jw.clerk).exists()
    with pytest.raises(BusinessError, match="已被采购计划使用，不能取消归集"):
        uncollect(jw, joint)
    p = engine.approve(reload(p), jw.reviewer)
    assert p.status_text == "已备案"
    req = engine.submit(PLAN.requests.create(actor=jw.clerk, target=p, kind="revoke", reason="需求取消"), jw.clerk)
    engine.approve(reload(req), jw.reviewer)
    assert reload(p).status_text == "已撤销" and reload(joint).planned_by == ""
    assert uncollect(jw, joint).stage == "collect"  # free again: 取消归集 allowed


def test_withdrawing_frees_the_joint_and_a_resubmit_needs_it_still_collected(jw):  # noqa: F811
    joint = collected(jw)
    p = engine.submit(joint_plan(jw, joint), jw.clerk)
    engine.withdraw(reload(p), jw.clerk)
    assert reload(joint).planned_by == ""
    uncollect(jw, joint)
    with pytest.raises(BusinessError, match="只有已归集的统招分签项目可以申报采购计划"):
        engine.submit(reload(p), jw.clerk)
    assert reload(joint).planned_by == "" and reload(p).status == "withdrawn"


def test_the_copy_is_taken_again_on_submit(jw):  # noqa: F811
    joint = collected(jw)
    p = joint_plan(jw, joint)
    uncollect(jw, joint)
    joint = engine.advance(JointProject.objects.get(pk=joint.pk), jw.clerk, "collect")  # the same two again
    p = engine.submit(reload(p), jw.clerk)
    assert p.total_amount == Decimal("150000.00") and p.lines.filter(is_active=True).count() == 1


def test_refusals_when_starting_a_joint_plan(jw):  # noqa: F811
    with pytest.raises(FieldErrors) as exc:
        services.plan_start(actor=jw.clerk, plan_type="joint", joint=None)
    assert exc.value.errors == {"joint_project_id": "请选择已归集的统招分签项目。"}
    not_collected = approved_joint(jw, [jw.a])
    with pytest.raises(BusinessError, match="只有已归集的统招分签项目可以申报采购计划") as exc:
        services.plan_start(actor=jw.clerk, plan_type="joint", joint=not_collected)
    assert exc.value.field == "joint_project_id"
    joint = collected(jw)
    with pytest.raises(BusinessError, match="只能选择本单位牵头的统招分签项目"):
        services.plan_start(actor=jw.a_clerk, plan_type="joint", joint=joint)  # a responder is not the lead
    with pytest.raises(BusinessError, match="只有统招分签计划选择统招分签项目"):
        services.plan_start(actor=jw.clerk, plan_type="general", joint=joint)
    first = joint_plan(jw, joint)
    with pytest.raises(BusinessError, match=f"该统招分签项目已有采购计划（{first.number}"):
        services.plan_start(actor=jw.clerk, plan_type="joint", joint=joint)  # a draft holds it
    engine.discard(first, jw.clerk)
    joint_services.joint_mark_planned(joint=joint, by="plans.plan:999999", actor=jw.clerk)  # used elsewhere
    with pytest.raises(BusinessError, match="已被其他采购计划使用"):
        services.plan_start(actor=jw.clerk, plan_type="joint", joint=reload(joint))


def test_the_rules_apply_to_a_joint_plan(jw):  # noqa: F811
    joint = collected(jw)
    with pytest.raises(FieldErrors) as exc:
        joint_plan(jw, joint, sme_oriented=False, sme_reserved_pct="10")
    assert "未按政策预留的原因" in exc.value.errors["sme_reason"]
    with pytest.raises(FieldErrors) as exc:
        joint_plan(jw, joint, organization_form="entrusted")
    assert exc.value.errors == {"agency": "组织形式为分散采购委托代理的，须选择代理机构。"}


def test_split_counts_each_responders_share_under_its_own_budget_project(jw):  # noqa: F811
    """A's earlier 询价 plan of 390万 on PRO-J, then its 50万 response paid by PRO-J money: 440万 > 400万 (省级)."""
    earlier = project(jw.a_clerk, jw.a_reviewer, "3900000", code="A02020200",
                      funds=[(indicator(jw.a, "9000000", pro_code="PRO-J"), "3900000")])
    p0 = services.plan_start(actor=jw.a_clerk, plan_type="general", project=earlier)
    engine.submit(services.plan_save(jw.a_clerk, p0, {**GOOD, "sme_micro_pct": "60"}, p0.version), jw.a_clerk)
    joint = approved_joint(jw, [jw.a])
    respond(jw, joint, jw.a_clerk, qty="100", amount="500000.00",
            indicator=indicator(jw.a, "900000", pro_code="PRO-J"), reviewer=jw.a_reviewer)
    joint = engine.advance(JointProject.objects.get(pk=joint.pk), jw.clerk, "collect")
    p = joint_plan(jw, joint)
    with pytest.raises(FieldErrors) as exc:
        engine.submit(p, jw.clerk)
    message = exc.value.errors["split_explanation"]
    assert f"{jw.a.name}：品目 A02020200、预算项目 PRO-J" in message and "4,400,000.00" in message
    assert reload(joint).planned_by == ""  # the refusal undid the mark
    p = services.plan_save(jw.clerk, reload(p), {**GOOD, "split_explanation": "统招分签，各单位分别签约"},
                           reload(p).version)
    engine.submit(p, jw.clerk)
    assert list(PlanShare.objects.filter(plan=p).values_list("unit_id", "pro_code", "amount")) == [
        (jw.a.pk, "PRO-J", Decimal("500000.00"))]
    w = Warning.objects.get()
    assert w.unit == jw.lead and jw.a.name in w.message and "各单位分别签约" in w.message


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_pick_page_and_api_of_a_joint_plan(jw):  # noqa: F811
    joint = collected(jw)
    c = _client(jw.clerk)
    assert "统招分签采购" in c.get("/plans/new/").content.decode()
    page = c.get("/plans/new/joint/").content.decode()
    assert joint.number in page and "150,000.00" in page
    assert joint.number not in _client(jw.a_clerk).get("/plans/new/joint/").content.decode()
    resp = c.post("/plans/new/joint/", {"project": joint.pk})
    p = Plan.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/plans/{p.pk}/edit/"
    assert joint.number not in c.get("/plans/new/joint/").content.decode()  # held by the draft
    assert "已归集的统招分签项目自动获取" in c.get(f"/plans/{p.pk}/").content.decode()
    engine.discard(p, jw.clerk)
    body = {"plan_type": "joint", "joint_project_id": joint.pk, **GOOD, "submit": True}
    resp = _client(jw.a_clerk).post("/api/plans", json.dumps(body), content_type="application/json")
    assert resp.status_code == 422 and resp.json()["errors"] == {"joint_project_id": "请选择已归集的统招分签项目。"}
    resp = c.post("/api/plans", json.dumps(body), content_type="application/json")
    assert resp.status_code == 201, resp.content
    out = resp.json()
    assert out["status"] == "pending" and out["fields"]["joint_project_id"] == joint.pk
    assert reload(joint).planned_by == f"plans.plan:{out['id']}"
