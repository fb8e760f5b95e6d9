"""orgs.selectors: who regulates which region, and the scoped reads of 主体管理."""

import pytest

from orgs import selectors, services
from orgs.models import Region, Role, Unit
from orgs.testing import make_unit, make_user
from workflow import engine


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


# ---- scoped reads ---------------------------------------------------------------------------------------------


def test_visible_and_member_units(world):
    assert set(selectors.visible_units(world.fz_reg)) == {world.fz_reg_unit, world.fz_unit}
    assert set(selectors.member_units(world.fz_reg)) == set()            # 福州一中 is not yet a member
    assert set(selectors.member_units(world.fj_reg)) == {world.dept, world.sub1}
    assert set(selectors.member_units(world.jx_reg)) == {world.jx_unit}
    assert set(selectors.visible_units(world.dept_competent)) == {world.dept, world.sub1}


def test_registrations_are_scoped(world):
    u = world.fz_unit
    reg = services.registration_save(actor=world.fz_clerk, data={
        "name": u.name, "credit_code": u.credit_code, "budget_code": u.budget_code, "level": u.level,
        "region": u.region, "address": "福州市", "legal_representative": "甲", "contact_name": "乙",
        "contact_phone": "0591-1"})
    assert list(selectors.registrations(world.fz_clerk)) == [reg]
    assert list(selectors.registrations(world.fz_reg)) == [reg]
    assert list(selectors.registrations(world.fj_reg)) == [reg]
    assert list(selectors.registrations(world.jx_reg)) == []
    assert list(selectors.registrations(world.dept_clerk)) == []


def test_subordinations_are_scoped_to_both_sides(world):
    sub = services.subordination_request(actor=world.fz_clerk, competent_unit=world.dept)
    assert list(selectors.subordinations(world.fz_clerk)) == [sub]
    assert list(selectors.subordinations(world.dept_competent)) == [sub]
    assert list(selectors.subordinations(world.fz_reg)) == [sub]
    assert list(selectors.subordinations(world.jx_reg)) == []
    assert list(selectors.subordinations(world.sub1_clerk)) == []
    engine.approve(sub, world.dept_competent)
    assert list(selectors.subordinations(world.dept_competent)) == [sub]


def test_competent_candidates(world):
    other = make_unit("福建省民政厅", region_code="350000", is_competent=True)
    make_unit("福建省新设厅局", region_code="350000", is_competent=True, is_member=False)
    make_unit("江西省教育厅", region_code="360000", is_competent=True)
    fz_competent = make_unit("福州市教育局", region_code="350100", is_competent=True)
    assert set(selectors.competent_candidates(world.fz_unit)) == {world.dept, other, fz_competent}
    # never itself nor a unit below it
    below = make_unit("福建省教育厅直属中心", region_code="350000", competent=world.sub1, is_competent=True)
    assert set(selectors.competent_candidates(world.dept)) == {other, fz_competent}
    assert below not in selectors.competent_candidates(world.sub1)
    assert set(selectors.competent_candidates(world.jx_unit)) == {Unit.objects.get(name="江西省教育厅")}
