"""Writes of budgets: one function per business verb, atomic and audited.

Money movements on indicators (reserve / release) live in `budgets.ledger`; the budget platform's feed
writes indicators in `integration`. Here: the regulator's 新增虚拟预算 and its 指标管理处室.
"""


from django.db import transaction
from django.utils import timezone

from access import rights
from audit import services as audit
from core import numbers
from core.errors import FieldErrors, NotAllowed
from core.money import amount_problem, parse_decimal
from core.validation import fiscal_year_ok
from orgs.models import Unit

from .models import BudgetIndicator, BudgetOffice
from .selectors import FUND_TYPES, VIRTUAL_SCENARIO_LABELS, region_purchasers

# One answer for a unit of another region, a unit that is no purchaser and a missing one: no existence oracle.
UNIT_NOT_FOUND = "本辖区内未找到该采购单位，请从列表中选择。"


def _unit(actor, value):
    """The purchaser of the actor's region that `value` (a Unit or an id) names, or None."""
    pk = value.pk if isinstance(value, Unit) else value
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return region_purchasers(actor).filter(pk=pk).first()


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

    unit = _unit(actor, data.get("unit"))
    if data.get("unit") in (None, ""):
        errors["unit"] = "请选择采购单位。"
    elif unit is None:
        errors["unit"] = UNIT_NOT_FOUND
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
    if not rights.may_keep_virtual_budgets(actor):
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


# ---- 指标管理处室 ---------------------------------------------------------------------------------------------

OFFICE_NAME_MAX = BudgetOffice._meta.get_field("name").max_length
OFFICE_ORDER_MAX = 9999


def _office_order(value, region) -> tuple[int | None, str | None]:
    """(order, error): blank means after the last one."""
    from .data.offices import ORDER_STEP

    if value in (None, ""):
        last = BudgetOffice.objects.filter(region=region).order_by("-order").values_list("order", flat=True).first()
        return min((last or 0) + ORDER_STEP, OFFICE_ORDER_MAX), None
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 4:
        return None, f"排序应为0至{OFFICE_ORDER_MAX}的整数。"
    return int(text), None


def _require_office_keeper(actor, office: BudgetOffice | None = None) -> None:
    """Only a regulator keeps offices, and only those of its own region (a city does not edit the province's)."""
    if not rights.may_keep_budget_offices(actor):
        raise NotAllowed("只有监管部门可以维护指标管理处室。")
    if office is not None and not rights.may_keep_office(actor, office):
        raise NotAllowed("只能维护本区划的指标管理处室。")


@transaction.atomic
def budget_office_add(*, actor, name: str, order=None) -> BudgetOffice:
    """新增指标管理处室 in the regulator's region. A deactivated office of the same name is revived."""
    _require_office_keeper(actor)
    region = actor.unit.region
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = "请填写处室名称。"
    elif len(name) > OFFICE_NAME_MAX:
        errors["name"] = f"处室名称不能超过{OFFICE_NAME_MAX}个字符。"
    clean_order, msg = _office_order(order, region)
    if msg:
        errors["order"] = msg
    existing = (BudgetOffice.objects.select_for_update().filter(region=region, name=name).first()
                if name else None)
    if existing is not None and existing.is_active:
        errors["name"] = "本区划已有该处室。"
    if errors:
        raise FieldErrors(errors)
    if existing is not None:
        if order not in (None, ""):
            existing.order = clean_order
        return _set_active(actor, existing, True)
    office = BudgetOffice.objects.create(region=region, name=name, order=clean_order, created_by=actor)
    audit.record(actor=actor, action="budget_office.add", obj=office, after=audit.snapshot(office))
    return office


def _set_active(actor, office: BudgetOffice, active: bool) -> BudgetOffice:
    before = audit.snapshot(office)
    office.is_active = active
    office.deactivated_at = None if active else timezone.now()
    office.save()
    audit.record(actor=actor, action="budget_office.activate" if active else "budget_office.deactivate",
                 obj=office, before=before, after=audit.snapshot(office))
    return office


@transaction.atomic
def budget_office_deactivate(*, actor, office: BudgetOffice) -> BudgetOffice:
    """停用: no longer offered to new 资金追加 requests; requests that named it keep the name."""
    _require_office_keeper(actor, office)
    office = BudgetOffice.objects.select_for_update().get(pk=office.pk)
    if not office.is_active:
        raise FieldErrors({"name": "该处室已停用。"})
    return _set_active(actor, office, False)


@transaction.atomic
def budget_office_activate(*, actor, office: BudgetOffice) -> BudgetOffice:
    """启用 a deactivated office again."""
    _require_office_keeper(actor, office)
    office = BudgetOffice.objects.select_for_update().get(pk=office.pk)
    if office.is_active:
        raise FieldErrors({"name": "该处室已启用。"})
    return _set_active(actor, office, True)
