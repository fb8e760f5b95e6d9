"""Reads of the integration data, always scoped.

A regulator sees the messages, platform units and 隶属关系 whose 财政区划 lies in its region (the region path
stored on each row, a prefix filter like access.scope's `region_path`); units for 重置预算匹配 come from
access.scope. The system administrator sees everything; everyone else nothing. Rows with no region (unknown
财政区划, unauthenticated messages) match no regulator's prefix.

The 财政区划 of a platform row is the platform's word: a row filed under this region for a unit that 政采
knows elsewhere is not shown, and the 政采 units and platform names put beside a row come from the region
only, so no page names a unit outside it.
"""

from django.db.models import OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from access import scope
from budgets import selectors as budget_selectors
from core.validation import parse_id
from orgs.models import Unit
from registry import selectors as registry_selectors

from .models import InboundMessage, PlatformSubordination, PlatformUnit, region_path_for


def platform_record_for(credit_code: str) -> PlatformUnit | None:
    """The budget platform's newest valid record for a unit, matched by 统一社会信用代码."""
    return (PlatformUnit.objects.filter(credit_code=credit_code, is_valid=True)
            .order_by("-fiscal_year", "-id").first())


def region_prefix(user) -> str | None:
    """'' = everything (administrator); a region path for a regulator; None = nothing."""
    return scope.jurisdiction(user)


def _region_scope(user, model, field: str = "region_path", *, above: bool = False) -> Q:
    """Rows placed by their own region path: the administrator all, a regulator its region (and, with
    `above`, the regions above it)."""
    return scope.scope_q(user, model, unit_field=None, region_field=field, above=above)


def in_region(qs: QuerySet, user, field: str = "region_path") -> QuerySet:
    if region_prefix(user) is None:
        return qs.none()
    return qs.filter(_region_scope(user, qs.model, field))


def messages(user, kind: str | None = None) -> QuerySet:
    qs = InboundMessage.objects.select_related("client")
    if kind:
        qs = qs.filter(kind=kind)
    return in_region(qs, user)


def message_or_404(user, pk: int) -> InboundMessage:
    msg = messages(user).filter(pk=pk).first()
    if msg is None:
        raise Http404("记录不存在或不在您的权限范围内")
    return msg


def _units_inside(user) -> QuerySet:
    return Unit.objects.filter(_region_scope(user, Unit))


def _codes_outside(user, field: str) -> QuerySet:
    """`field` values (credit or budget codes) of 政采 units outside the regulator's region."""
    return Unit.objects.exclude(_region_scope(user, Unit)).exclude(**{field: ""}).values(field)


def platform_units(user) -> QuerySet:
    """一体化单位基本信息 with the matching 政采 unit (by USCC) and its 单位预算编码."""
    prefix = region_prefix(user)
    if prefix is None:
        return PlatformUnit.objects.none()
    zc = _units_inside(user).filter(credit_code=OuterRef("credit_code")).exclude(credit_code="").order_by("pk")
    qs = PlatformUnit.objects.annotate(
        zc_unit_id=Subquery(zc.values("pk")[:1]),
        zc_unit_name=Subquery(zc.values("name")[:1]),
        zc_budget_code=Coalesce(Subquery(zc.values("budget_code")[:1]), Value("")),
    )
    if prefix:
        qs = qs.exclude(credit_code__in=_codes_outside(user, "credit_code"))
    return in_region(qs, user)


def platform_subordinations(user) -> QuerySet:
    """一体化隶属关系 next to 政采's own link of the same unit (matched by 单位预算编码)."""
    prefix = region_prefix(user)
    if prefix is None:
        return PlatformSubordination.objects.none()
    local = _units_inside(user)
    zc = local.filter(budget_code=OuterRef("agency_code")).exclude(budget_code="").order_by("pk")
    # the region, its subregions and the regions above it (a superior unit may be provincial)
    names = PlatformUnit.objects.filter(_region_scope(user, PlatformUnit, above=True)).order_by("-fiscal_year", "-id")
    pending = registry_selectors.pending_subordinations().filter(
        unit__in=local, unit__budget_code=OuterRef("agency_code")).order_by("-id")
    qs = PlatformSubordination.objects.annotate(
        agency_name=Subquery(names.filter(agency_code=OuterRef("agency_code")).values("agency_name")[:1]),
        super_agency_name=Subquery(names.filter(agency_code=OuterRef("super_agency_code")).values("agency_name")[:1]),
        zc_unit_id=Subquery(zc.values("pk")[:1]),
        zc_unit_name=Subquery(zc.values("name")[:1]),
        zc_competent_code=Coalesce(Subquery(zc.values("competent__budget_code")[:1]), Value("")),
        zc_competent_name=Subquery(zc.values("competent__name")[:1]),
        zc_pending_code=Subquery(pending.values("competent_unit__budget_code")[:1]),
    )
    if prefix:
        qs = qs.exclude(agency_code__in=_codes_outside(user, "budget_code"))
    return in_region(qs, user)


def rematch_candidates(user, q: str = "") -> QuerySet:
    """Purchaser units of the regulator's region, searched by name, 单位预算编码 or 统一社会信用代码."""
    qs = scope.units(user).filter(kind=Unit.KIND_PURCHASER).select_related("region")
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(budget_code__startswith=q) | Q(credit_code__startswith=q.upper()))
    return qs.order_by("region__code", "name")


def rematch_unit_or_404(user, pk) -> Unit:
    pk = parse_id(pk)  # '²' passes isdigit() and would crash the query
    unit = rematch_candidates(user).filter(pk=pk).first() if pk is not None else None
    if unit is None:
        raise Http404("记录不存在或不在您的权限范围内")
    return unit


def unmatched_indicators(user, limit: int = 50) -> list[dict]:
    """Valid platform indicators that no unit holds yet, per (财政区划, 单位预算编码), inside the user's region,
    with the unit that their code would match now (if any)."""
    prefix = region_prefix(user)
    if prefix is None:
        return []
    rows = budget_selectors.unmatched_platform_totals()
    paths: dict[str, str] = {}
    out = []
    for row in rows:
        code = row["mof_div_code"]
        if code not in paths:
            paths[code] = region_path_for(code)
        if paths[code] and paths[code].startswith(prefix):
            row["unit"] = Unit.objects.filter(kind=Unit.KIND_PURCHASER, budget_code=row["agency_code"]).first()
            out.append(row)
            if len(out) >= limit:
                break
    return out
