"""Issue 6 in 主体管理: code takeover through registration (1), unit level and region agreeing (17). Lockout
bypass (2) and passwords (10) are orgs' (orgs/tests/test_hardening.py)."""

import pytest
from django.db import IntegrityError, transaction

from budgets.models import BudgetIndicator
from budgets.tests.factories import IndicatorFactory
from core import params
from core.errors import BusinessError, FieldErrors
from core.testing import api_call, client_for
from orgs.models import Region, Unit
from orgs.testing import make_unit
from workflow import engine

from .test_services import fresh, save, submitted

pytestmark = pytest.mark.django_db


def indicator(unit, code, amount="5110000", bgt_id="BGT-TAKEOVER-1"):
    return IndicatorFactory(bgt_id=bgt_id, unit=unit, agency_code=code, pro_name="公用经费", amount=amount)


# ---- 1. indicator takeover through registration ---------------------------------------------------------------


def test_registration_with_another_units_credit_code_is_refused_beside_the_field(world):
    with pytest.raises(FieldErrors) as info:
        save(world.fz_clerk, credit_code=world.dept.credit_code)
    assert "已被其他单位使用" in info.value.errors["credit_code"]


def test_registration_with_another_units_budget_code_is_refused_beside_the_field(world):
    with pytest.raises(FieldErrors) as info:
        save(world.fz_clerk, budget_code=world.dept.budget_code)
    assert "已被其他单位使用" in info.value.errors["budget_code"]


def test_registration_keeping_its_own_codes_is_accepted(world):
    assert save(world.dept_clerk).credit_code == world.dept.credit_code


@pytest.mark.parametrize("field", ["credit_code", "budget_code"])
def test_codes_are_unique_among_units_in_the_database(world, field):
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.filter(pk=world.fz_unit.pk).update(**{field: getattr(world.dept, field)})


def test_blank_budget_codes_may_repeat(world):
    make_unit("福建某招标代理有限公司", kind=Unit.KIND_AGENCY)
    make_unit("福建另一招标代理有限公司", kind=Unit.KIND_AGENCY)
    assert Unit.objects.filter(budget_code="").count() >= 5


def _claim(world):
    """A registration saved while the codes were free, before another unit took them (or by an old version)."""
    reg = submitted(world.fz_clerk)
    type(reg).objects.filter(pk=reg.pk).update(credit_code=world.dept.credit_code, budget_code=world.dept.budget_code)
    return fresh(reg)


def test_review_page_shows_a_code_that_belongs_to_another_unit(world):
    reg = _claim(world)
    c = client_for(world.fz_reg)
    page = c.get(f"/orgs/registrations/{reg.pk}/").content.decode()
    assert "已被其他单位使用" in page
    assert "一致</b>" not in page


def test_approval_of_a_claimed_code_is_refused_and_moves_no_indicator(world):
    ind = indicator(world.dept, world.dept.budget_code)
    reg = _claim(world)
    with pytest.raises(BusinessError) as info:
        engine.approve(reg, world.fz_reg)
    assert info.value.code == "code_taken"
    assert fresh(ind).unit_id == world.dept.pk
    assert not fresh(world.fz_unit).is_member


def test_linking_never_takes_an_indicator_from_the_unit_holding_its_code(world):
    from budgets.platform import indicators_link_unit

    ind = indicator(world.dept, world.dept.budget_code)
    claimant = fresh(world.fz_unit)
    claimant.budget_code = world.dept.budget_code  # as if a check above had been passed by
    rows = indicators_link_unit(actor=world.fz_reg, unit=claimant)
    assert fresh(ind).unit_id == world.dept.pk
    assert [r["status"] for r in rows] == ["skipped"]


def test_linking_still_takes_an_indicator_nobody_holds(world):
    from budgets.platform import indicators_link_unit

    ind = indicator(world.fz_unit, "350100777")
    BudgetIndicator.objects.filter(pk=ind.pk).update(unit=None)
    Unit.objects.filter(pk=world.fz_unit.pk).update(budget_code="350100777")
    indicators_link_unit(actor=world.fz_reg, unit=fresh(world.fz_unit))
    assert fresh(ind).unit_id == world.fz_unit.pk


# ---- 17. a unit's level and region agree ------------------------------------------------------------------------


@pytest.mark.parametrize("level, region_code", [
    ("province", "350100"),   # a 省级 unit must be at the province
    ("city", "350000"),       # a 市级 unit at a city
    ("city", "350102"),
    ("county", "350100"),     # a 县级 unit at a county
])
def test_level_and_region_disagreeing_is_refused_beside_the_region(world, level, region_code):
    with pytest.raises(FieldErrors) as info:
        save(world.fz_clerk, level=level, region=Region.objects.get(code=region_code))
    assert "级次" in info.value.errors["region"]


@pytest.mark.parametrize("level, region_code", [
    ("province", "350000"), ("city", "350100"), ("county", "350102"),
    ("city", "350128"),  # 平潭综合实验区: a region at city rank directly under the province
])
def test_level_and_region_agreeing_is_accepted(world, level, region_code):
    reg = save(world.fz_clerk, level=level, region=Region.objects.get(code=region_code))
    assert reg.level == level


def test_registration_page_shows_the_disagreement_beside_the_region(world):
    from .test_views import field_html, form_data

    c = client_for(world.fz_clerk)
    page = c.post("/orgs/registration/", form_data(world.fz_unit, level="province")).content.decode()
    assert "级次" in field_html(page, "所属区划")


def test_a_province_unit_takes_the_province_limits_wherever_its_region_says(world):
    """Limits are looked up at the unit's level: a 省级 unit registered before the check, in 福州, still gets the
    province's 限额 and not 福州's."""
    from projects.services import decentralized_limit

    province = params.value("decentralized_limit_goods", region_code="350000", level="province")
    assert params.value("decentralized_limit_goods", region_code="350100", level="province") != province
    odd = make_unit("福建省某厅（地址在福州）", region_code="350000", budget_code="350001999")
    Unit.objects.filter(pk=odd.pk).update(region=Region.objects.get(code="350100"), region_path="/350000/350100/")
    odd = fresh(odd)
    assert odd.level == "province"
    assert decentralized_limit(odd, "goods") == province


def test_the_api_refuses_another_units_codes_and_a_disagreeing_level_with_422(world):
    from .test_api import reg_payload

    r = api_call(world.fz_clerk, "post", "/api/registrations",
             reg_payload(world.fz_unit, credit_code=world.dept.credit_code, budget_code=world.dept.budget_code))
    assert r.status_code == 422
    assert set(r.json()["errors"]) == {"credit_code", "budget_code"}
    r = api_call(world.fz_clerk, "post", "/api/registrations", reg_payload(world.fz_unit, level="province"))
    assert r.status_code == 422
    assert "级次" in r.json()["errors"]["region_code"]
