"""Builders of the failures tests: an announced procurement entrusted to tr.agency, a 流标 of its lots, a handling
submitted by the agency."""

from failures import services
from failures.models import FailureHandling, FailureReason
from trading import selectors as trading_selectors
from trading import services as trading_services
from trading.tests.support import accepted, filed_plan
from workflow import engine


def announced(tr, amount="300000", method="consultation", *, entrusted=True, lots=None):
    clerk = tr.clerk
    plan = filed_plan(clerk, tr.reviewer, amount, method=method, entrusted=tr.agency if entrusted else None,
                      approvers={"regulator": tr.w.fz_reg}, sme_micro_pct="100")
    organizer = tr.agency_user if entrusted else clerk
    proc = accepted(organizer, plan, lots=lots)
    trading_services.procurement_announced(actor=organizer, procurement=proc)
    return reload_proc(proc)


def reload_proc(proc):
    return trading_selectors.of_plan(proc.plan_id)


def failed(tr, amount="300000", method="consultation", reason=FailureReason.FEW_RESPONSIVE, **kw):
    proc = announced(tr, amount, method, **kw)
    organizer = tr.agency_user if kw.get("entrusted", True) else tr.clerk
    services.failure_declare(actor=organizer, procurement=proc, lot_ids=[lot.pk for lot in trading_selectors.lots(proc)],
                             reason=reason, explanation="供应商不足三家。")
    return reload_proc(proc)


def handling(tr, proc, kind="rebid", *, submit=True, actor=None, **fields):
    actor = actor or tr.agency_user
    data = {"procurement": proc, "kind": kind, "explanation": "处理说明。", **fields}
    if kind == "change_method":
        data.setdefault("new_method", "negotiation")
        data.setdefault("change_reason", "供应商有限。")
    doc = services.handling_save(actor, None, data, None)
    if submit:
        doc = engine.submit(doc, actor)
    return reload(doc)


def purchaser_fill(tr, doc, submit=True):
    services.purchaser_save(actor=tr.clerk, handling=doc, version=None, submit=submit,
                            data={"purchaser_note": "采购单位情况说明。", "contact_name": "王经办",
                                  "contact_phone": "0591-87091234"})
    return reload(doc)


def reload(doc):
    return FailureHandling.objects.get(pk=doc.pk)
