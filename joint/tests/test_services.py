"""统招分签's rules (FJ 2.1, RULES §A): every allowed path and every refusal."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from budgets import ledger
from core.errors import BusinessError, FieldErrors, NotAllowed
from core.models import Category
from joint import selectors, services
from joint.docs import JOINT
from joint.models import JointProject, JointResponse
from projects import services as project_services
from projects.models import ImplementationForm, Project
from projects.tests.support import upload
from workflow import engine
from workflow.models import Status

from .conftest import approved_joint, joint_data, past, respond

pytestmark = pytest.mark.django_db


def test_save_computes_the_budget_and_keeps_the_invited_units(jw):
    joint = services.joint_save(jw.clerk, None, joint_data(jw, [jw.lead, jw.a]), None)
    assert joint.total_amount == Decimal("500000.00")
    assert joint.number.startswith("TZ")
    assert joint.invited_units == [jw.lead.pk, jw.a.pk]
    edited = services.joint_save(jw.clerk, joint, joint_data(jw, [jw.a]), joint.version)
    assert edited.invited_units == [jw.a.pk]  # the lead removed itself (FJ 2.1.1 注)
    assert JointResponse.objects.filter(joint=joint, is_active=False).count() == 2  # kept, never deleted


@pytest.mark.parametrize("change, field", [
    ({"deadline": "past"}, "deadline"),
    ({"invited_units": []}, "invited_units"),
    ({"invited_units": "jx"}, "invited_units"),
    ({"procurement_kind": "services"}, "line.0.category_id"),
])
def test_save_refusals(jw, change, field):
    if change.get("deadline") == "past":
        change = {"deadline": timezone.now() - dt.timedelta(hours=1)}
    if change.get("invited_units") == "jx":
        change = {"invited_units": [jw.w.jx_unit]}  # another province: not the lead's to invite
    with pytest.raises(FieldErrors) as exc:
        services.joint_save(jw.clerk, None, joint_data(jw, [jw.a], **change), None)
    assert field in exc.value.errors


def test_save_needs_a_clerk(jw):
    with pytest.raises(NotAllowed):
        services.joint_save(jw.reviewer, None, joint_data(jw, [jw.a]), None)


def test_submit_and_approve_refused_once_the_deadline_passed(jw):
    joint = services.joint_save(jw.clerk, None, joint_data(jw, [jw.a]), None)
    with pytest.raises(BusinessError, match="响应截止时间"):
        engine.submit(past(joint), jw.clerk)
    joint = services.joint_save(jw.clerk, None, joint_data(jw, [jw.a]), None)
    joint = engine.submit(joint, jw.clerk)
    with pytest.raises(BusinessError, match="响应截止时间"):
        engine.approve(past(joint), jw.reviewer)


def test_approved_joint_opens_the_window_for_invited_units_only(jw):
    joint = approved_joint(jw)
    assert joint.stage == "collect" and joint.is_open and joint.status_text == "响应中"
    assert [r.joint_id for r in selectors.open_invitations(jw.a_clerk)] == [joint.pk]
    assert not selectors.open_invitations(jw.w.jx_clerk).exists()
    past(joint)
    assert joint.status_text == "响应已截止"
    assert not selectors.open_invitations(jw.a_clerk).exists()  # the window closed by itself


def test_decline_needs_a_reason_and_is_final(jw):
    joint = approved_joint(jw)
    r = joint.responses.get(unit=jw.a)
    with pytest.raises(FieldErrors):
        services.joint_decline(actor=jw.a_clerk, response=r, reason=" ")
    services.joint_decline(actor=jw.a_clerk, response=r, reason="本单位今年无此需求")
    assert not selectors.open_invitations(jw.a_clerk).exists()  # never offered again
    with pytest.raises(BusinessError, match="已答复"):
        services.joint_decline(actor=jw.a_clerk, response=r, reason="再次")
    with pytest.raises(BusinessError, match="不响应"):
        respond(jw, joint, jw.a_clerk, indicator=jw.a_ind)


def test_another_units_clerk_cannot_answer(jw):
    joint = approved_joint(jw)
    with pytest.raises(NotAllowed):
        services.joint_decline(actor=jw.b_clerk, response=joint.responses.get(unit=jw.a), reason="x")


def test_response_is_a_joint_project_reserved_on_submit_and_used_on_approval(jw):
    joint = approved_joint(jw)
    project = respond(jw, joint, jw.a_clerk, qty="10", indicator=jw.a_ind, amount="50000.00")
    assert project.implementation_form == ImplementationForm.JOINT_RESPONSE
    line = project.content_lines.get(is_active=True)
    assert (line.quantity, line.unit_price, line.amount) == (Decimal("10"), Decimal("5000.00"), Decimal("50000.00"))
    assert ledger.held(ledger.holder_key(project)) == {jw.a_ind.pk: Decimal("50000.00")}
    r = joint.responses.get(unit=jw.a)
    assert selectors.response_state(r) == "响应审核中" and selectors.answered(r)
    project = engine.approve(project, jw.a_reviewer)
    assert services.use_key(joint) in project_services.uses_of(Project.objects.get(pk=project.pk))


def test_services_lines_take_a_total_price(jw):
    data = joint_data(jw, [jw.a], procurement_kind="services")
    leaf = Category.objects.filter(kind="services", is_leaf=True).order_by("code").first()
    data["line"] = [{"category_id": str(leaf.pk), "item_name": "物业服务", "quantity": 1, "measure_unit": "年",
                     "unit_price": 300000}]
    joint = services.joint_save(jw.clerk, None, data, None)
    engine.submit(joint, jw.clerk)
    joint = engine.approve(joint, jw.reviewer)
    r = joint.responses.get(unit=jw.a)
    project = services.joint_respond(actor=jw.a_clerk, response=r, data={}, takes={joint.lines.get().pk: "120000"},
                                     fund_lines=[{"indicator": str(jw.a_ind.pk), "amount": "120000"}])
    line = project.content_lines.get(is_active=True)
    assert (line.quantity, line.unit_price, line.measure_unit) == (Decimal("1"), Decimal("120000.00"), "项")


def test_response_needs_a_line_and_matching_funds(jw):
    joint = approved_joint(jw)
    r = joint.responses.get(unit=jw.a)
    with pytest.raises(FieldErrors) as exc:
        services.joint_respond(actor=jw.a_clerk, response=r, data={}, takes={}, fund_lines=[])
    assert "take" in exc.value.errors
    with pytest.raises(FieldErrors) as exc:
        services.joint_respond(actor=jw.a_clerk, response=r, data={}, takes={joint.lines.get().pk: "-1"},
                               fund_lines=[])
    assert any(k.startswith("take.") for k in exc.value.errors)
    with pytest.raises(FieldErrors) as exc:
        services.joint_respond(actor=jw.a_clerk, response=r, data={}, takes={joint.lines.get().pk: "2"},
                               fund_lines=[{"indicator": str(jw.a_ind.pk), "amount": "1"}])
    assert "fund_lines" in exc.value.errors



@pytest.mark.parametrize("raw, message", [("1e400", "数量最多保留4位小数"), ("1.00001", "数量最多保留4位小数"),
                                          ("abc", "数量须为大于0的数字"), ("0", "数量须为大于0的数字")])
def test_a_quantity_the_save_refuses_is_a_message_and_counts_nothing_live(jw, raw, message):
    joint = approved_joint(jw)
    r = joint.responses.get(unit=jw.a)
    line = joint.lines.get()
    with pytest.raises(FieldErrors) as exc:
        services.joint_respond(actor=jw.a_clerk, response=r, data={}, takes={line.pk: raw},
                               fund_lines=[{"indicator": str(jw.a_ind.pk), "amount": "1"}])
    assert message in exc.value.errors[f"take.{line.pk}"]
    assert services.takes_total(r, {line.pk: raw}) == 0
    assert services.takes_total(r, {line.pk: "2.5"}) == Decimal("12500.00")  # 2.5 台 × 5,000.00

def test_response_project_is_edited_only_through_the_response(jw):
    joint = approved_joint(jw)
    project = respond(jw, joint, jw.a_clerk, indicator=jw.a_ind, submit=False)
    with pytest.raises(BusinessError, match="统招分签响应"):
        project_services.project_save(actor=jw.a_clerk, data={}, content_lines=[], fund_lines=[], project=project)
    with pytest.raises(BusinessError, match="统招分签采购"):
        project_services.check_implementation_form(Project(unit=jw.a, procurement_kind="goods"),
                                                   ImplementationForm.JOINT_RESPONSE)


def test_no_response_or_submit_after_the_deadline(jw):
    joint = approved_joint(jw)
    draft = respond(jw, joint, jw.a_clerk, indicator=jw.a_ind, submit=False)
    past(joint)
    with pytest.raises(BusinessError, match="截止响应"):
        engine.submit(draft, jw.a_clerk)
    with pytest.raises(BusinessError, match="截止响应"):
        respond(jw, joint, jw.b_clerk, indicator=jw.b_ind)


def test_collect_before_the_deadline_needs_every_answer(jw):
    joint = approved_joint(jw)
    respond(jw, joint, jw.a_clerk, indicator=jw.a_ind, reviewer=jw.a_reviewer)
    services.joint_decline(actor=jw.b_clerk, response=joint.responses.get(unit=jw.b), reason="无需求")
    with pytest.raises(BusinessError, match="尚未响应：福州市第二中学"):
        engine.advance(joint, jw.clerk, "collect")
    services.joint_decline(actor=jw.c_clerk, response=joint.responses.get(unit=jw.c), reason="无预算")
    joint = engine.advance(JointProject.objects.get(pk=joint.pk), jw.clerk, "collect")
    assert joint.stage == "collect_done" and joint.collected_at is not None
    assert "1家单位" in joint.done_message
    assert list(joint.responses.filter(included=True).values_list("unit", flat=True)) == [jw.a.pk]


def test_collect_after_the_deadline_with_a_response_in_review(jw):
    joint = approved_joint(jw)
    respond(jw, joint, jw.a_clerk, indicator=jw.a_ind, reviewer=jw.a_reviewer)
    respond(jw, joint, jw.b_clerk, indicator=jw.b_ind)  # still in review
    joint = engine.advance(past(joint), jw.clerk, "collect")
    assert "仍在审核中" in joint.done_message and "福建省卫生健康委员会" in joint.done_message
    collected = selectors.get_collected(jw.clerk, joint.pk)
    assert collected.total_amount == Decimal("50000.00")
    assert [(c.item_name, c.quantity, c.amount) for c in collected.lines] == [("台式计算机", Decimal("10"),
                                                                               Decimal("50000.00"))]
    assert [j.pk for j in selectors.collected_for_plan(jw.clerk)] == [joint.pk]


def test_collect_after_the_deadline_needs_an_approved_response(jw):
    joint = approved_joint(jw)
    respond(jw, joint, jw.a_clerk, indicator=jw.a_ind)  # in review only
    with pytest.raises(BusinessError, match="尚无审核通过的单位响应"):
        engine.advance(past(joint), jw.clerk, "collect")
    assert JointProject.objects.get(pk=joint.pk).stage == "collect"  # the refusal undid the stage change


def test_uncollect_only_while_no_plan_uses_it(jw):
    joint = approved_joint(jw, [jw.a])
    respond(jw, joint, jw.a_clerk, indicator=jw.a_ind, reviewer=jw.a_reviewer)
    joint = engine.advance(JointProject.objects.get(pk=joint.pk), jw.clerk, "collect")
    services.joint_mark_planned(joint=joint, by="plans.plan:1", actor=jw.clerk)
    with pytest.raises(BusinessError, match="已被其他采购计划使用"):
        services.joint_mark_planned(joint=joint, by="plans.plan:2", actor=jw.clerk)
    with pytest.raises(BusinessError, match="已被采购计划使用"):
        engine.direct(JointProject.objects.get(pk=joint.pk), jw.clerk, "uncollect", reason="调整")
    services.joint_unmark_planned(joint=joint, by="plans.plan:1", actor=jw.clerk)
    joint = engine.direct(JointProject.objects.get(pk=joint.pk), jw.clerk, "uncollect", reason="调整范围")
    assert joint.stage == "collect" and not joint.responses.filter(included=True).exists()
    with pytest.raises(BusinessError, match="只有已归集"):
        services.joint_mark_planned(joint=joint, by="plans.plan:1", actor=jw.clerk)


def _terminate(jw, joint):
    att = upload(jw.clerk, purpose=services.TERMINATE_PURPOSE, name="终止说明.pdf")
    return JOINT.requests.create(actor=jw.clerk, target=joint, kind="terminate", reason="需求取消",
                                 data={"attachment_ids": [att.pk]})


def test_terminate_releases_every_responders_money(jw, media):
    joint = approved_joint(jw)
    project = respond(jw, joint, jw.a_clerk, indicator=jw.a_ind, reviewer=jw.a_reviewer)
    services.joint_decline(actor=jw.b_clerk, response=joint.responses.get(unit=jw.b), reason="无需求")
    req = engine.submit(_terminate(jw, joint), jw.clerk)
    engine.approve(req, jw.reviewer)
    joint = JointProject.objects.get(pk=joint.pk)
    assert joint.terminated_at is not None and joint.status_text == "已终止" and joint.stage == ""
    project = Project.objects.get(pk=project.pk)
    assert project.revoked_at is not None and not project.is_used
    assert ledger.held(ledger.holder_key(project)) == {}


def test_terminate_refusals(jw, media):
    joint = approved_joint(jw)
    with pytest.raises(FieldErrors) as exc:  # the 项目终止说明附件 is required
        JOINT.requests.create(actor=jw.clerk, target=joint, kind="terminate", reason="x", data={})
    assert "attachment_ids" in exc.value.errors
    respond(jw, joint, jw.a_clerk, indicator=jw.a_ind)
    with pytest.raises(BusinessError, match="仍在审核中"):
        _terminate(jw, joint)
    JointProject.objects.filter(pk=joint.pk).update(planned_by="plans.plan:9")
    with pytest.raises(BusinessError, match="已申报采购计划"):
        _terminate(jw, JointProject.objects.get(pk=joint.pk))
    assert JointProject.objects.get(pk=joint.pk).status == Status.APPROVED and joint.terminated_at is None
