"""Issue 6 item 10: a list page's filter dropdowns offer only the user's scope, and a value from outside it is
refused beside the field (no 500, no rows from outside)."""

import re

import pytest

from core.testing import client_for
from orgs.models import Region, Role
from orgs.testing import make_unit, make_user

pytestmark = pytest.mark.django_db


def page(user, **params):
    c = client_for(user)
    r = c.get("/orgs/units/", params or None)
    assert r.status_code == 200
    return r.content.decode()


def region_options(html: str) -> set[str]:
    select = re.search(r'<select name="region"[^>]*>(.*?)</select>', html, re.S)
    assert select, "no 所属区划 dropdown"
    return {code for code in re.findall(r'<option value="(\d+)"', select.group(1))}


def codes(*pks) -> set[str]:
    return set(Region.objects.filter(pk__in=pks).values_list("code", flat=True))


def test_a_city_regulator_is_offered_its_city_and_counties_only(world):
    offered = codes(*region_options(page(world.fz_reg)))
    assert "350100" in offered and "350102" in offered  # 福州, 鼓楼区
    assert "350000" not in offered and "350200" not in offered and "360000" not in offered  # 福建省, 厦门, 江西
    assert offered == set(Region.objects.filter(path__startswith="/350000/350100/").values_list("code", flat=True))


def test_a_province_regulator_is_offered_its_province_only(world):
    offered = codes(*region_options(page(world.fj_reg)))
    assert {"350000", "350100", "350200"} <= offered
    assert not any(c.startswith("36") for c in offered)


@pytest.mark.parametrize("value", ["xiamen", "jiangxi", "abc", "99999999999999999999"])
def test_an_out_of_scope_region_is_refused_beside_the_field(world, value):
    world.fz_unit.is_member = True
    world.fz_unit.save()
    xm = make_unit("厦门市第一中学", region_code="350200", budget_code="350200101")
    pk = {"xiamen": Region.objects.get(code="350200").pk, "jiangxi": Region.objects.get(code="360000").pk}
    html = page(world.fz_reg, region=pk.get(value, value))
    label = re.search(r'<label class="has-error">所属区划.*?</label>', html, re.S)
    assert label and "请从列表中选择所属区划。" in label.group(0)
    assert xm.name not in html and "南昌市第一中学" not in html and "福建省教育厅" not in html


def test_region_choices_by_role(world):
    from orgs.selectors import region_choices

    admin = make_user("admin1", world.fj_reg_unit, Role.ADMIN)
    assert region_choices(admin).count() == Region.objects.count()
    assert set(region_choices(world.jx_reg).values_list("code", flat=True)) == set(
        Region.objects.filter(path__startswith="/360000/").values_list("code", flat=True))
    # a clerk: the own unit's region only; someone without a unit: nothing
    assert list(region_choices(world.fz_clerk).values_list("code", flat=True)) == ["350100"]
    nobody = make_user("nobody", None)
    assert region_choices(nobody).count() == 0
