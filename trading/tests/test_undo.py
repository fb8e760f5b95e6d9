"""The undo verbs the 回第一步 of a 废标处理 uses (lot_move restore, procurement_round_undo), the method change of
a 预中标（成交）异常处理 (procurement_method_change), and the suppliers' registered procurements (质疑 form)."""

import pytest
from django.utils import timezone

from audit.models import AuditLog
from core.errors import BusinessError, FieldErrors
from trading import selectors, services
from trading.models import LotStatus, ProcurementStatus

from .support import accepted, filed_plan, reload

pytestmark = pytest.mark.django_db
KW = {"contact_name": "李四", "contact_phone": "13800000000"}


def _two_lots(tr, method="inquiry"):
    plan = filed_plan(tr.clerk, tr.reviewer, method=method, entrusted=tr.agency,
                      lines=[("A02020200", "1000"), ("A02020200", "500")])
    proc = accepted(tr.agency_user, plan, lots=[{"name": "甲", "lines": [1]}, {"name": "乙", "lines": [2]}])
    services.procurement_announced(actor=tr.agency_user, procurement=proc)
    return reload(proc)


# ---- lot_move(restore) -----------------------------------------------------------------------------------


def test_restore_turns_a_terminated_lot_back_to_failed(tr):
    proc = _two_lots(tr)
    a, b = selectors.lots(proc)
    services.lot_move(actor=tr.agency_user, lot=a, move="fail")
    services.lot_move(actor=tr.agency_user, lot=b, move="fail")
    for lot in (a, b):
        services.lot_move(actor=tr.agency_user, lot=lot, move="terminate")
    assert reload(proc).status == ProcurementStatus.TERMINATED
    services.lot_move(actor=tr.w.fz_reg, lot=a, move="restore", note="回第一步")
    assert reload(a).status == LotStatus.FAILED and reload(proc).status == ProcurementStatus.FAILED
    assert AuditLog.objects.filter(action="lot.restore", after__note="回第一步").count() == 1


def test_restore_refused_for_a_lot_not_terminated(tr):
    proc = _two_lots(tr)
    a, _ = selectors.lots(proc)
    for status in (LotStatus.OPEN, LotStatus.FAILED):
        type(a).objects.filter(pk=a.pk).update(status=status)
        with pytest.raises(BusinessError) as info:
            services.lot_move(actor=tr.w.fz_reg, lot=a, move="restore")
        assert info.value.code == "bad_lot_state"


def test_restore_refused_while_the_plan_is_ended(tr):
    proc = _two_lots(tr)
    a, b = selectors.lots(proc)
    for lot in (a, b):
        services.lot_move(actor=tr.agency_user, lot=lot, move="terminate")
    type(proc.plan).objects.filter(pk=proc.plan_id).update(ended_at=timezone.now())  # 采购计划终止 approved
    with pytest.raises(BusinessError) as info:
        services.lot_move(actor=tr.w.fz_reg, lot=a, move="restore")
    assert info.value.code == "plan_ended" and reload(a).status == LotStatus.TERMINATED


# ---- procurement_round_undo -----------------------------------------------------------------------------


def _next_round(tr, method="negotiation"):
    proc = _two_lots(tr)
    a, b = selectors.lots(proc)
    services.lot_move(actor=tr.agency_user, lot=a, move="award")
    services.lot_move(actor=tr.agency_user, lot=b, move="fail")
    services.procurement_next_round(actor=tr.agency_user, procurement=proc, method=method)
    return reload(proc), a, b


def test_round_undo_restores_round_method_and_the_failed_lots(tr):
    proc, a, b = _next_round(tr)
    assert (proc.round, proc.procurement_method, reload(b).status) == (2, "negotiation", LotStatus.OPEN)
    services.procurement_round_undo(actor=tr.w.fz_reg, procurement=proc, round=1, method="inquiry")
    proc = reload(proc)
    assert (proc.round, proc.procurement_method, proc.status) == (1, "inquiry", ProcurementStatus.FAILED)
    assert reload(a).status == LotStatus.AWARDED and reload(b).status == LotStatus.FAILED
    log = AuditLog.objects.get(action="procurement.round_undo")
    assert log.before == {"round": 2, "procurement_method": "negotiation"} and log.after["failed_lots"] == [b.pk]


def test_round_undo_refused_once_the_next_announcement_is_published(tr):
    proc, _, b = _next_round(tr)
    services.procurement_announced(actor=tr.agency_user, procurement=proc)
    with pytest.raises(BusinessError) as info:
        services.procurement_round_undo(actor=tr.w.fz_reg, procurement=proc, round=1, method="inquiry")
    assert info.value.code == "next_round_started"
    proc = reload(proc)
    assert (proc.round, proc.status, reload(b).status) == (2, ProcurementStatus.IN_PROGRESS, LotStatus.OPEN)


def test_round_undo_refused_for_another_round_and_a_bad_method(tr):
    proc, _, _ = _next_round(tr)
    for wrong in (2, 0):
        with pytest.raises(BusinessError) as info:
            services.procurement_round_undo(actor=tr.w.fz_reg, procurement=proc, round=wrong, method="inquiry")
        assert info.value.code == "next_round_started"
    with pytest.raises(FieldErrors):
        services.procurement_round_undo(actor=tr.w.fz_reg, procurement=proc, round=1, method="nope")
    assert reload(proc).round == 2


# ---- procurement_method_change ------------------------------------------------------------------------------


def test_method_change_outside_a_new_round_is_audited(tr):
    proc = _two_lots(tr)
    for lot in selectors.lots(proc):
        services.lot_move(actor=tr.agency_user, lot=lot, move="award")
    assert reload(proc).status == ProcurementStatus.FINISHED  # a confirmed result: still changes (异常处理)
    services.procurement_method_change(actor=tr.reviewer, procurement=proc, method="negotiation", reason="异常处理")
    proc = reload(proc)
    assert proc.procurement_method == "negotiation" and proc.round == 1
    log = AuditLog.objects.get(action="procurement.method_change")
    assert log.before == {"procurement_method": "inquiry"} and log.after["reason"] == "异常处理"
    services.procurement_method_change(actor=tr.reviewer, procurement=proc, method="negotiation", reason="同")
    assert AuditLog.objects.filter(action="procurement.method_change").count() == 1  # unchanged: nothing written


def test_method_change_refusals(tr):
    proc = _two_lots(tr)
    with pytest.raises(FieldErrors):
        services.procurement_method_change(actor=tr.reviewer, procurement=proc, method="nope", reason="")
    a, b = selectors.lots(proc)
    services.lot_move(actor=tr.agency_user, lot=a, move="fail")
    with pytest.raises(BusinessError, match="废标处理") as info:
        services.procurement_method_change(actor=tr.reviewer, procurement=proc, method="negotiation", reason="")
    assert info.value.code == "procurement_closed"
    for lot in (a, b):
        services.lot_move(actor=tr.agency_user, lot=lot, move="terminate")
    with pytest.raises(BusinessError, match="已终止"):
        services.procurement_method_change(actor=tr.reviewer, procurement=proc, method="negotiation", reason="")
    assert reload(proc).procurement_method == "inquiry"


# ---- registered_procurements ----------------------------------------------------------------------------


def test_registered_procurements_are_the_suppliers_current_round_only(tr):
    proc = _two_lots(tr)
    other = _two_lots(tr)
    a, _ = selectors.lots(proc)
    assert list(selectors.registered_procurements(tr.supplier_user)) == []
    services.registration_create(actor=tr.supplier_user, procurement=proc, lot=a, **KW)
    services.registration_create(actor=tr.supplier2_user, procurement=other, lot=selectors.lots(other)[0], **KW)
    assert list(selectors.registered_procurements(tr.supplier_user)) == [proc]
    assert list(selectors.registered_procurements(tr.supplier2_user)) == [other]
    for user in (tr.agency_user, tr.clerk, tr.w.fz_reg):
        assert list(selectors.registered_procurements(user)) == []
    # the next round: last round's registration no longer counts
    services.lot_move(actor=tr.agency_user, lot=a, move="fail")
    services.procurement_next_round(actor=tr.agency_user, procurement=proc)
    assert list(selectors.registered_procurements(tr.supplier_user)) == []
