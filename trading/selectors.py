"""Reads of 采购项目执行, always scoped: the purchaser's staff (and its competent unit, the regulator of its
region) through `unit`; the agency that runs it through `organizer`."""

from django.db.models import QuerySet

from access.scope import get_or_404, scoped
from plans import selectors as plan_selectors

from . import panels
from .models import Lot, LotLine, LotStatus, Procurement
from .services import suspension_refusal  # noqa: F401  (a read other apps ask: may results go on?)

SCOPE = ("unit", "organizer")


def visible(user) -> QuerySet:
    return scoped(Procurement.objects.select_related("unit", "organizer"), user, SCOPE)


def get(user, pk) -> Procurement:
    """The scoped read: outside the user's scope is a 404, like a missing row."""
    return get_or_404(Procurement.objects.select_related("unit", "organizer", "plan"), user, SCOPE, pk=pk)


def awaiting(user) -> QuerySet:
    """待受理: the plans the user's unit executes that are not taken up yet."""
    return plan_selectors.awaiting_execution(user).exclude(
        pk__in=Procurement.objects.values("plan_id")).order_by("-approved_at", "-id")


def awaiting_plan(user, pk):
    return awaiting(user).filter(pk=pk).first()


def plan_lines(plan) -> list:
    return plan_selectors.plan_lines(plan)


def lots(procurement) -> list[Lot]:
    return list(procurement.lots.all())


def lot_lines(procurement) -> dict[int, list[LotLine]]:
    out: dict[int, list[LotLine]] = {}
    for ln in LotLine.objects.filter(lot__procurement=procurement).select_related("category").order_by("lot__seq",
                                                                                                     "seq"):
        out.setdefault(ln.lot_id, []).append(ln)
    return out


def open_lots(procurement) -> list[Lot]:
    return list(procurement.lots.filter(status=LotStatus.OPEN))


def of_plan(plan_id: int) -> Procurement | None:
    return Procurement.objects.filter(plan_id=plan_id).first()


def detail_panels(request, procurement) -> list[dict]:
    return panels.render_all(request, procurement)


def registered_supplier_ids(procurement, round_no: int | None = None) -> set[int]:
    """The suppliers registered (actively) in a round (the current one by default): who is told of answers."""
    from .models import Registration

    return set(Registration.objects.filter(procurement=procurement, is_active=True,
                                           round=round_no or procurement.round).values_list("supplier_id", flat=True))


def is_registered(supplier_unit_id: int, procurement) -> bool:
    return supplier_unit_id in registered_supplier_ids(procurement)
