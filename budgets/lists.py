"""采购预算管理's lists, declared once for the pages (views.py) and the API (api.py): columns, tabs, the
filter forms and the order (core.listing does the counting and the paging)."""

from django.db.models import Q
from django.urls import reverse

from core.listing import Column, ListSpec, Tab

from . import selectors
from .forms import BudgetFilterForm, IndicatorFilterForm, RegionIndicatorFilterForm, VirtualFilterForm

ORDERING = ("-fiscal_year", "agency_code", "bgt_id")


def _detail_url(ind):
    return reverse("budgets:indicator_detail", args=[ind.pk])


def _status(ind) -> str:
    return "有效" if ind.is_valid else "无效"


INDICATOR_COLUMNS = [
    Column("指标ID", "bgt_id", link=_detail_url),
    Column("预算年度", "fiscal_year"),
    Column("预算单位", lambda i: i.unit.name if i.unit_id else f"（未匹配）{i.agency_code}"),
    Column("预算项目", lambda i: " ".join(p for p in (i.pro_code, i.pro_name) if p)),
    Column("指标文号", "cor_bgt_doc_no"),
    Column("资金性质", lambda i: selectors.fund_type_label(i.fund_type_code)),
    Column("是否政府采购", "is_gov_pur"),
    Column("可执行", "is_executable"),
    Column("指标金额", "amount", kind="money"),
    Column("已占用", "reserved", kind="money"),
    Column("可用金额", "available", kind="money"),
    Column("状态", _status, kind="status"),
]

BUDGET_COLUMNS = INDICATOR_COLUMNS[:1] + [Column("来源", "get_source_display")] + INDICATOR_COLUMNS[1:]

VALID_TABS = [Tab("valid", "有效", Q(is_valid=True)), Tab("invalid", "无效", Q(is_valid=False))]


def _filter(qs, data):
    if data.get("fiscal_year"):
        qs = qs.filter(fiscal_year=data["fiscal_year"])
    if data.get("unit_name"):
        qs = qs.filter(unit__name__contains=data["unit_name"].strip())
    if data.get("pro_name"):
        qs = qs.filter(pro_name__contains=data["pro_name"].strip())
    if data.get("pro_code"):
        qs = qs.filter(pro_code__startswith=data["pro_code"].strip())
    if data.get("fund_type"):
        qs = qs.filter(fund_type_code__startswith=data["fund_type"])
    if data.get("is_gov_pur") is not None:
        qs = qs.filter(is_gov_pur=data["is_gov_pur"])
    if data.get("exp_func_code"):
        qs = qs.filter(exp_func_code__startswith=data["exp_func_code"].strip())
    if data.get("eco_code"):
        code = data["eco_code"].strip()
        qs = qs.filter(Q(gov_bgt_eco_code__startswith=code) | Q(dep_bgt_eco_code__startswith=code))
    if data.get("source_type_code"):
        qs = qs.filter(source_type_code=data["source_type_code"].strip())
    if data.get("source"):
        qs = qs.filter(source=data["source"])
    if data.get("amount_min") is not None:
        qs = qs.filter(amount__gte=data["amount_min"])
    if data.get("amount_max") is not None:
        qs = qs.filter(amount__lte=data["amount_max"])
    if data.get("scenario"):
        qs = qs.filter(virtual_scenario=data["scenario"])
    return qs


def _row_actions(request, ind):
    return [("查看", _detail_url(ind))]


VIRTUAL_COLUMNS = [
    Column("指标ID", "bgt_id", link=_detail_url),
    Column("预算年度", "fiscal_year"),
    Column("预算单位", "unit.name"),
    Column("预算项目名称", "pro_name"),
    Column("场景", lambda i: selectors.VIRTUAL_SCENARIO_LABELS.get(i.virtual_scenario, i.virtual_scenario)),
    Column("资金性质", lambda i: selectors.fund_type_label(i.fund_type_code)),
    Column("是否政府采购", "is_gov_pur"),
    Column("金额", "amount", kind="money"),
    Column("已占用", "reserved", kind="money"),
    Column("可用金额", "available", kind="money"),
    Column("录入人", "created_by"),
    Column("录入时间", "created_at", kind="datetime"),
    Column("状态", _status, kind="status"),
]




def indicator_spec(**kw) -> ListSpec:
    """指标预算查询."""
    return ListSpec(title="指标预算查询", breadcrumb=["采购预算管理", "指标预算查询"], columns=INDICATOR_COLUMNS,
                    tabs=VALID_TABS, form_class=IndicatorFilterForm, apply_filters=_filter, row_actions=_row_actions,
                    export_name="指标预算", ordering=ORDERING, **kw)


def budget_spec(**kw) -> ListSpec:
    """采购预算查询 (the page) and GET /api/budgets/indicators: platform indicators and virtual budgets."""
    return ListSpec(title="采购预算查询", breadcrumb=["采购预算管理", "采购预算查询"], columns=BUDGET_COLUMNS,
                    tabs=VALID_TABS, form_class=BudgetFilterForm, apply_filters=_filter, row_actions=_row_actions,
                    export_name="采购预算", ordering=ORDERING, **kw)


REGION_COLUMNS = [
    Column("指标ID", "bgt_id", link=_detail_url),
    Column("预算年度", "fiscal_year"),
    Column("财政区划", "mof_div_code"),
    INDICATOR_COLUMNS[2],  # 预算单位
    INDICATOR_COLUMNS[3],  # 预算项目
    Column("资金性质", lambda i: selectors.fund_type_label(i.fund_type_code)),
    Column("指标金额", "amount", kind="money"),
    Column("已占用", "reserved", kind="money"),
    Column("可用金额", "available", kind="money"),
    Column("状态", _status, kind="status"),
]


def region_indicator_spec(**kw) -> ListSpec:
    """一体化预算指标 (regulator): the platform indicators of the region, with what projects hold of them."""
    return ListSpec(title="一体化预算指标", breadcrumb=["政府采购", "计划管理", "一体化预算指标管理", "一体化预算指标"],
                    columns=REGION_COLUMNS, tabs=VALID_TABS, form_class=RegionIndicatorFilterForm,
                    apply_filters=_filter, row_actions=_row_actions, export_name="一体化预算指标",
                    ordering=ORDERING, **kw)


def virtual_spec(**kw) -> ListSpec:
    """预算管理 (the regulator's 虚拟预算)."""
    return ListSpec(title="预算管理", breadcrumb=["政府采购", "计划管理", "预算管理"], columns=VIRTUAL_COLUMNS,
                    tabs=VALID_TABS, form_class=VirtualFilterForm, apply_filters=_filter, row_actions=_row_actions,
                    export_name="虚拟预算", ordering=("-created_at", "-id"), **kw)
