"""Reads of 流标/废标 and 废标处理, always scoped: the purchaser's staff (and its competent unit, the regulator of its
region) through `unit`, the organizer (agency) through `organizer`."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from access import rights
from access.scope import Acting, get_or_404, scoped
from trading import selectors as trading_selectors
from workflow import engine
from workflow.models import Status

from .models import TENDER_METHODS, Failure, FailureHandling, HandlingKind

SCOPE = ("unit", Acting("organizer"))
NO_PROCUREMENTS = trading_selectors.visible(AnonymousUser())  # the form's empty choice set before a user is known


def handleable(user) -> QuerySet:
    """The procurements the user organises that failed (the 新增 form's choices)."""
    if user is None or not user.is_authenticated or user.unit_id is None:
        return NO_PROCUREMENTS
    rows = trading_selectors.visible(user).filter(organizer_id=user.unit_id, status="failed").order_by("-id")
    return rows if rights.in_agency_unit(user) or rights.is_clerk(user) else rows.none()


def visible(user) -> QuerySet:
    return scoped(FailureHandling.objects.select_related("unit", "organizer", "procurement", "created_by"), user,
                  SCOPE)


def get(user, pk) -> FailureHandling:
    return get_or_404(FailureHandling.objects.select_related("unit", "organizer", "procurement"), user, SCOPE, pk=pk)


def failures_of(procurement) -> list[Failure]:
    return list(Failure.objects.filter(procurement_id=procurement.pk).select_related("lot", "declared_by")
                .order_by("-round", "lot__seq", "id"))


def handlings_of(procurement) -> list[FailureHandling]:
    return list(FailureHandling.objects.filter(procurement_id=procurement.pk).order_by("-id"))


def detail_context(user, doc) -> dict:
    from . import services

    return {"failures": [f for f in failures_of(doc.procurement) if f.round == doc.round],
            "purchaser_step": services.at_purchaser_step(user, doc),
            "node_label": engine.flow_for(doc).node(doc.current_node).label if doc.current_node else ""}


def panel_context(request, procurement) -> dict | None:
    """The 流标/废标 section of the 采购项目执行 page (trading.panels): the failures, the handlings, and for the
    organizer the form to declare one and the link to start the handling."""
    from . import services

    user = request.user
    failures, handlings = failures_of(procurement), handlings_of(procurement)
    organizer = rights.is_organizer_of(user, procurement)
    declarable = organizer and procurement.status in services.DECLARABLE
    if not (failures or handlings or declarable):
        return None
    return {"failures": failures, "handlings": handlings, "declarable": declarable,
            "lots": [lot for lot in trading_selectors.lots(procurement) if lot.status in ("open", "awarded")],
            "reasons": services.reason_choices(procurement), "basis": services.reason_basis(procurement),
            "may_start": organizer and services.start_refusal(procurement) is None}


def purchaser_rows(user, kind: str) -> QuerySet:
    """采购计划终止 / 采购方式变更录入: the unit's handlings of that kind (the steps wait in the 待处理 tab)."""
    return visible(user).filter(kind=kind).exclude(status__in=(Status.DRAFT, Status.WITHDRAWN))


def region_rows(user, tender: bool) -> QuerySet:
    """招标方式 / 非招标方式（废标）处理: the region's submitted handlings by the method that failed."""
    rows = visible(user).exclude(status__in=(Status.DRAFT, Status.WITHDRAWN), submitted_at__isnull=True)
    return rows.filter(method_before__in=TENDER_METHODS) if tender else rows.exclude(method_before__in=TENDER_METHODS)


KIND_PAGES = {HandlingKind.TERMINATE: "采购计划终止", HandlingKind.CHANGE_METHOD: "采购方式变更录入"}
