"""orgs.selectors: who regulates which region (the scoped reads of 主体管理 are registry's)."""

import pytest

from orgs import selectors
from orgs.models import Region, Role, Unit
from orgs.testing import make_unit, make_user


def codes(region_ids) -> set[str]:
    return set(Region.objects.filter(pk__in=region_ids).values_list("code", flat=True))


def all_codes(prefix_path: str) -> set[str]:
    return set(Region.objects.filter(path__startswith=prefix_path).values_list("code", flat=True))


# ---- responsible regulator ------------------------------------------------------------------------------


@pytest.mark.parametrize("region_code, expected", [
    ("350000", "350000"),   # 省级 → the province
    ("350100", "350100"),   # 福州 has its own regulator
    ("350102", "350100"),   # 鼓楼区 has none: 福州's
    ("350121", "350100"),   # 闽侯县 likewise
    ("350128", "350000"),   # 平潭 hangs under the province, whatever its digits say
    ("350200", "350000"),   # 厦门 has no regulator in this world: the province
    ("350203", "350000"),
    ("360100", "360000"),   # 南昌 → 江西
])
def test_responsible_regulator_region(world, region_code, expected):
    unit = make_unit(f"单位{region_code}", region_code=region_code)
    assert selectors.responsible_regulator_region(unit).code == expected


def test_a_county_regulator_takes_over_its_county(world):
    gulou_reg = make_unit("鼓楼区财政局", region_code="350102", kind=Unit.KIND_REGULATOR)
    gl = make_unit("福州市鼓楼区实验小学", region_code="350102")
    assert selectors.responsible_regulator_region(gl).code == "350102"
    assert selectors.responsible_regulator_region(world.fz_unit).code == "350100"
    gl_reg = make_user("gl_reg", gulou_reg, Role.REGULATOR)
    assert codes(selectors.regions_reviewed_by(gl_reg)) == {"350102"}
    assert "350102" not in codes(selectors.regions_reviewed_by(world.fz_reg))


def test_purchaser_units_do_not_count_as_regulators(db):
    unit = make_unit("南昌市某学校", region_code="360100")
    make_unit("南昌市某局", region_code="360000")   # a purchaser at the province: no regulator there
    assert selectors.responsible_regulator_region(unit) is None


# ---- regions a regulator reviews ---------------------------------------------------------------------------


def test_fuzhou_regulator_reviews_fuzhou_and_its_counties_but_not_pingtan(world):
    got = codes(selectors.regions_reviewed_by(world.fz_reg))
    assert got == all_codes("/350000/350100/")
    assert {"350100", "350102", "350103", "350104", "350121"} <= got
    assert "350128" not in got and "350000" not in got


def test_province_regulator_reviews_the_rest_of_the_province(world):
    got = codes(selectors.regions_reviewed_by(world.fj_reg))
    assert got == all_codes("/350000/") - all_codes("/350000/350100/")
    assert {"350000", "350128", "350200", "350203", "350500"} <= got
    assert "350100" not in got and "350102" not in got
    assert not any(c.startswith("36") for c in got)


def test_jiangxi_regulator_reviews_only_jiangxi(world):
    got = codes(selectors.regions_reviewed_by(world.jx_reg))
    assert got == all_codes("/360000/")


def test_non_regulators_review_nothing(world):
    for user in (world.fz_clerk, world.dept_competent, world.fz_reviewer):
        assert selectors.regions_reviewed_by(user) == []


def test_reviewed_regions_agree_with_responsible_region(world):
    """For every seeded region: exactly one regulator reviews it, the one responsible_regulator_region names."""
    regs = {"350000": world.fj_reg, "350100": world.fz_reg, "360000": world.jx_reg}
    reviewed = {code: codes(selectors.regions_reviewed_by(u)) for code, u in regs.items()}
    for region in Region.objects.all():
        owners = [code for code, got in reviewed.items() if region.code in got]
        unit = make_unit(f"单位{region.code}", region_code=region.code)
        assert owners == [selectors.responsible_regulator_region(unit).code], region.code
