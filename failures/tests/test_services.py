"""流标/废标 and 废标处理: every rule and refusal of the services and of the flow's nodes."""

from types import SimpleNamespace

import pytest
from django.utils import timezone

from core.errors import BusinessError, FieldErrors, NotAllowed
from failures import services
from failures.models import Failure, FailureReason
from orgs.models import Role, Unit
from orgs.testing import make_unit, make_user
from plans import services as plan_services
from plans.tests.support import reload as plan_reload
from projects import services as project_services
from trading import selectors as trading_selectors
from trading import services as trading_services
from trading.tests.support import accepted, filed_plan
from workflow import engine

from .support import announced, failed, handling, purchaser_fill, reload, reload_proc

pytestmark = pytest.mark.django_db
BIG = "3000000"  # above the 福州 公开招标数额 (2 000 000)


# ---- 流标/废标 ---------------------------------------------------------------------------------------------------


def test_declare_fails_the_lots_with_the_laws_reason(tr):
    proc = announced(tr)
    lot = trading_selectors.lots(proc)[0]
    out = services.failure_declare(actor=tr.agency_user, procurement=proc, lot_ids=[lot.pk],
                                   reason=FailureReason.FEW_RESPONSIVE, explanation="仅两家响应。")
    assert [f.lot_id for f in out] == [lot.pk] and out[0].round == 1 and out[0].method == "consultation"
    assert reload_proc(proc).status == "failed"
    assert trading_selectors.lots(proc)[0].status == "failed"


def test_declare_refusals(tr):
    proc = announced(tr, method="open_tender")
    lot = trading_selectors.lots(proc)[0]
    ok = {"lot_ids": [lot.pk], "reason": FailureReason.FEW_QUALIFIED, "explanation": "说明"}
    with pytest.raises(NotAllowed):  # the purchaser does not run an entrusted procurement
        services.failure_declare(actor=tr.clerk, procurement=proc, **ok)
    with pytest.raises(NotAllowed):  # another agency
        services.failure_declare(actor=tr.agency2_user, procurement=proc, **ok)
    with pytest.raises(FieldErrors) as info:  # 74号令's reason is not one of 法 36 for a tender
        services.failure_declare(actor=tr.agency_user, procurement=proc,
                                 **{**ok, "reason": FailureReason.FEW_RESPONSIVE})
    assert "政府采购法第三十六条" in info.value.errors["reason"]
    with pytest.raises(FieldErrors) as info:
        services.failure_declare(actor=tr.agency_user, procurement=proc, **{**ok, "lot_ids": [], "explanation": ""})
    assert set(info.value.errors) == {"lot_ids", "explanation"}
    with pytest.raises(FieldErrors):
        services.failure_declare(actor=tr.agency_user, procurement=proc, **{**ok, "lot_ids": ["x", 10**12]})
    assert Failure.objects.count() == 0 and reload_proc(proc).status == "in_progress"


def test_declare_before_the_announcement_is_refused(tr):
    from trading.tests.support import accepted, filed_plan

    proc = accepted(tr.agency_user, filed_plan(tr.clerk, tr.reviewer, "300000", method="inquiry", entrusted=tr.agency))
    with pytest.raises(BusinessError) as info:
        services.failure_declare(actor=tr.agency_user, procurement=proc, lot_ids=[trading_selectors.lots(proc)[0].pk],
                                 reason=FailureReason.FEW_RESPONSIVE, explanation="说明")
    assert info.value.code == "bad_state"


# ---- the handling: start and its fields --------------------------------------------------------------------------


def test_a_handling_needs_a_failed_procurement_of_the_organizer_and_only_one_open(tr):
    proc = announced(tr)
    with pytest.raises(BusinessError) as info:
        handling(tr, proc, submit=False)
    assert "流标/废标" in info.value.message
    proc = failed(tr)
    with pytest.raises(NotAllowed):
        handling(tr, proc, actor=tr.agency2_user)
    with pytest.raises(NotAllowed):
        handling(tr, proc, actor=tr.clerk)
    first = handling(tr, proc, submit=False)
    with pytest.raises(BusinessError) as info:
        handling(tr, proc, submit=False)
    assert first.number in info.value.message
    assert first.unit_id == tr.unit.pk and first.organizer_id == tr.agency.pk and first.number.startswith("FB-")


def test_the_fields_rules(tr):
    proc = failed(tr)
    with pytest.raises(FieldErrors) as info:
        handling(tr, proc, "change_method", new_method="consultation", change_reason="")
    assert set(info.value.errors) == {"new_method", "change_reason"}
    with pytest.raises(FieldErrors) as info:
        handling(tr, proc, "")
    assert "kind" in info.value.errors


def test_after_a_cancelled_task_only_termination(tr):
    proc = failed(tr, reason=FailureReason.CANCELLED)
    with pytest.raises(FieldErrors) as info:
        handling(tr, proc, "rebid")
    assert "第三十七条" in info.value.errors["kind"]
    assert handling(tr, proc, "terminate").current_node == "purchaser"


# ---- the flows --------------------------------------------------------------------------------------------------


def test_rebid_goes_to_the_purchasers_reviewer_and_opens_the_next_round(tr):
    proc = failed(tr)
    doc = handling(tr, proc, "rebid")
    assert doc.status == "pending" and doc.current_node == "reviewer"   # no purchaser's page for 重新招标
    with pytest.raises(NotAllowed):
        engine.approve(doc, tr.clerk)
    engine.approve(doc, tr.reviewer)
    doc, proc = reload(doc), reload_proc(proc)
    assert doc.status == "approved" and doc.next_round == 2
    assert proc.round == 2 and proc.status == "accepted" and proc.procurement_method == "consultation"
    assert {lot.status for lot in trading_selectors.lots(proc)} == {"open"}


def test_method_change_below_the_threshold_needs_no_regulator(tr):
    proc = failed(tr)
    doc = handling(tr, proc, "change_method")
    assert doc.current_node == "purchaser"
    with pytest.raises(FieldErrors) as info:  # the node's check: the purchaser's part first
        engine.approve(doc, tr.clerk)
    assert set(info.value.errors) == {"purchaser_note", "contact_name", "contact_phone"}
    with pytest.raises(NotAllowed):  # the reviewer does not fill the clerk's step
        services.purchaser_save(actor=tr.reviewer, handling=doc, data={}, version=None)
    doc = purchaser_fill(tr, doc)
    assert doc.current_node == "reviewer" and doc.purchaser_note
    engine.approve(doc, tr.reviewer)
    doc, proc = reload(doc), reload_proc(proc)
    assert doc.status == "approved" and proc.procurement_method == "negotiation" and proc.round == 2
    assert plan_reload(proc.plan).procurement_method == "negotiation"


def test_method_change_at_or_above_the_threshold_waits_for_the_city_regulator(tr):
    proc = failed(tr, BIG, "open_tender", reason=FailureReason.FEW_QUALIFIED)
    doc = purchaser_fill(tr, handling(tr, proc, "change_method"))
    engine.approve(doc, tr.reviewer)
    doc = reload(doc)
    assert doc.status == "pending" and doc.current_node == "regulator"
    for wrong in (tr.w.jx_reg, tr.agency_user, tr.reviewer):
        with pytest.raises(NotAllowed):
            engine.approve(doc, wrong)
    engine.approve(doc, tr.w.fz_reg)
    assert reload(doc).status == "approved" and reload_proc(proc).procurement_method == "negotiation"


def test_rebid_at_or_above_the_threshold_needs_no_regulator(tr):
    proc = failed(tr, BIG, "open_tender", reason=FailureReason.FEW_QUALIFIED)
    doc = handling(tr, proc, "rebid")
    engine.approve(doc, tr.reviewer)
    assert reload(doc).status == "approved"


def test_a_county_units_change_goes_to_the_city_regulator(tr):
    county = make_unit("闽侯县第一中学", region_code="350121", budget_code="350121101")
    from integration.tests.support import on_platform

    on_platform(county)
    county_reg = make_user("fb_county_reg", make_unit("闽侯县财政局", region_code="350121",
                                                      kind=Unit.KIND_REGULATOR), Role.REGULATOR)
    tr.clerk, tr.reviewer = make_user("fb_cty_clerk", county, Role.CLERK), make_user("fb_cty_rev", county, Role.REVIEWER)
    tr.unit = county
    proc = failed(tr, BIG, "open_tender", reason=FailureReason.FEW_QUALIFIED)
    doc = purchaser_fill(tr, handling(tr, proc, "change_method"))
    engine.approve(doc, tr.reviewer)
    doc = reload(doc)
    assert doc.current_node == "regulator"
    with pytest.raises(NotAllowed):
        engine.approve(doc, county_reg)
    engine.approve(doc, tr.w.fz_reg)
    assert reload(doc).status == "approved"


def test_a_change_to_single_source_waits_for_its_publicity(tr):
    proc = failed(tr, BIG, "open_tender", reason=FailureReason.FEW_QUALIFIED)
    doc = purchaser_fill(tr, handling(tr, proc, "change_method", new_method="single_source"))
    engine.approve(doc, tr.reviewer)
    with pytest.raises(BusinessError) as info:
        engine.approve(reload(doc), tr.w.fz_reg)
    assert info.value.code == "publicity_required"
    assert reload(doc).current_node == "regulator"


def test_competent_review_follows_the_plans_chain():
    province = SimpleNamespace(unit=SimpleNamespace(competent_id=1, level="province", rule_region_code="350000"),
                               created_at=None)
    city = SimpleNamespace(unit=SimpleNamespace(competent_id=1, level="city", rule_region_code="350100"),
                           created_at=None)
    assert services.needs_competent_review(SimpleNamespace(procurement=SimpleNamespace(plan=province)))
    assert not services.needs_competent_review(SimpleNamespace(procurement=SimpleNamespace(plan=city)))


def test_termination_ends_the_plan_and_frees_the_project(tr):
    proc = failed(tr)
    doc = purchaser_fill(tr, handling(tr, proc, "terminate"))
    engine.approve(doc, tr.reviewer)
    doc, proc = reload(doc), reload_proc(proc)
    assert doc.plan_ended and proc.status == "terminated"
    plan = plan_reload(proc.plan)
    assert plan.ended_at is not None and plan.status_text == "已终止" and plan.end_reason == "采购单位情况说明。"
    assert project_services.uses_of(plan.project) == []
    again = plan_services.plan_start(actor=tr.clerk, plan_type="general", project=plan.project)  # planned anew
    assert again.pk != plan.pk
    assert "重新申报" in plan_services.plan_end_refusal(plan)


def test_plan_end_undo_while_the_project_is_not_planned_again(tr):
    proc = failed(tr)
    doc = purchaser_fill(tr, handling(tr, proc, "terminate"))
    engine.approve(doc, tr.reviewer)
    plan = plan_reload(reload_proc(proc).plan)
    plan_services.plan_end_undo(actor=tr.w.fz_reg, plan=plan)
    plan = plan_reload(plan)
    assert plan.ended_at is None and project_services.uses_of(plan.project) == [f"plans.plan:{plan.pk}"]


def test_the_submitter_withdraws_and_the_reviewer_returns_to_the_purchasers_step(tr):
    proc = failed(tr)
    doc = purchaser_fill(tr, handling(tr, proc, "terminate"))
    engine.reject(doc, tr.reviewer, opinion="请补充说明")
    assert reload(doc).current_node == "purchaser"
    engine.reject(reload(doc), tr.clerk, opinion="退回代理机构")
    assert reload(doc).status == "draft"


def test_purchaser_save_refused_outside_its_step(tr):
    proc = failed(tr)
    doc = handling(tr, proc, "rebid")
    with pytest.raises(BusinessError) as info:
        services.purchaser_save(actor=tr.clerk, handling=doc, data={}, version=None)
    assert info.value.code == "bad_state"


# ---- 回第一步 -----------------------------------------------------------------------------------------------------


def _approved_change(tr):
    proc = failed(tr, BIG, "open_tender", reason=FailureReason.FEW_QUALIFIED)
    doc = purchaser_fill(tr, handling(tr, proc, "change_method"))
    engine.approve(doc, tr.reviewer)
    engine.approve(reload(doc), tr.w.fz_reg)
    return reload(doc), reload_proc(proc)


def test_back_to_first_before_the_next_announcement_undoes_the_effect(tr):
    doc, proc = _approved_change(tr)
    assert "back_to_first" in engine.available_actions(tr.w.fz_reg, doc)
    assert "back_to_first" in engine.available_actions(tr.w.fj_reg, doc)
    for wrong in (tr.w.jx_reg, tr.agency_user, tr.reviewer, tr.clerk):
        assert "back_to_first" not in engine.available_actions(wrong, doc)
        with pytest.raises(NotAllowed):
            engine.direct(doc, wrong, "back_to_first", reason="原因")
    with pytest.raises(BusinessError) as info:
        engine.direct(doc, tr.w.fz_reg, "back_to_first", reason="")
    assert info.value.code == "reason_required"
    engine.direct(doc, tr.w.fz_reg, "back_to_first", reason="变更理由不充分")
    doc, proc = reload(doc), reload_proc(proc)
    assert doc.status == "draft" and doc.next_round is None and doc.is_editable
    assert proc.status == "failed" and {lot.status for lot in trading_selectors.lots(proc)} == {"failed"}
    assert proc.round == 1 and proc.procurement_method == "open_tender"  # the next round taken back
    assert plan_reload(proc.plan).procurement_method == "open_tender"
    # the organizer edits it again: a 重新招标 now, approved by the reviewer
    doc = services.handling_save(tr.agency_user, doc, {"kind": "rebid", "explanation": "重新招标。"}, doc.version)
    engine.submit(doc, tr.agency_user)
    engine.approve(reload(doc), tr.reviewer)
    proc = reload_proc(proc)
    assert proc.status == "accepted" and proc.procurement_method == "open_tender" and proc.round == 2


def test_back_to_first_after_the_next_announcement_is_refused_with_the_reason(tr):
    doc, proc = _approved_change(tr)
    trading_services.procurement_announced(actor=tr.agency_user, procurement=proc)
    with pytest.raises(BusinessError) as info:
        engine.direct(doc, tr.w.fz_reg, "back_to_first", reason="原因")
    assert info.value.code == "next_step_started" and "已发布采购公告" in info.value.message
    assert reload(doc).status == "approved"


def test_back_to_first_only_of_an_approved_handling(tr):
    proc = failed(tr)
    doc = handling(tr, proc, "rebid")
    assert "back_to_first" not in engine.available_actions(tr.w.fz_reg, doc)
    with pytest.raises(BusinessError) as info:
        engine.direct(doc, tr.w.fz_reg, "back_to_first", reason="原因")
    assert info.value.code == "bad_state"


def _approved_termination(tr):
    proc = failed(tr)
    doc = purchaser_fill(tr, handling(tr, proc, "terminate"))
    engine.approve(doc, tr.reviewer)
    return reload(doc), reload_proc(proc)


def test_back_to_first_of_a_termination_restores_the_lots_and_the_plan(tr):
    doc, proc = _approved_termination(tr)
    assert proc.status == "terminated" and doc.plan_ended
    assert "back_to_first" in engine.available_actions(tr.w.fz_reg, doc)
    engine.direct(doc, tr.w.fz_reg, "back_to_first", reason="终止理由不充分")
    doc, proc = reload(doc), reload_proc(proc)
    assert doc.status == "draft" and doc.terminated_lots == [] and not doc.plan_ended
    assert proc.status == "failed" and {lot.status for lot in trading_selectors.lots(proc)} == {"failed"}
    plan = plan_reload(proc.plan)
    assert plan.ended_at is None and project_services.uses_of(plan.project) == [f"plans.plan:{plan.pk}"]
    # the organizer proposes a 重新招标 instead, approved by the reviewer: the next round opens
    doc = services.handling_save(tr.agency_user, doc, {"kind": "rebid", "explanation": "重新招标。"}, doc.version)
    engine.submit(doc, tr.agency_user)
    engine.approve(reload(doc), tr.reviewer)
    proc = reload_proc(proc)
    assert proc.status == "accepted" and proc.round == 2


def test_back_to_first_of_a_termination_refused_once_the_project_is_planned_again(tr):
    doc, proc = _approved_termination(tr)
    plan = plan_reload(proc.plan)
    plan_services.plan_start(actor=tr.clerk, plan_type="general", project=plan.project)
    with pytest.raises(BusinessError) as info:
        engine.direct(reload(doc), tr.w.fz_reg, "back_to_first", reason="原因")
    assert info.value.code == "next_step_started" and "重新申报" in info.value.message
    assert reload(doc).status == "approved" and reload_proc(proc).status == "terminated"


def test_back_to_first_of_a_termination_refused_once_the_project_is_revoked(tr):
    doc, proc = _approved_termination(tr)
    project = plan_reload(proc.plan).project
    type(project).objects.filter(pk=project.pk).update(revoked_at=timezone.now())  # as if revoked meanwhile
    with pytest.raises(BusinessError) as info:
        engine.direct(reload(doc), tr.w.fz_reg, "back_to_first", reason="原因")
    assert "已撤销" in info.value.message and reload_proc(proc).status == "terminated"


def test_back_to_first_of_a_partial_termination_restores_only_its_lots(tr):
    plan = filed_plan(tr.clerk, tr.reviewer, "300000", method="consultation", entrusted=tr.agency,
                      lines=[("A02020200", "200000"), ("A02020200", "100000")], sme_micro_pct="100")
    proc = accepted(tr.agency_user, plan, lots=[{"name": "甲", "lines": [1]}, {"name": "乙", "lines": [2]}])
    trading_services.procurement_announced(actor=tr.agency_user, procurement=proc)
    first, second = trading_selectors.lots(proc)
    services.failure_declare(actor=tr.agency_user, procurement=proc, lot_ids=[first.pk],
                             reason=FailureReason.FEW_RESPONSIVE, explanation="供应商不足三家。")
    doc = purchaser_fill(tr, handling(tr, reload_proc(proc), "terminate"))
    engine.approve(doc, tr.reviewer)
    doc, proc = reload(doc), reload_proc(proc)
    assert not doc.plan_ended and proc.status == "in_progress"
    engine.direct(doc, tr.w.fz_reg, "back_to_first", reason="原因")
    lots = {lot.pk: lot.status for lot in trading_selectors.lots(reload_proc(proc))}
    assert lots == {first.pk: "failed", second.pk: "open"} and reload_proc(proc).status == "failed"


def test_self_organized_handling_is_the_clerks_with_its_purchaser_part(tr):
    proc = failed(tr, entrusted=False)
    with pytest.raises(FieldErrors) as info:
        handling(tr, proc, "terminate", actor=tr.clerk)
    assert "purchaser_note" in info.value.errors
    doc = handling(tr, proc, "terminate", actor=tr.clerk, purchaser_note="终止说明", contact_name="王经办",
                   contact_phone="0591-87091234")
    assert doc.current_node == "reviewer"  # no purchaser's step: the clerk filled it
    engine.approve(doc, tr.reviewer)
    assert reload(doc).plan_ended


def test_node_entry_names_the_page_of_the_step_for_its_actor_only(tr):
    """The engine's Node.entry (generic): engine.entry_url answers the current node's page to who acts there."""
    proc = failed(tr)
    doc = handling(tr, proc, "change_method")
    assert engine.entry_url(tr.clerk, doc) == f"/failures/{doc.pk}/purchaser/"
    for other in (tr.reviewer, tr.agency_user, tr.w.fz_reg):
        assert engine.entry_url(other, doc) == ""
    doc = purchaser_fill(tr, doc)
    assert engine.entry_url(tr.reviewer, doc) == ""  # the reviewer's node declares no page: the review dialog
