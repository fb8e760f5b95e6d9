"""采购预算管理 over JSON: indicators (scoped, filtered, paged), one indicator with the documents reserving it,
and the regulator's 新增虚拟预算. Thin: parse, call a selector or a service, render. Money is a decimal
string in yuan ("1234.50"), never a float."""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.http import Http404
from ninja import Field, Router, Schema, Status

from core.api import ERRORS, NOT_FOUND, ErrorOut, Id, Money, actor, api_fields
from core.errors import FieldErrors
from core.listing import api_list, list_openapi, list_schema

from . import lists, selectors, services
from .forms import IndicatorFilterForm, include_subordinates

router = Router(tags=["采购预算管理"])


class IndicatorOut(Schema):
    id: int
    bgt_id: str = Field(description="指标ID BGT_ID")
    source: str = Field(description="来源：platform 一体化同步 / virtual 虚拟预算")
    source_label: str
    unit_id: int | None
    unit_name: str | None
    agency_code: str = Field(description="单位预算编码 AGENCY_CODE")
    mof_div_code: str = Field(description="财政区划 MOF_DIV_CODE")
    fiscal_year: int = Field(description="预算年度 FISCAL_YEAR")
    pro_code: str = Field(description="预算项目编码 PRO_CODE")
    pro_name: str = Field(description="预算项目名称 PRO_NAME")
    cor_bgt_doc_no: str = Field(description="指标文号 COR_BGT_DOC_NO")
    bgt_type_code: str = Field(description="指标类型 BGT_TYPE_CODE")
    source_type_code: str = Field(description="指标来源 SOURCE_TYPE_CODE")
    fund_type_code: str = Field(description="资金性质 FUND_TYPE_CODE")
    fund_type_label: str
    exp_func_code: str = Field(description="功能分类 EXP_FUNC_CODE")
    gov_bgt_eco_code: str = Field(description="政府经济分类 GOV_BGT_ECO_CODE")
    dep_bgt_eco_code: str = Field(description="部门经济分类 DEP_BGT_ECO_CODE")
    pay_type_code: str = Field(description="支付方式 PAY_TYPE_CODE")
    is_gov_pur: bool = Field(description="是否政府采购 IS_GOV_PUR")
    amount: Decimal = Field(description="指标金额 AMOUNT（元）")
    cur_amt: Decimal = Field(description="平台余额 CUR_AMT（元）")
    reserved: Decimal = Field(description="已占用（元）")
    available: Decimal = Field(description="可用金额（元）；平台调减低于已占用时为负数")
    is_executable: bool = Field(description="可执行 BGT_EXE_FLAG")
    is_valid: bool = Field(description="有效")
    ori_bgt_id: str = Field(description="原指标ID ORI_BGT_ID")
    adj_batch_no: str = Field(description="调整批次 ADJ_BATCH_NO")
    virtual_scenario: str = Field(description="虚拟预算场景")
    note: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_source_label(obj):
        return obj.get_source_display()

    @staticmethod
    def resolve_unit_name(obj):
        return obj.unit.name if obj.unit_id else None

    @staticmethod
    def resolve_fund_type_label(obj):
        return selectors.fund_type_label(obj.fund_type_code)


class HolderOut(Schema):
    holder: str = Field(description="占用单据，如 projects.project:12")
    label: str
    kind: str
    amount: Decimal = Field(description="占用金额（元）")
    url: str | None


class IndicatorDetail(IndicatorOut):
    holders: list[HolderOut]


class VirtualBudgetIn(Schema):
    unit_id: Id = Field(description="采购单位 id（本辖区正式库会员）")
    scenario: Literal[tuple(code for code, _ in selectors.VIRTUAL_SCENARIOS)] = Field(
        description="场景：" + "；".join(f"{c} {label}" for c, label in selectors.VIRTUAL_SCENARIOS))
    fiscal_year: int = Field(description="预算年度")
    pro_name: str = Field(max_length=200, description="预算项目名称")
    pro_code: str = Field("", max_length=40, description="预算项目编码")
    amount: Money = Field(description="金额（元，大于0，最多两位小数）")
    fund_type_code: str = Field(max_length=10, description="资金性质：" + "；".join(
        f"{c} {label}" for c, label in selectors.FUND_TYPES))
    is_gov_pur: bool = Field(True, description="是否政府采购")
    note: str = Field("", max_length=200, description="备注")


def _detail(ind):
    ind.holders = selectors.holders(ind)
    return ind


_BUDGETS = lists.budget_spec()
IndicatorPage = list_schema(IndicatorOut, "IndicatorPage")
_VALID = {"true": "valid", "1": "valid", "false": "invalid", "0": "invalid"}


@router.get("/budgets/indicators", response={200: IndicatorPage, 401: ErrorOut, 422: ErrorOut},
            summary="预算指标列表（指标预算查询 / 采购预算查询）",
            description="筛选项与「采购预算查询」页面的查询表单相同（同一表单校验，错误信息相同）；"
                        "count 最多计到上限，超出时 count_capped 为 true；深页用 next_after 作为下一页的 after。",
            openapi_extra=list_openapi(_BUDGETS, renames={"include_sub": "include_subordinates"}, extra=[
                {"in": "query", "name": "valid", "required": False, "schema": {"type": "boolean"},
                 "description": "有效（同 tab=valid / tab=invalid）"}]))
def indicator_list(request):
    params = request.GET.copy()
    valid = params.pop("valid", [""])[-1].strip().lower()
    if valid:
        if valid not in _VALID:
            raise FieldErrors({"valid": "应为是或否（true/false）。"}, message="请求参数不正确。")
        params["tab"] = _VALID[valid]
    # the API's default is the unit's own indicators (指标预算查询's), the page's 采购预算查询 includes subordinates
    include = include_subordinates(IndicatorFilterForm, {"include_sub": params.pop("include_subordinates", [""])[-1]})
    qs = selectors.procurement_budgets(actor(request), include_subordinates=include)
    return api_list(request, qs, _BUDGETS, params)


@router.get("/budgets/indicators/{id}", response={200: IndicatorDetail, 401: ErrorOut, 404: ErrorOut},
            summary="预算指标详情（含占用单据）")
def indicator_detail(request, id: int):
    ind = selectors.indicator_for(actor(request), id)
    if ind is None:
        raise Http404(NOT_FOUND)
    return _detail(ind)


@router.post("/budgets/virtual", response={201: IndicatorDetail, **ERRORS}, summary="新增虚拟预算（监管部门）")
def virtual_create(request, payload: VirtualBudgetIn):
    data = payload.dict()
    data["unit"] = data.pop("unit_id")
    with api_fields(unit="unit_id"):
        ind = services.virtual_budget_create(actor=actor(request), data=data)
    return Status(201, _detail(ind))
