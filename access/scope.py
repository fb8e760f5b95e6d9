"""The one place that decides which rows a user may see (DESIGN §5).

- own unit, for everyone with a unit;
- the subordinate tree (materialized `Unit.path`) for the competent role, or, with `include_subordinates=True`
  (the 包含下级单位 query option), for whoever `rights.may_include_subordinates`;
- the region and every region below it for a regulator;
- every row for the administrator.

`scope_q(user, model, …)` builds that Q for any model, given how its rows reach their unit: a FK (`unit_field`),
or no unit at all (`unit_field=None`, rows placed by a region path column). Where the model declared copies of
its unit's paths (`orgs.scope_columns`, refreshed there and only there), the region part filters on the copy
with an equality list of region paths read from the small region table — no join, and an index lookup whatever
the database collation (a LIKE prefix is not, on PostgreSQL with a non-C collation). Without a copy it is a
prefix filter through the unit. The subordinate tree is always an equality list of unit ids (read from the
unit table by its path prefix), so the row table is filtered on its own FK column.

Out of scope is a 404, exactly like a missing row (`get_or_404`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from orgs import scope_columns
from orgs.models import Region, Role, Unit

from . import rights
from .rights import is_admin, regulates  # noqa: F401  (kept importable from here)

NOT_FOUND = "记录不存在或不在您的权限范围内"


def nothing() -> Q:
    return Q(pk__in=[])


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


# ---- the parts: units and regions -----------------------------------------------------------------------


def unit_ids(user, *, include_subordinates: bool | None = None) -> list[int]:
    """The units a user sees through their unit: their own, plus its subordinate tree when
    `include_subordinates` is None and they hold the competent role, or when it is True and
    `rights.may_include_subordinates`. False: their own unit only."""
    unit = user.unit if _authenticated(user) else None
    if unit is None:
        return []
    if include_subordinates is None:
        widen = user.has_role(Role.COMPETENT)
    else:
        widen = include_subordinates and rights.may_include_subordinates(user)
    if widen and unit.path:
        return list(Unit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))
    return [unit.pk]


def region_paths_below(path: str) -> list[str]:
    """The region and every region below it, as paths (the region table is small)."""
    return list(Region.objects.filter(path__startswith=path).values_list("path", flat=True))


def region_codes_below(path: str) -> QuerySet:
    """The codes of the region and every region below it (for rows placed by a 财政区划 code)."""
    return Region.objects.filter(path__startswith=path).values("code")


def region_paths_above(path: str) -> list[str]:
    """The region and every region above it, from the path itself: '/35/3501/' → ['/35/', '/35/3501/']."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def jurisdiction(user) -> str | None:
    """The region path a user supervises: '' = everything (administrator), the regulator's region path, or
    None (no jurisdiction)."""
    if not _authenticated(user):
        return None
    if is_admin(user):
        return ""
    if user.is_regulator:
        return user.unit.region_path
    return None


# ---- the one scope function ---------------------------------------------------------------------------------


def _unit_column(unit_field: str) -> str:
    return "pk" if unit_field == "" else f"{unit_field}_id"


def unit_side_q(user, model=None, *, unit_field: str = "unit", include_subordinates: bool | None = None) -> Q:
    """Rows of the user's unit (and of its subordinate tree, see `unit_ids`). `unit_field` names the FK to
    Unit ('' when the rows are units)."""
    ids = unit_ids(user, include_subordinates=include_subordinates)
    if not ids:
        return nothing()
    column = _unit_column(unit_field)
    return Q(**{column: ids[0]}) if len(ids) == 1 else Q(**{f"{column}__in": ids})


def region_q(user, model=None, *, unit_field: str | None = "unit", region_field: str | None = None,
             above: bool = False) -> Q:
    """Rows inside the regulator's region. `region_field` names a region path column on the row; without it
    the model's declared scope column for `unit_field` is used (an equality list), else the unit's own
    region path through the FK (a prefix). With `above`, anyone with a unit also gets the rows of their
    region and the regions above it (notices of a higher region apply below)."""
    unit = user.unit if _authenticated(user) else None
    if unit is None:
        return nothing()
    path = unit.region_path
    declared = (scope_columns.column_for(model, "region_path", unit_field)
                if region_field is None and model is not None and unit_field else None)
    if region_field is None and declared is None and unit_field is None:
        raise ValueError("region_q needs a unit_field or a region_field")
    field = region_field or declared or ("region_path" if unit_field == "" else f"{unit_field}__region_path")
    parts = []
    if user.is_regulator:
        if declared:
            parts.append(Q(**{f"{field}__in": region_paths_below(path)}))
        else:
            parts.append(Q(**{f"{field}__startswith": path}))
    if above:
        parts.append(Q(**{f"{field}__in": region_paths_above(path)}))
    if not parts:
        return nothing()
    q = parts[0]
    for part in parts[1:]:
        q |= part
    return q


def scope_q(user, model=None, *, unit_field: str | None = "unit", region_field: str | None = None,
            include_subordinates: bool | None = None, above: bool = False) -> Q:
    """The rows of `model` a user may see: everything for the administrator; otherwise the unit side
    (`unit_side_q`, skipped when `unit_field` is None) or the region side (`region_q`)."""
    if not _authenticated(user):
        return nothing()
    if is_admin(user):
        return Q()  # never OR this with anything: Q() | x is x
    region = region_q(user, model, unit_field=unit_field, region_field=region_field, above=above)
    if unit_field is None:
        return region
    unit_side = unit_side_q(user, model, unit_field=unit_field, include_subordinates=include_subordinates)
    if not user.is_regulator and not above:
        return unit_side  # the region side is empty: keep the SQL to the unit column
    return unit_side | region


# ---- querysets ------------------------------------------------------------------------------------------


def unit_q(user, prefix: str = "") -> Q:
    """Q over Unit rows (or a relation to Unit named by `prefix`, e.g. 'unit__') visible to `user`."""
    return scope_q(user, unit_field=prefix[:-2] if prefix.endswith("__") else prefix)


def units(user) -> QuerySet:
    return Unit.objects.filter(scope_q(user, Unit, unit_field=""))


@dataclass(frozen=True)
class Acting:
    """A unit field naming who acts on the row for its owner — the agency running a procurement, the agency a
    plan is entrusted to. That unit's own staff see the row through it; nobody else does: not its competent
    unit's tree, not the regulator of the region the agency sits in (the row is supervised where its owner,
    `unit`, is). Used beside the owner's field: `scoped(qs, user, ("unit", Acting("organizer")))`."""
    field: str

    def q(self, user) -> Q:
        unit_id = user.unit_id if _authenticated(user) else None
        return Q(**{f"{self.field}_id": unit_id}) if unit_id is not None else nothing()


def scoped(qs: QuerySet, user, unit_fields: tuple = ("unit",), *,
           include_subordinates: bool | None = None) -> QuerySet:
    """Rows of `qs` whose unit (any of `unit_fields`) is visible to the user; an `Acting` field counts for
    its own unit's staff only."""
    if is_admin(user):
        # Q(pk__in=[]) | Q() is Q(pk__in=[]): an empty Q drops out of an OR, so the admin would see nothing
        return qs.all()
    q = nothing()
    for field in unit_fields:
        if isinstance(field, Acting):
            q |= field.q(user)
        else:
            q |= scope_q(user, qs.model, unit_field=field, include_subordinates=include_subordinates)
    return qs.filter(q)


def get_or_404(qs: QuerySet, user, unit_fields: tuple = ("unit",), **lookup):
    try:
        return scoped(qs, user, unit_fields).get(**lookup)
    except qs.model.DoesNotExist as exc:
        raise Http404(NOT_FOUND) from exc


def covers(user, unit) -> bool:
    """Is `unit` inside the user's visible scope?"""
    return units(user).filter(pk=unit.pk).exists()


def in_jurisdiction(user, unit) -> bool:
    """Is `unit` inside the region this regulator supervises? (rights.regulates)"""
    return regulates(user, unit)
