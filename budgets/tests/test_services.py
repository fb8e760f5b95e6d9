"""budgets.services.virtual_budget_create: the regulator's 新增虚拟预算 — allowed path and each refusal;
all or nothing."""

from decimal import Decimal

import pytest

from audit.models import AuditLog
from budgets import services
from budgets.models import BudgetIndicator
from core.errors import FieldErrors, NotAllowed
from core.models import DocumentCounter
from orgs.models import Role
from orgs.testing import make_unit, make_user

pytestmark = pytest.mark.django_db


def data(unit, **overrides):
    d = {"unit": unit, "scenario": "joint", "fiscal_year": 2026, "pro_name": "省直统招分签办公家具",
         "pro_code": "35000026VX01", "amount": Decimal("880000.00"), "fund_type_code": "11", "is_gov_pur": True,
         "note": "省市县三级预算"}
    d.update(overrides)
    return d


def refused(actor, **overrides) -> dict:
    unit = overrides.pop("unit", None)
    with pytest.raises(FieldErrors) as exc:
        services.virtual_budget_create(actor=actor, data=data(unit, **overrides))
    assert not BudgetIndicator.objects.exists()
    assert not DocumentCounter.objects.filter(doc_type="virtual_budget").exists()
    return exc.value.errors


def test_regulator_adds_a_virtual_budget_for_a_registered_unit(world):
    w = world
    ind = services.virtual_budget_create(actor=w.fj_reg, data=data(w.sub1))
    ind.refresh_from_db()
    assert ind.bgt_id == "VI-350000-2026-000001"
    assert (ind.source, ind.unit, ind.agency_code, ind.mof_div_code, ind.fiscal_year) == (
        "virtual", w.sub1, "350001002", "350000", 2026)
    assert (ind.pro_name, ind.pro_code, ind.amount, ind.cur_amt, ind.reserved) == (
        "省直统招分签办公家具", "35000026VX01", Decimal("880000.00"), Decimal("880000.00"), Decimal("0"))
    assert ind.is_valid and ind.is_executable and ind.is_gov_pur
    assert (ind.virtual_scenario, ind.note, ind.created_by) == ("joint", "省市县三级预算", w.fj_reg)
    log = AuditLog.objects.get(action="virtual_budget.create")
    assert log.actor == w.fj_reg and log.object_key == f"budgets.budgetindicator:{ind.pk}"
    assert log.after["bgt_id"] == ind.bgt_id and log.after["amount"] == "880000.00"
    second = services.virtual_budget_create(actor=w.fj_reg2, data=data(w.dept.pk, fiscal_year="2026"))
    assert second.bgt_id == "VI-350000-2026-000002"  # gap-free per region and year; a unit id works too


def test_a_city_regulator_adds_for_its_own_city(world):
    w = world
    w.fz_unit.is_member = True
    w.fz_unit.save()
    ind = services.virtual_budget_create(actor=w.fz_reg, data=data(w.fz_unit, is_gov_pur=False, note=""))
    assert ind.bgt_id == "VI-350100-2026-000001" and ind.mof_div_code == "350100" and not ind.is_gov_pur


@pytest.mark.parametrize("who", ["dept_clerk", "dept_competent", "fz_reviewer"])
def test_only_a_regulator_may_add(world, who):
    with pytest.raises(NotAllowed):
        services.virtual_budget_create(actor=getattr(world, who), data=data(world.dept))
    assert not BudgetIndicator.objects.exists()


def test_the_regulator_role_in_a_purchaser_unit_does_not_count(world):
    fake = make_user("fake_reg", world.dept, Role.REGULATOR)
    with pytest.raises(NotAllowed):
        services.virtual_budget_create(actor=fake, data=data(world.dept))


def test_an_unregistered_unit_is_refused(world):
    errors = refused(world.fj_reg, unit=world.fz_unit)  # 福州一中 has not passed registration
    assert errors == {"unit": "「福州市第一中学」尚未通过用户库基本信息审核（不是正式库会员），不能为其新增预算。"}


@pytest.mark.parametrize("who,unit", [("fz_reg", "dept"), ("jx_reg", "dept"), ("fj_reg", "jx_unit")])
def test_a_unit_outside_the_region_is_refused(world, who, unit):
    errors = refused(getattr(world, who), unit=getattr(world, unit))
    assert errors == {"unit": "本辖区内没有该采购单位，只能为本辖区的采购单位新增预算。"}


def test_a_unit_that_is_not_a_purchaser_is_refused(world):
    agency = make_unit("福建某招标代理有限公司", region_code="350000", kind="agency")
    assert refused(world.fj_reg, unit=agency) == {"unit": "未找到该采购单位。"}
    assert refused(world.fj_reg, unit=world.fj_reg_unit) == {"unit": "未找到该采购单位。"}
    assert refused(world.fj_reg, unit=999999) == {"unit": "未找到该采购单位。"}
    assert refused(world.fj_reg, unit="abc") == {"unit": "未找到该采购单位。"}
    assert refused(world.fj_reg, unit=None) == {"unit": "请选择采购单位。"}


@pytest.mark.parametrize("amount,message", [
    (Decimal("0"), "金额必须大于0。"),
    (Decimal("-1.00"), "金额必须大于0。"),
    ("abc", "金额应为数字。"),
    ("NaN", "金额应为数字。"),
    (Decimal("10.001"), "金额最多保留两位小数。"),
    (Decimal("10000000000000000"), "金额不能超过 9,999,999,999,999.99 元。"),  # core.money.MAX_AMOUNT
    ("", "请填写金额。"),
])
def test_the_amount_must_be_a_positive_sum_in_yuan(world, amount, message):
    assert refused(world.fj_reg, unit=world.dept, amount=amount) == {"amount": message}


@pytest.mark.parametrize("field,value,message", [
    ("scenario", "other", "请选择虚拟预算场景。"),
    ("scenario", "", "请选择虚拟预算场景。"),
    ("fiscal_year", 1999, "请填写正确的预算年度（如 2026）。"),
    ("fiscal_year", "二〇二六", "请填写正确的预算年度（如 2026）。"),
    ("pro_name", "  ", "请填写预算项目名称。"),
    ("pro_name", "项" * 201, "预算项目名称不能超过200个字符。"),
    ("pro_code", "9" * 41, "预算项目编码不能超过40个字符。"),
    ("fund_type_code", "8", "请选择资金性质。"),
    ("fund_type_code", "111", "请选择资金性质。"),  # a family, not a sub-code
    ("is_gov_pur", "yes", "请选择是否政府采购。"),
    ("note", "注" * 201, "备注不能超过200个字符。"),
])
def test_each_field_is_checked(world, field, value, message):
    assert refused(world.fj_reg, unit=world.dept, **{field: value}) == {field: message}


def test_all_errors_are_reported_together(world):
    errors = refused(world.fj_reg, unit=world.fz_unit, amount=Decimal("0"), scenario="", pro_name="")
    assert set(errors) == {"unit", "amount", "scenario", "pro_name"}


def test_nothing_is_saved_half_way(world, monkeypatch):
    def boom(**kw):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(services.audit, "record", boom)
    with pytest.raises(RuntimeError):
        services.virtual_budget_create(actor=world.fj_reg, data=data(world.dept))
    assert not BudgetIndicator.objects.exists()
    assert not DocumentCounter.objects.filter(doc_type="virtual_budget").exists()  # the number is not used up
    monkeypatch.undo()
    assert services.virtual_budget_create(actor=world.fj_reg, data=data(world.dept)).bgt_id.endswith("-000001")
