"""Rule parameters: the value in force on a date for a region and a unit level."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from .errors import BusinessError
from .models import RuleParameter


def region_chain(region_code: str) -> list[str]:
    """The codes that cover a region, most specific first: 350102 → [350102, 350100, 350000, ''].

    Read from the region tree, not the code digits: 平潭综合实验区 (350128) reports to the province.
    """
    from orgs.models import Region

    chain = []
    if region_code:
        path = Region.objects.filter(code=region_code).values_list("path", flat=True).first()
        chain = list(reversed([c for c in (path or region_code).split("/") if c]))
    chain.append("")
    return chain


def lookup(name: str, *, region_code: str = "", level: str = "", on: dt.date | None = None) -> RuleParameter:
    on = on or timezone.localdate()
    chain = region_chain(region_code)
    rows = list(
        RuleParameter.objects.filter(name=name, region_code__in=chain, level__in=[level, ""],
                                     effective_from__lte=on)
        .order_by("-effective_from")
    )
    if not rows:
        raise BusinessError(f"规则参数「{name}」未配置，请联系系统管理员。", code="parameter_missing")

    def rank(p: RuleParameter):
        # most specific region first, then a level-specific row, then the newest edition
        return (chain.index(p.region_code), 0 if p.level == level and level else 1, -p.effective_from.toordinal())

    return sorted(rows, key=rank)[0]


def value(name: str, **kw):
    p = lookup(name, **kw)
    if p.kind == RuleParameter.KIND_DECIMAL:
        return Decimal(p.value)
    if p.kind == RuleParameter.KIND_INT:
        return int(p.value)
    return p.value
