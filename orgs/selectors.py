"""Reads of orgs: the region tree, the regulators' regions, unit codes. The scoped lists of units and of
主体管理's documents are registry's (they ask access, which sits above orgs)."""

from django.db.models import QuerySet

from .models import Region, Role, Unit


def responsible_regulator_region(unit: Unit) -> Region | None:
    """The nearest region, from the unit's own up to the province, that has a regulator unit."""
    codes = [c for c in unit.region_path.split("/") if c]
    with_regulator = set(
        Unit.objects.filter(kind=Unit.KIND_REGULATOR, region__code__in=codes).values_list("region__code", flat=True)
    )
    for code in reversed(codes):
        if code in with_regulator:
            return Region.objects.get(code=code)
    return None


def regions_reviewed_by(user) -> list[int]:
    """Region ids a regulator user reviews: its own region and those below it without a regulator of their own."""
    if not user.is_regulator:
        return []
    own = user.unit.region
    regions = list(Region.objects.filter(path__startswith=own.path).values("id", "path"))
    regulated_paths = set(
        Unit.objects.filter(kind=Unit.KIND_REGULATOR, region__path__startswith=own.path)
        .exclude(region=own).values_list("region__path", flat=True)
    )
    return [r["id"] for r in regions if not any(r["path"].startswith(p) for p in regulated_paths)]


def region_path(code: str) -> str | None:
    """A region's path in the region tree ("/350000/350100/"); core's rule parameters read their chain by it."""
    return Region.objects.filter(code=code).values_list("path", flat=True).first()


def region_codes_under(path: str) -> QuerySet:
    return Region.objects.filter(path__startswith=path).values("code")


def region_by_code(code: str) -> Region | None:
    """Regions are public reference data: no scope."""
    return Region.objects.filter(code=code).first()


CODE_FIELDS = {"credit_code": "统一社会信用代码", "budget_code": "单位预算编码"}


def code_owners(*, credit_code: str = "", budget_code: str = "", exclude_unit_id: int | None = None) -> dict:
    """{field: Unit} for each code that already names another unit (codes are unique among units)."""
    owners = {}
    for field, code in (("credit_code", credit_code), ("budget_code", budget_code)):
        if code:
            owner = Unit.objects.filter(**{field: code}).exclude(pk=exclude_unit_id).first()
            if owner is not None:
                owners[field] = owner
    return owners


def region_choices(user) -> QuerySet:
    """Regions a list page's 所属区划 dropdown offers: the user's scope, never the whole country. A regulator
    its region and below, anyone else their unit's region; the administrator every region."""
    if not user.is_authenticated:
        return Region.objects.none()
    if user.is_superuser or user.has_role(Role.ADMIN):
        return Region.objects.all()
    unit = user.unit
    if unit is None:
        return Region.objects.none()
    if user.is_regulator:
        return Region.objects.filter(path__startswith=unit.region_path)
    return Region.objects.filter(pk=unit.region_id)
