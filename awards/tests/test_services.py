"""Rules of 评审结果: recording (every refusal), the purchaser's confirmation, the stages, the clocks (working days
around weekends) and the 预中标（成交）异常处理 flow with its substantive-change condition."""

import datetime as dt
from decimal import Decimal

import pytest

from awards import demo, selectors, services
from awards.docs import CANDIDATES, RESULT
from core.errors import BusinessError, FieldErrors, NotAllowed
from supervision.models import Warning
from trading import services as trading_services
from trading.tests.support import accepted, filed_plan
from workflow import engine

from .support import confirmed, in_progress, lot_of, recorded, reload

pytestmark = pytest.mark.django_db


def _data(lot, rows, **kw):
    return {"lot_id": lot.pk, "report_date": dt.date(2026, 3, 2), "expert_names": "", "hide_experts": False,
            "attachment_ids": [], "candidate": CANDIDATES.clean(rows), **kw}


def _row(name="甲公司", amount="1000", rank="1", code=None):
    from orgs.testing import credit_code

    return {"supplier_id": "", "supplier_name": name, "credit_code": code or credit_code(), "amount": amount,
            "score": "90", "rank": rank}


def test_the_agency_records_submits_and_the_reviewer_confirms_the_first(tr):
    proc = in_progress(tr)
    result = recorded(tr, proc, n=3)
    assert result.status == "pending" and result.organizer_id == tr.agency.pk and result.unit_id == proc.unit_id
    assert [c.rank for c in selectors.candidates(result)] == [1, 2, 3]
    result = services.result_confirm(actor=tr.reviewer, result=result)
    result = reload(result)
    first = selectors.candidates(result)[0]
    assert (result.status, result.stage, result.winner_name, result.winner_amount) == (
        "approved", "notice", first.supplier_name, first.amount)
    assert lot_of(proc).status == "awarded"
    result = engine.advance(result, tr.agency_user, "issue_notice")
    assert reload(result).notice_number.startswith("ZB-") and reload(result).stage == "publish"
    engine.advance(reload(result), tr.agency_user, "publish")
    assert reload(result).stage == "publish_done" and reload(result).published_at is not None
    assert selectors.published().filter(pk=result.pk).exists()


def test_another_candidate_only_with_a_reason(tr):
    result = recorded(tr)
    with pytest.raises(FieldErrors) as exc:
        services.result_confirm(actor=tr.reviewer, result=result, winner_rank=2)
    assert "confirm_reason" in exc.value.errors
    with pytest.raises(FieldErrors):
        services.result_confirm(actor=tr.reviewer, result=result, winner_rank=7, reason="x")
    services.result_confirm(actor=tr.reviewer, result=result, winner_rank=2, reason="第一名放弃中标")
    result = reload(result)
    assert result.winner_rank == 2 and result.winner_name == selectors.candidates(result)[1].supplier_name


def test_only_the_purchasers_reviewer_confirms(tr):
    result = recorded(tr)
    for user in (tr.agency_user, tr.clerk, tr.w.fz_reg, tr.other_clerk):
        with pytest.raises(NotAllowed):
            services.result_confirm(actor=user, result=result)


def test_refusals_when_recording(tr):
    proc = in_progress(tr)
    lot = lot_of(proc)
    # another agency, the purchaser's clerk (not self-organised), a supplier
    for user in (tr.agency2_user, tr.clerk):
        with pytest.raises((FieldErrors, NotAllowed)):
            RESULT.save_doc(user, None, _data(lot, [_row()]), None)
    # over the lot's budget
    with pytest.raises(FieldErrors) as exc:
        RESULT.save_doc(tr.agency_user, None, _data(lot, [_row(amount=str(lot.budget + 1))]), None)
    assert "candidate.0.amount" in exc.value.errors
    # ranks with a gap, the same supplier twice, a bad credit code
    with pytest.raises(FieldErrors) as exc:
        RESULT.save_doc(tr.agency_user, None, _data(lot, [_row(), _row(name="乙", rank="3")]), None)
    assert "candidate" in exc.value.errors
    with pytest.raises(FieldErrors) as exc:
        RESULT.save_doc(tr.agency_user, None, _data(lot, [_row(code="91350100MA2XXXXXX1")]), None)
    assert "candidate.0.credit_code" in exc.value.errors
    # a report date in the future
    with pytest.raises(FieldErrors) as exc:
        RESULT.save_doc(tr.agency_user, None, _data(lot, [_row()], report_date=dt.date(2999, 1, 1)), None)
    assert "report_date" in exc.value.errors
    # submit without the 评审报告
    doc = RESULT.save_doc(tr.agency_user, None, _data(lot, [_row()]), None)
    with pytest.raises(FieldErrors) as exc:
        engine.submit(doc, tr.agency_user)
    assert "attachment_ids" in exc.value.errors
    # a second result of the same lot
    with pytest.raises(BusinessError) as exc:
        RESULT.save_doc(tr.agency_user, None, _data(lot, [_row()]), None)
    assert exc.value.code == "result_exists"


def test_refused_before_the_announcement_and_while_suspended(tr):
    proc = accepted(tr.agency_user, filed_plan(tr.clerk, tr.reviewer, entrusted=tr.agency))
    with pytest.raises(BusinessError) as exc:
        RESULT.save_doc(tr.agency_user, None, _data(lot_of(proc), [_row()]), None)
    assert "采购中" in exc.value.message
    proc = trading_services.procurement_announced(actor=tr.agency_user, procurement=proc)
    result = recorded(tr, proc)
    trading_services.procurement_suspend(actor=tr.w.fz_reg, procurement=proc, until=dt.date(2999, 1, 1),
                                         reason="投诉处理")
    with pytest.raises(BusinessError) as exc:
        services.result_confirm(actor=tr.reviewer, result=result)
    assert "暂停" in exc.value.message
    assert reload(result).status == "pending"  # nothing half-way


def test_a_failed_lot_takes_no_result(tr):
    proc = in_progress(tr)
    trading_services.lot_move(actor=tr.agency_user, lot=lot_of(proc), move="fail")
    with pytest.raises(BusinessError):
        RESULT.save_doc(tr.agency_user, None, _data(lot_of(proc), [_row()]), None)


# ---- clocks ------------------------------------------------------------------------------------------------


def test_confirm_deadline_counts_working_days_over_the_weekend(tr):
    result = recorded(tr, report_date=dt.date(2026, 3, 6))  # a Friday
    assert services.confirm_deadline(result) == dt.date(2026, 3, 13)  # Mon..Fri of the next week
    result = recorded(tr, report_date=dt.date(2026, 3, 2))  # a Monday
    assert services.confirm_deadline(result) == dt.date(2026, 3, 9)


def test_late_confirmation_raises_one_warning_by_the_scan(tr):
    result = recorded(tr, report_date=dt.date(2026, 3, 6))
    assert services.scan_deadlines(today=dt.date(2026, 3, 13)) == 0  # the last day is still in time
    assert services.scan_deadlines(today=dt.date(2026, 3, 16)) == 1
    assert services.scan_deadlines(today=dt.date(2026, 3, 17)) == 0  # once per result
    w = Warning.objects.get(kind=services.CONFIRM_KIND)
    assert w.target == services.key(result) and "2026-03-13" in w.message
    services.result_confirm(actor=tr.reviewer, result=result)  # confirming late raises nothing new
    assert Warning.objects.filter(kind=services.CONFIRM_KIND).count() == 1


def test_late_publication_raises_a_warning(tr):
    result = confirmed(tr)
    confirmed_on = dt.date(2026, 3, 6)  # a Friday: two working days → Tuesday
    type(result).objects.filter(pk=result.pk).update(
        confirmed_at=dt.datetime(2026, 3, 6, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    assert services.publish_deadline(reload(result)) == dt.date(2026, 3, 10)
    assert services.scan_deadlines(today=dt.date(2026, 3, 10)) == 0
    assert services.scan_deadlines(today=dt.date(2026, 3, 11)) == 1
    assert Warning.objects.filter(kind=services.PUBLISH_KIND, target=services.key(result)).count() == 1
    assert confirmed_on.weekday() == 4


def test_publishing_late_raises_the_warning_at_once(tr):
    result = confirmed(tr)
    type(result).objects.filter(pk=result.pk).update(
        confirmed_at=dt.datetime(2026, 3, 6, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    engine.advance(reload(result), tr.agency_user, "issue_notice")  # today is long after 2026-03-10
    assert Warning.objects.filter(kind=services.PUBLISH_KIND, target=services.key(result)).count() == 1


# ---- 自行采购 ------------------------------------------------------------------------------------------------


def test_self_purchase_by_the_clerk_without_announcement(tr):
    from plans.tests import support as plan_support

    proj = plan_support.project(tr.clerk, tr.reviewer, "50000", form="self")
    plan = plan_support.plan(tr.clerk, proj, plan_type="self")
    plan = demo.file_plan(plan, tr.clerk)
    proc = accepted(tr.clerk, plan)
    assert proc.self_purchase and proc.status == "accepted"
    lot = lot_of(proc)
    with pytest.raises(FieldErrors):  # one supplier only
        RESULT.save_doc(tr.clerk, None, _data(lot, [_row(), _row(name="乙", rank="2")]), None)
    doc = RESULT.save_doc(tr.clerk, None, _data(lot, [_row(amount="48000")]), None)
    doc = engine.submit(doc, tr.clerk)  # no 评审报告 needed
    services.result_confirm(actor=tr.reviewer, result=doc)
    doc = engine.advance(reload(doc), tr.clerk, "issue_notice")
    doc = reload(doc)
    assert doc.notice_number.startswith("ZXZB-") and doc.stage == "notice_done"  # no 结果公告
    assert not selectors.published().filter(pk=doc.pk).exists()


# ---- 预中标（成交）异常处理 ---------------------------------------------------------------------------------------


def _exception(tr, result, rows, winner_rank=1, reason_text="", method=""):
    rt = RESULT.requests
    kind = rt.kinds[0]
    body = {"reason": "质疑成立，重新排序", "candidate": rows, "winner_rank": winner_rank,
            "winner_reason": reason_text, "procurement_method": method}
    reason, data = rt.read_body(kind, body, result)
    req = rt.create(actor=tr.agency_user, target=result, kind=kind.code, reason=reason, data=data)
    return engine.submit(req, tr.agency_user)


def _rows_of(result, swap=False):
    rows = [{"supplier_id": "", "supplier_name": c.supplier_name, "credit_code": c.credit_code,
             "amount": str(c.amount), "score": str(c.score), "rank": str(c.rank)} for c in selectors.candidates(result)]
    if swap:
        rows[0]["rank"], rows[1]["rank"] = "2", "1"
    return rows


def test_a_changed_winner_waits_for_the_regulator(tr):
    result = reload(confirmed(tr))
    old_winner = result.winner_name
    req = _exception(tr, result, _rows_of(result, swap=True))
    assert services.is_substantive(req)
    req = engine.approve(req, tr.reviewer)
    assert req.status == "pending" and req.current_node == "regulator"
    with pytest.raises(NotAllowed):
        engine.approve(req, tr.w.jx_reg)
    engine.approve(req, tr.w.fz_reg, opinion="同意")
    result = reload(result)
    assert result.winner_name != old_winner and result.stage == "notice" and result.notice_number == ""
    diff = RESULT.requests.kind("exception").diff(type(req).objects.get(pk=req.pk), result)
    assert diff[2]["old"] == old_winner and diff[2]["new"] == result.winner_name


def test_a_corrected_score_needs_only_the_purchaser(tr):
    result = reload(confirmed(tr))
    rows = _rows_of(result)
    rows[0]["score"] = "95.5"
    req = _exception(tr, result, rows)
    assert not services.is_substantive(req)
    req = engine.approve(req, tr.reviewer)
    assert req.status == "approved"
    assert selectors.candidates(reload(result))[0].score == Decimal("95.5")


def test_a_method_change_moves_the_procurement_and_the_plan_after_the_regulator(tr):
    from audit.models import AuditLog
    from trading import selectors as trading_selectors

    result = reload(confirmed(tr))
    proc = trading_selectors.of_plan(result.procurement.plan_id)
    assert proc.procurement_method == "inquiry" and proc.status == "finished"
    req = _exception(tr, result, _rows_of(result), method="negotiation")
    assert services.is_substantive(req)
    req = engine.approve(req, tr.reviewer)
    assert req.current_node == "regulator"
    assert trading_selectors.of_plan(proc.plan_id).procurement_method == "inquiry"  # nothing before approval
    engine.approve(req, tr.w.fz_reg, opinion="同意")
    proc = trading_selectors.of_plan(proc.plan_id)
    assert reload(result).procurement_method == "negotiation" and proc.procurement_method == "negotiation"
    assert type(proc.plan).objects.get(pk=proc.plan_id).procurement_method == "negotiation"
    log = AuditLog.objects.get(action="procurement.method_change")
    assert log.before == {"procurement_method": "inquiry"} and req.number in log.after["reason"]
    assert AuditLog.objects.filter(action="plan.method_change").count() == 1


def test_a_method_change_refused_while_another_lot_failed(tr):
    from failures import services as failure_services

    plan = filed_plan(tr.clerk, tr.reviewer, "300000", entrusted=tr.agency,
                      lines=[("A02020200", "200000"), ("A02020200", "100000")])
    proc = accepted(tr.agency_user, plan, lots=[{"name": "甲", "lines": [1]}, {"name": "乙", "lines": [2]}])
    proc = trading_services.procurement_announced(actor=tr.agency_user, procurement=proc)
    result = reload(confirmed(tr, proc))
    second = proc.lots.order_by("seq").last()
    failure_services.failure_declare(actor=tr.agency_user, procurement=proc, lot_ids=[second.pk],
                                     reason="few_responsive", explanation="供应商不足三家。")
    with pytest.raises(FieldErrors) as info:
        _exception(tr, result, _rows_of(result), method="negotiation")
    assert "废标处理" in info.value.errors["procurement_method"]
    _exception(tr, result, _rows_of(result))  # the same method: allowed


def test_exception_refused_before_confirmation_and_for_others(tr):
    result = recorded(tr)
    assert RESULT.requests.allowed(tr.agency_user, result) == []
    result = reload(services.result_confirm(actor=tr.reviewer, result=result))
    assert RESULT.requests.allowed(tr.agency2_user, result) == []
    assert RESULT.requests.allowed(tr.clerk, result) == []
    assert [k.code for k in RESULT.requests.allowed(tr.agency_user, result)] == ["exception"]


def test_awarded_for_contracts_one_row_per_winner_per_lot(tr):
    result = reload(confirmed(tr))
    rows = selectors.awarded_for_contracts(result.procurement)
    assert len(rows) == 1
    assert rows[0]["supplier_name"] == result.winner_name and rows[0]["amount"] == result.winner_amount
    assert rows[0]["unit_id"] == result.unit_id
