"""Writes of budgets: one function per business verb, atomic and audited.

Money movements on indicators (reserve / release) live in `budgets.ledger`; the budget platform's feed
writes indicators in `integration`. Here: the regulator's 新增虚拟预算.
"""


from django.db import transaction

from audit import services as audit
from core import numbers
from core.errors import FieldErrors, NotAllowed
from core.money import amount_problem, parse_decimal
from core.validation import fiscal_year_ok
from orgs.models import Unit

from .models import BudgetIndicator
from .selectors import FUND_TYPES, VIRTUAL_SCENARIO_LABELS


def _unit(value):
    if isinstance(value, Unit):
        return value
    if value in (None, ""):
        return None
    try:
        return Unit.objects.select_related("region").filter(pk=int(value)).first()
    except (TypeError, ValueError):
        return None


def _amount(value):
    amount = parse_decimal(value)
    if amount is not None and amount <= 0:
        return None, "金额必须大于0。"
    problem = amount_problem(amount)  # not a number, beyond core.money.MAX_AMOUNT, more than two decimals
    if problem:
        return None, problem
    return amount, None


def validate_virtual_budget(actor, data: dict) -> tuple[dict, dict]:
    """(clean values, {field: Chinese message}) for a 新增虚拟预算."""
    errors: dict[str, str] = {}
    clean: dict = {}

    unit = _unit(data.get("unit"))
    if data.get("unit") in (None, ""):
        errors["unit"] = "请选择采购单位。"
    elif unit is None or unit.kind != Unit.KIND_PURCHASER:
        errors["unit"] = "未找到该采购单位。"
    elif not unit.region_path.startswith(actor.unit.region_path):
        errors["unit"] = "本辖区内没有该采购单位，只能为本辖区的采购单位新增预算。"
    elif not unit.is_member:
        errors["unit"] = f"「{unit.name}」尚未通过用户库基本信息审核（不是正式库会员），不能为其新增预算。"
    clean["unit"] = unit

    scenario = data.get("scenario") or ""
    if scenario not in VIRTUAL_SCENARIO_LABELS:
        errors["scenario"] = "请选择虚拟预算场景。"
    clean["scenario"] = scenario

    try:
        year = int(data.get("fiscal_year"))
    except (TypeError, ValueError):
        year = None
    if year is None or not fiscal_year_ok(year):
        errors["fiscal_year"] = "请填写正确的预算年度（如 2026）。"
    clean["fiscal_year"] = year

    pro_name = (data.get("pro_name") or "").strip()
    if not pro_name:
        errors["pro_name"] = "请填写预算项目名称。"
    elif len(pro_name) > 200:
        errors["pro_name"] = "预算项目名称不能超过200个字符。"
    clean["pro_name"] = pro_name

    pro_code = (data.get("pro_code") or "").strip()
    if len(pro_code) > 40:
        errors["pro_code"] = "预算项目编码不能超过40个字符。"
    clean["pro_code"] = pro_code

    if data.get("amount") in (None, ""):
        errors["amount"] = "请填写金额。"
    else:
        amount, msg = _amount(data.get("amount"))
        if msg:
            errors["amount"] = msg
        clean["amount"] = amount

    fund = data.get("fund_type_code") or ""
    if fund not in dict(FUND_TYPES):
        errors["fund_type_code"] = "请选择资金性质。"
    clean["fund_type_code"] = fund

    is_gov_pur = data.get("is_gov_pur", True)
    if not isinstance(is_gov_pur, bool):
        errors["is_gov_pur"] = "请选择是否政府采购。"
    clean["is_gov_pur"] = is_gov_pur

    note = (data.get("note") or "").strip()
    if len(note) > 200:
        errors["note"] = "备注不能超过200个字符。"
    clean["note"] = note
    return clean, errors


@transaction.atomic
def virtual_budget_create(*, actor, data: dict) -> BudgetIndicator:
    """新增虚拟预算: a regulator gives a registered purchaser unit of its region a budget (source 'virtual')
    for one of the listed scenarios. All or nothing: the number, the row and its audit row."""
    if not actor.is_regulator:
        raise NotAllowed("只有监管部门可以新增预算。")
    clean, errors = validate_virtual_budget(actor, data)
    if errors:
        raise FieldErrors(errors)
    unit = Unit.objects.select_related("region").get(pk=clean["unit"].pk)
    region_code = unit.region.code
    bgt_id = numbers.issue("virtual_budget", region_code, clean["fiscal_year"])
    ind = BudgetIndicator.objects.create(
        bgt_id=bgt_id, source=BudgetIndicator.SOURCE_VIRTUAL, unit=unit, agency_code=unit.budget_code,
        mof_div_code=region_code, fiscal_year=clean["fiscal_year"], pro_code=clean["pro_code"],
        pro_name=clean["pro_name"], fund_type_code=clean["fund_type_code"], is_gov_pur=clean["is_gov_pur"],
        amount=clean["amount"], cur_amt=clean["amount"], is_executable=True, is_valid=True,
        virtual_scenario=clean["scenario"], note=clean["note"], created_by=actor,
    )
    audit.record(actor=actor, action="virtual_budget.create", obj=ind, after=audit.snapshot(ind))
    return ind
