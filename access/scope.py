"""The one place that decides which rows a user may see.

Own unit for everyone; the subordinate tree for a competent unit (materialized `Unit.path`); the region
and everything under it for a regulator (`Unit.region_path`). Both are prefix filters: index range scans.
Out of scope is a 404, exactly like a missing row.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from orgs.models import Role


def is_admin(user) -> bool:
    """The system administrator: keeps users, roles, parameters and the calendar; reads every row."""
    return user.is_authenticated and (user.is_superuser or user.has_role(Role.ADMIN))


def unit_q(user, prefix: str = "") -> Q:
    """Q over Unit rows (or a relation to Unit named by `prefix`, e.g. 'unit__') visible to `user`."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if is_admin(user):
        return Q()
    unit = user.unit
    if unit is None:
        return Q(pk__in=[])
    q = Q(**{f"{prefix}id" if prefix else "id": unit.pk})
    if user.has_role(Role.COMPETENT):
        q |= Q(**{f"{prefix}path__startswith": unit.path})
    if user.is_regulator:
        q |= Q(**{f"{prefix}region_path__startswith": unit.region_path})
    return q


def units(user) -> QuerySet:
    from orgs.models import Unit

    return Unit.objects.filter(unit_q(user))


def scoped(qs: QuerySet, user, unit_fields: tuple[str, ...] = ("unit",)) -> QuerySet:
    """Rows of `qs` whose unit (any of `unit_fields`) is visible to the user."""
    if is_admin(user):
        # Q(pk__in=[]) | Q() is Q(pk__in=[]): an empty Q drops out of an OR, so the admin would see nothing
        return qs.all()
    q = Q(pk__in=[])
    for field in unit_fields:
        q |= unit_q(user, prefix=f"{field}__")
    return qs.filter(q)


def get_or_404(qs: QuerySet, user, unit_fields: tuple[str, ...] = ("unit",), **lookup):
    try:
        return scoped(qs, user, unit_fields).get(**lookup)
    except qs.model.DoesNotExist as exc:
        raise Http404("记录不存在或不在您的权限范围内") from exc


def covers(user, unit) -> bool:
    """Is `unit` inside the user's visible scope?"""
    from orgs.models import Unit

    return Unit.objects.filter(unit_q(user), pk=unit.pk).exists()


def in_jurisdiction(user, unit) -> bool:
    """Is `unit` inside the region this regulator supervises?"""
    return user.is_regulator and unit.region_path.startswith(user.unit.region_path)
