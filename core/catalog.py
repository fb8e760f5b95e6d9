"""集中采购目录 lookups: which 品目 of a region are in the catalogue on a date (reference data, no scope)."""

import datetime as dt

from django.utils import timezone

from .models import CentralCatalogItem
from .params import region_chain


def catalogue(region_code: str, on: dt.date | None = None) -> list[CentralCatalogItem]:
    """The edition in force: the newest one on `on` of the most specific region (then its parents) that has one."""
    on = on or timezone.localdate()
    chain = region_chain(region_code)
    editions = {}
    for code, since in (CentralCatalogItem.objects.filter(region_code__in=chain, effective_from__lte=on)
                        .values_list("region_code", "effective_from")):
        editions[code] = max(since, editions.get(code, since))
    for code in chain:
        if code in editions:
            return list(CentralCatalogItem.objects.filter(region_code=code, effective_from=editions[code]))
    return []


def catalogue_item(items: list[CentralCatalogItem], category_code: str) -> CentralCatalogItem | None:
    """The catalogue item covering a 品目 code (the most specific one), or None."""
    hits = [i for i in items if category_code.startswith(i.prefix)]
    return max(hits, key=lambda i: len(i.prefix)) if hits else None
