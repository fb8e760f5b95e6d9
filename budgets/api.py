"""采购预算管理 over JSON: indicators (scoped, filtered, paged), one indicator with the documents reserving it,
and the regulator's 新增虚拟预算. Thin: parse, call a selector or a service, render. Money is a decimal
string in yuan ("1234.50"), never a float."""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.http import Http404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from core.api import ERRORS, NOT_FOUND, ErrorOut, Id, Money, Paged, actor, api_fields

from . import selectors, services

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


@router.get("/budgets/indicators", response={200: list[IndicatorOut], 401: ErrorOut, 422: ErrorOut},
            summary="预算指标列表（指标预算查询 / 采购预算查询）")
@paginate(Paged)
def indicator_list(request, fiscal_year: int | None = None, unit_name: str | None = None,
                   pro_code: str | None = None, fund_type: str | None = None, is_gov_pur: bool | None = None,
                   source: Literal["platform", "virtual"] | None = None, valid: bool | None = None,
                   include_subordinates: bool = False):
    qs = selectors.procurement_budgets(actor(request), include_subordinates=include_subordinates)
    if fiscal_year:
        qs = qs.filter(fiscal_year=fiscal_year)
    if unit_name:
        qs = qs.filter(unit__name__contains=unit_name.strip())
    if pro_code:
        qs = qs.filter(pro_code__startswith=pro_code.strip())
    if fund_type:
        qs = qs.filter(fund_type_code__startswith=fund_type.strip())
    if is_gov_pur is not None:
        qs = qs.filter(is_gov_pur=is_gov_pur)
    if source:
        qs = qs.filter(source=source)
    if valid is not None:
        qs = qs.filter(is_valid=valid)
    return qs.order_by("-fiscal_year", "agency_code", "bgt_id")


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
