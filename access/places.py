"""Where a flow's actor sits relative to a document's unit: the one answer for the engine and the inbox.

A node (or the submitter) names a place and the document field holding the unit it is relative to:
own unit, its competent unit (主管预算单位), the agency entrusted with it (the field names the agency
unit), the regulator responsible for its region, or the finance department of city level or above.
"""

from orgs.models import Region, Unit

OWN_UNIT = "own_unit"          # staff of the unit itself
COMPETENT = "competent"        # staff of the unit's competent unit (主管预算单位)
AGENCY = "agency"              # staff of an agency unit named by the document (代理机构 / 集中采购机构)
REGULATOR = "regulator"        # the regulator responsible for the unit's region
FINANCE = "finance"            # the regulator of city level or above responsible for the unit (法 27)

PLACES = {OWN_UNIT: "本单位", COMPETENT: "主管预算单位", AGENCY: "代理机构", REGULATOR: "监管部门",
          FINANCE: "市级及以上财政部门"}
AGENCY_KINDS = (Unit.KIND_AGENCY, Unit.KIND_CENTRAL)


def regulator_region(unit: Unit, *, city_or_above: bool = False) -> Region | None:
    """The nearest region, from the unit's own up to the province, that has a regulator unit (for FINANCE
    county regions are skipped: a county unit's matter goes to its city)."""
    codes = [c for c in (unit.region_path or "").split("/") if c]
    regions = {r.code: r for r in Region.objects.filter(code__in=codes)}
    with_regulator = set(Unit.objects.filter(kind=Unit.KIND_REGULATOR, region__code__in=codes)
                         .values_list("region__code", flat=True))
    for code in reversed(codes):
        region = regions.get(code)
        if region is None or code not in with_regulator:
            continue
        if city_or_above and region.level == "county":
            continue
        return region
    return None


def place_unit_id(place: str, unit: Unit | None) -> int | None:
    """The unit whose staff act at `place`, when the place is one unit (None for region places)."""
    if unit is None:
        return None
    if place in (OWN_UNIT, AGENCY):
        return unit.pk
    if place == COMPETENT:
        return unit.competent_id
    return None


def place_region(place: str, unit: Unit | None) -> Region | None:
    if unit is None or place not in (REGULATOR, FINANCE):
        return None
    return regulator_region(unit, city_or_above=place == FINANCE)


def sits_at(user, place: str, unit: Unit | None) -> bool:
    """Does the user's unit stand at `place` relative to `unit`? (roles are the caller's business)"""
    if not user.is_authenticated or user.unit_id is None or unit is None:
        return False
    if place == OWN_UNIT:
        return user.unit_id == unit.pk
    if place == COMPETENT:
        return unit.competent_id is not None and user.unit_id == unit.competent_id
    if place == AGENCY:
        return user.unit_id == unit.pk and user.unit.kind in AGENCY_KINDS
    if place in (REGULATOR, FINANCE):
        if not user.is_regulator:
            return False
        region = place_region(place, unit)
        return region is not None and user.unit.region_id == region.pk
    return False
