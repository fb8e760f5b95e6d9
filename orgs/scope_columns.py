"""Scope columns: copies of a unit's `region_path` / `path` kept on documents so scope filters are index
lookups without a join (Project.region_path …). They are refreshed from here, and only here, whenever a
unit's region or competent unit changes, in the caller's transaction.

Apps register in their AppConfig.ready():

    scope_columns.register(Project, unit_field="unit", columns={"region_path": "region_path", "unit_path": "path"})

Derived rows that a column copy cannot express (a work item acted on by the unit's competent unit) subscribe
with `on_refresh(fn)`: fn(unit_ids) is called with the same units and returns the rows it changed.
"""

from dataclasses import dataclass

from django.db.models import OuterRef, Q, Subquery

_REGISTRY: list["ScopeColumns"] = []
_LISTENERS: list = []


@dataclass(frozen=True)
class ScopeColumns:
    model: type
    unit_field: str
    columns: dict  # column on the model -> attribute of Unit


def register(model, *, unit_field: str = "unit", columns: dict) -> None:
    if not any(r.model is model and r.unit_field == unit_field for r in _REGISTRY):
        _REGISTRY.append(ScopeColumns(model, unit_field, dict(columns)))


def on_refresh(fn) -> None:
    if fn not in _LISTENERS:
        _LISTENERS.append(fn)


def registered() -> list[ScopeColumns]:
    return list(_REGISTRY)


def column_for(model, attr: str, unit_field: str = "unit") -> str | None:
    """The column of `model` that copies `attr` (e.g. "region_path") of the unit named by `unit_field`, if
    the model declared one: access.scope filters on it instead of joining the unit."""
    for r in _REGISTRY:
        if r.model is model and r.unit_field == unit_field:
            for col, source in r.columns.items():
                if source == attr:
                    return col
    return None


def values_for(model, unit) -> dict:
    """The scope columns a new or saved row of `model` takes from its unit."""
    for r in _REGISTRY:
        if r.model is model:
            return {col: getattr(unit, attr) for col, attr in r.columns.items()}
    return {}


def refresh_scope_columns(units) -> int:
    """Copy the current region_path / path of `units` and every unit below them (their paths change with
    theirs) onto each registered model's rows. Returns the number of rows changed."""
    from .models import Unit

    paths = [u.path for u in Unit.objects.filter(pk__in=[u.pk for u in units]) if u.path]
    if not paths:
        return 0
    tree = Q()
    for p in paths:
        tree |= Q(path__startswith=p)
    unit_ids = Unit.objects.filter(tree).values("pk")
    changed = 0
    for r in _REGISTRY:
        source = Unit.objects.filter(pk=OuterRef(f"{r.unit_field}_id"))
        stale = Q()
        for col, attr in r.columns.items():
            # only rows whose copy differs: an untouched subtree writes nothing
            stale |= ~Q(**{col: Subquery(source.values(attr)[:1])})
        changed += (r.model._base_manager.filter(**{f"{r.unit_field}_id__in": unit_ids}).filter(stale)
                    .update(**{col: Subquery(source.values(attr)[:1]) for col, attr in r.columns.items()}))
    for fn in _LISTENERS:
        changed += fn(unit_ids)
    return changed
