"""Reads of the kernel's own tables, scoped by who asks."""

from django.db.models import Q, QuerySet

from . import params
from .models import RuleParameter


def parameters_for(user, *, every: bool) -> QuerySet:
    """规则参数 a user may list: every row when `every` (the administrator, access.rights.is_admin, asked by
    the caller); a regulator the national editions, its region's ancestors, its region and the regions under
    it (which it may set); never another province's or a sibling city's."""
    qs = RuleParameter.objects.all()
    if every:
        return qs
    if not user.is_regulator:
        return qs.none()
    path = user.unit.region_path
    above = [code for code in path.strip("/").split("/") if code]
    below = params.region_codes_under(path)
    return qs.filter(Q(region_code="") | Q(region_code__in=above) | Q(region_code__in=below))
