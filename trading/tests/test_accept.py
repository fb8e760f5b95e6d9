"""受理: who may take a plan up, 分包, the 采购编号, and what it forbids afterwards (撤销 of the plan)."""

import datetime as dt
from decimal import Decimal

import pytest

from core.errors import BusinessError, FieldErrors, NotAllowed
from plans import services as plan_services
from trading import selectors, services
from trading.models import LotStatus, ProcurementStatus

from .support import accepted, filed_plan, reload

pytestmark = pytest.mark.django_db


def test_agency_accepts_an_entrusted_plan_with_one_default_lot(tr):
    plan = filed_plan(tr.clerk, tr.reviewer, entrusted=tr.agency)
    assert list(selectors.awaiting(tr.agency_user)) == [plan]
    proc = accepted(tr.agency_user, plan)
    assert proc.number.startswith("CG") and proc.number != plan.number
    assert proc.project_number == plan.project_number and proc.organizer == tr.agency and not proc.self_organized
    assert proc.status == ProcurementStatus.ACCEPTED and proc.procurement_method == "inquiry"
    [lot] = selectors.lots(proc)
    assert lot.budget == plan.total_amount and lot.name == plan.name
    assert list(selectors.awaiting(tr.agency_user)) == []


def test_lots_split_the_plan_lines(tr):
    plan = filed_plan(tr.clerk, tr.reviewer, entrusted=tr.agency,
                      lines=[("A02020200", "100000"), ("A02020200", "50000"), ("A02020200", "20000")])
    proc = accepted(tr.agency_user, plan, lots=[{"name": "电脑", "lines": [1, 3]}, {"name": "打印", "lines": [2]}])
    lots = selectors.lots(proc)
    assert [(lt.seq, lt.name, lt.budget) for lt in lots] == [(1, "电脑", Decimal("120000.00")),
                                                              (2, "打印", Decimal("50000.00"))]
    assert [ln.plan_line_seq for ln in selectors.lot_lines(proc)[lots[0].pk]] == [1, 3]


@pytest.mark.parametrize("lots, key", [
    ([{"name": "", "lines": [1, 2]}], "lots.0.name"),
    ([{"name": "甲", "lines": [1]}], "lots"),                                   # line 2 in no lot
    ([{"name": "甲", "lines": [1, 2]}, {"name": "乙", "lines": [2]}], "lots.1.lines"),  # twice
    ([{"name": "甲", "lines": [1, 2, 9]}], "lots.0.lines"),                      # no such line
    ([{"name": "甲", "lines": []}], "lots.0.lines"),
])
def test_bad_lots_are_refused_beside_the_row(tr, lots, key):
    plan = filed_plan(tr.clerk, tr.reviewer, entrusted=tr.agency, lines=[("A02020200", "1000"), ("A02020200", "500")])
    with pytest.raises(FieldErrors) as exc:
        accepted(tr.agency_user, plan, lots=lots)
    assert key in exc.value.errors
    assert selectors.of_plan(plan.pk) is None


def test_only_the_entrusted_agency_accepts_and_only_once(tr):
    plan = filed_plan(tr.clerk, tr.reviewer, entrusted=tr.agency)
    assert list(selectors.awaiting(tr.agency2_user)) == []
    with pytest.raises(NotAllowed):
        accepted(tr.agency2_user, plan)
    with pytest.raises(NotAllowed):
        accepted(tr.clerk, plan)  # the purchaser does not take up an entrusted plan
    accepted(tr.agency_user, plan)
    with pytest.raises(BusinessError, match="已受理"):
        accepted(tr.agency_user, plan)


def test_self_organized_plan_is_taken_up_by_the_purchasers_clerk(tr):
    plan = filed_plan(tr.clerk, tr.reviewer)
    assert list(selectors.awaiting(tr.clerk)) == [plan]
    with pytest.raises(NotAllowed):
        accepted(tr.agency_user, plan)
    with pytest.raises(NotAllowed):
        accepted(tr.reviewer, plan)
    proc = accepted(tr.clerk, plan)
    assert proc.self_organized and proc.organizer_id == tr.clerk.unit_id


def test_an_accepted_plan_can_no_longer_be_revoked(tr):
    from plans.docs import Revoke

    plan = filed_plan(tr.clerk, tr.reviewer, entrusted=tr.agency)
    assert Revoke().refusal(plan) is None
    accepted(tr.agency_user, plan)
    assert Revoke().refusal(reload(plan)) == "采购计划已受理执行，不能撤销。"
    with pytest.raises(BusinessError, match="已受理执行"):
        plan_services.plan_revoke(reload(plan), tr.clerk)


def test_unfiled_or_revoked_plans_are_refused(tr):
    from plans.tests import support as plan_support

    proj = plan_support.project(tr.clerk, tr.reviewer, "1000")
    draft = plan_support.plan(tr.clerk, proj, organization_form="entrusted", agency=tr.agency)
    with pytest.raises(BusinessError, match="已备案"):
        accepted(tr.agency_user, draft)


def test_lot_moves_keep_the_procurement_status(tr):
    plan = filed_plan(tr.clerk, tr.reviewer, entrusted=tr.agency, lines=[("A02020200", "1000"), ("A02020200", "500")])
    proc = accepted(tr.agency_user, plan, lots=[{"name": "甲", "lines": [1]}, {"name": "乙", "lines": [2]}])
    services.procurement_announced(actor=tr.agency_user, procurement=proc)
    a, b = selectors.lots(proc)
    services.lot_move(actor=tr.agency_user, lot=a, move="award")
    assert reload(proc).status == ProcurementStatus.IN_PROGRESS
    services.lot_move(actor=tr.agency_user, lot=b, move="fail")
    assert reload(proc).status == ProcurementStatus.FAILED
    with pytest.raises(BusinessError, match="不能成交"):
        services.lot_move(actor=tr.agency_user, lot=b, move="award")
    services.procurement_next_round(actor=tr.agency_user, procurement=proc, method="negotiation")
    proc = reload(proc)
    assert (proc.round, proc.procurement_method, proc.status) == (2, "negotiation", ProcurementStatus.ACCEPTED)
    assert reload(b).status == LotStatus.OPEN and reload(a).status == LotStatus.AWARDED
    services.lot_move(actor=tr.agency_user, lot=b, move="terminate")
    assert reload(proc).status == ProcurementStatus.FINISHED


def test_suspension_blocks_awards_until_its_date(tr):
    plan = filed_plan(tr.clerk, tr.reviewer, entrusted=tr.agency)
    proc = accepted(tr.agency_user, plan)
    [lot] = selectors.lots(proc)
    with pytest.raises(FieldErrors):
        services.procurement_suspend(actor=tr.w.fz_reg, procurement=proc, until=dt.date(2099, 1, 1), reason=" ")
    services.procurement_suspend(actor=tr.w.fz_reg, procurement=proc, until=dt.date(2099, 1, 1), reason="投诉处理")
    proc = reload(proc)
    assert "暂停至 2099-01-01" in services.suspension_refusal(proc)
    assert services.suspension_refusal(proc, on=dt.date(2099, 1, 2)) is None
    with pytest.raises(BusinessError, match="暂停"):
        services.lot_move(actor=tr.agency_user, lot=lot, move="award")
    services.procurement_resume(actor=tr.w.fz_reg, procurement=proc, reason="投诉处理完毕")
    assert services.lot_move(actor=tr.agency_user, lot=lot, move="award").status == LotStatus.AWARDED


def test_registration_by_suppliers_only_while_in_progress(tr):
    plan = filed_plan(tr.clerk, tr.reviewer, entrusted=tr.agency)
    proc = accepted(tr.agency_user, plan)
    kw = {"contact_name": "李四", "contact_phone": "13800000000"}
    with pytest.raises(BusinessError, match="报名期"):
        services.registration_create(actor=tr.supplier_user, procurement=proc, **kw)
    services.procurement_announced(actor=tr.agency_user, procurement=proc)
    with pytest.raises(NotAllowed):
        services.registration_create(actor=tr.clerk, procurement=proc, **kw)
    with pytest.raises(FieldErrors):
        services.registration_create(actor=tr.supplier_user, procurement=proc, contact_name="", contact_phone="")
    services.registration_create(actor=tr.supplier_user, procurement=proc, **kw)
    with pytest.raises(BusinessError, match="已报名"):
        services.registration_create(actor=tr.supplier_user, procurement=proc, **kw)
    services.registration_create(actor=tr.supplier2_user, procurement=proc, **kw)
    assert selectors.registered_supplier_ids(reload(proc)) == {tr.supplier.pk, tr.supplier2.pk}
