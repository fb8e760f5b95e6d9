"""采购项目立项 over JSON. Thin: parse, call a selector or a service (or the approval engine), render.

Rows outside the caller's scope are 404; visible rows the caller may not act on are 403. Lists are keyset
paged: `?after=<id>` continues after the last id of the previous page (`next_after`).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from budgets import ledger
from core.api import ERRORS, ErrorOut, Id, Money, actor
from workflow import engine
from workflow.api import ReviewOut
from workflow.kit.actions import api_actions

from . import selectors, services
from .request_kinds import REQUESTS

router = Router(tags=["采购项目立项"])

Tab = Literal["todo", "done", "revoked", "all"]
Scope = Literal["unit", "region"]


# ---- schemas ---------------------------------------------------------------------------------------------------


class ProjectBrief(Schema):
    id: int
    number: str
    name: str
    unit_id: int
    unit_name: str
    fiscal_year: int
    implementation_form: str
    implementation_form_label: str
    procurement_kind: str
    procurement_kind_label: str
    total_amount: Decimal
    is_gov_procurement: bool
    status: str
    status_text: str
    current_node: str
    version: int
    submitted_at: datetime | None
    approved_at: datetime | None
    updated_at: datetime

    @staticmethod
    def resolve_unit_name(obj):
        return obj.unit.name

    @staticmethod
    def resolve_implementation_form_label(obj):
        return obj.get_implementation_form_display()

    @staticmethod
    def resolve_procurement_kind_label(obj):
        return obj.get_procurement_kind_display()


class ProjectPageOut(Schema):
    items: list[ProjectBrief]
    has_next: bool
    next_after: int | None = Field(description="下一页请求 ?after= 的取值")


class ContentLineOut(Schema):
    seq: int
    category_id: int
    category_code: str
    category_name: str
    item_name: str
    quantity: Decimal
    measure_unit: str
    unit_price: Decimal
    amount: Decimal

    @staticmethod
    def resolve_category_code(obj):
        return obj.category.code

    @staticmethod
    def resolve_category_name(obj):
        return obj.category.name


class FundLineOut(Schema):
    indicator_id: int
    bgt_id: str
    pro_name: str
    amount: Decimal
    indicator_available: Decimal

    @staticmethod
    def resolve_bgt_id(obj):
        return obj.indicator.bgt_id

    @staticmethod
    def resolve_pro_name(obj):
        return obj.indicator.pro_name

    @staticmethod
    def resolve_indicator_available(obj):
        return obj.indicator.available


class ProjectUseOut(Schema):
    by: str = Field(description="使用单据标识（如 plans.plan:12）")
    label: str = Field(description="使用单据名称（使用方提供时）")
    since: datetime = Field(description="开始使用时间")
    released_at: datetime | None = Field(description="释放时间；为空表示仍在使用")


class ProjectDetail(ProjectBrief):
    summary: str
    demand_summary: str = Field(description="采购需求概况")
    expected_month: str = Field(description="预计采购时间（年-月，如 2026-06；未填为空）")
    cumulative_reason: str
    contact_name: str
    contact_phone: str
    is_used: bool = Field(description="是否已被采购计划、统招分签等单据使用（使用后只能进行资金替换、追加、回收）")
    used_at: datetime | None = Field(description="最早一条仍在使用的记录的开始时间；未使用为空")
    uses: list[ProjectUseOut] = Field(description="使用情况：使用过本项目的单据（含已释放的），按开始时间排序")
    contract_filed_at: datetime | None
    revoked_at: datetime | None
    closed_at: datetime | None
    content_lines: list[ContentLineOut]
    fund_lines: list[FundLineOut]
    held: Decimal = Field(description="本项目当前占用的指标资金合计")
    timeline: list[ReviewOut]
    actions: list[str] = Field(description="当前用户可执行的操作：edit、submit、withdraw、approve、reject")
    request_kinds: list[str] = Field(description="当前用户现在可对此项目发起的申请类型（POST /projects/{id}/requests 的 "
                                                 "kind）：revoke 撤销、change 变更、fund_replace 资金替换、fund_add 资金追加、"
                                                 "fund_reclaim 资金回收、close 结项")
    open_request_id: int | None = Field(description="此项目未办结的申请（GET /projects/requests/{id}）；无则为空")

    @staticmethod
    def resolve_expected_month(obj):
        return f"{obj.expected_month:%Y-%m}" if obj.expected_month else ""

    @staticmethod
    def resolve_content_lines(obj):
        return obj._lines

    @staticmethod
    def resolve_uses(obj):
        return obj._uses

    @staticmethod
    def resolve_is_used(obj):
        return any(u.is_live for u in obj._uses)

    @staticmethod
    def resolve_used_at(obj):
        return min((u.since for u in obj._uses if u.is_live), default=None)

    @staticmethod
    def resolve_fund_lines(obj):
        return obj._funds

    @staticmethod
    def resolve_held(obj):
        return obj._held

    @staticmethod
    def resolve_timeline(obj):
        return obj._timeline

    @staticmethod
    def resolve_actions(obj):
        return obj._actions

    @staticmethod
    def resolve_request_kinds(obj):
        return obj._request_kinds

    @staticmethod
    def resolve_open_request_id(obj):
        return obj._open_request.pk if obj._open_request is not None else None


class ContentLineIn(Schema):
    category_id: Id = Field(description="政府采购品目 id（末级，类别与项目一致）")
    item_name: str = Field(max_length=200)
    quantity: Decimal = Field(description="数量，大于0")
    measure_unit: str = Field(max_length=20)
    unit_price: Money = Field(description="单价（元），不小于0；金额由系统计算")


class FundLineIn(Schema):
    indicator_id: Id = Field(description="本单位有效、可执行的指标 id")
    amount: Money = Field(description="本次使用金额（元）")


class ProjectIn(Schema):
    name: str = Field(max_length=200, description="项目名称")
    fiscal_year: int = Field(description="预算年度")
    implementation_form: Literal["general", "mall", "renewal", "self"] = Field(
        description="实施形式：general 一般项目采购、mall 网上超市、renewal 合同续签、self 自行采购")
    procurement_kind: Literal["goods", "works", "services"] = Field(description="采购类别")
    summary: str = Field("", max_length=2000)
    demand_summary: str = Field("", max_length=2000, description="采购需求概况")
    expected_month: str = Field("", max_length=7, description="预计采购时间（年-月，如 2026-06）")
    contact_name: str = Field("", max_length=30)
    contact_phone: str = Field("", max_length=30)
    is_gov_procurement: bool = Field(False, description="是否政府采购（低于限额时单位声明累计达到限额标准）")
    cumulative_reason: str = Field("", max_length=2000, description="累计达到限额标准相关说明")
    cumulative_attachment_ids: list[Id] = Field([], description="累计达到限额标准相关说明材料（已上传附件 id）")
    attachment_ids: list[Id] = Field([], description="项目相关附件（已上传附件 id）")
    content_lines: list[ContentLineIn]
    fund_lines: list[FundLineIn]


class ProjectUpdateIn(ProjectIn):
    version: int = Field(description="读取时的版本号；他人已修改时返回 409")


# ---- helpers ---------------------------------------------------------------------------------------------------


def _detail(user, project):
    project._lines = list(selectors.content_lines(project))
    project._funds = list(selectors.fund_lines(project))
    project._uses = selectors.uses(project)
    project._held = sum(ledger.held(ledger.holder_key(project)).values(), Decimal("0"))
    project._timeline = list(engine.timeline(project))
    project._actions = sorted(engine.available_actions(user, project))
    project._request_kinds = [k.code for k in REQUESTS.allowed(user, project)]
    project._open_request = REQUESTS.open_request(project)
    return project


def _save(user, payload: ProjectIn, project=None, version=None):
    data = payload.dict(exclude={"content_lines", "fund_lines", "version"})
    lines = [{"category": ln.category_id, "item_name": ln.item_name, "quantity": ln.quantity,
              "measure_unit": ln.measure_unit, "unit_price": ln.unit_price} for ln in payload.content_lines]
    funds = [{"indicator": f.indicator_id, "amount": f.amount} for f in payload.fund_lines]
    return services.project_save(actor=user, data=data, content_lines=lines, fund_lines=funds, project=project,
                                 version=version)


# ---- endpoints -------------------------------------------------------------------------------------------------


@router.get("/projects", response={200: ProjectPageOut, 401: ErrorOut, 422: ErrorOut}, summary="采购项目列表")
def project_list(request, tab: Tab = "all", scope: Scope = "unit", after: int | None = None,
                 limit: int = Query(20, ge=1, le=200, description="每页条数（1–200）"), name: str | None = None, number: str | None = None,
                 fiscal_year: int | None = None, implementation_form: str | None = None):
    """scope=unit: 本单位（主管预算单位含下级）的项目；scope=region: 监管部门辖区内的项目。按 id 倒序，键集分页。"""
    user = actor(request)
    filters = {"name": name, "number": number, "fiscal_year": fiscal_year,
               "implementation_form": implementation_form}
    tab_value = None if tab == "all" else tab
    select = selectors.region_projects if scope == "region" else selectors.projects_for
    page = selectors.paginate(select(user, tab=tab_value, filters=filters), after=after or None,
                              page=1, per_page=limit)
    return {"items": page.rows, "has_next": page.has_next, "next_after": page.next_after}


@router.post("/projects", response={201: ProjectDetail, **ERRORS}, summary="新增采购项目（保存草稿）")
def project_create(request, payload: ProjectIn):
    user = actor(request)
    project = _save(user, payload)
    return Status(201, _detail(user, selectors.get_project(user, project.pk)))


@router.get("/projects/{id}", response={200: ProjectDetail, **ERRORS}, summary="采购项目详情")
def project_detail(request, id: int):
    user = actor(request)
    return _detail(user, selectors.get_project(user, id))


@router.put("/projects/{id}", response={200: ProjectDetail, **ERRORS}, summary="修改采购项目（保存）")
def project_update(request, id: int, payload: ProjectUpdateIn):
    user = actor(request)
    project = _save(user, payload, project=selectors.get_project(user, id), version=payload.version)
    return _detail(user, selectors.get_project(user, project.pk))


class FormChangeIn(Schema):
    implementation_form: str = Field(description="新的实施形式（general / mall / renewal / self …）", max_length=20)


@router.post("/projects/{id}/implementation-form", response={200: ProjectDetail, **ERRORS},
             summary="实施形式变更（按新实施形式的规则校验后保存）")
def project_form_change(request, id: int, payload: FormChangeIn):
    user = actor(request)
    project = services.implementation_form_change(actor=user, project=selectors.get_project(user, id),
                                                  form=payload.implementation_form)
    return _detail(user, selectors.get_project(user, project.pk))


# 提交 / 撤回 / 审核通过 / 审核不通过: generated by the kit (scope 404, right 403, body 422 with `version`)
api_actions(router, "/projects", selectors.get_project, _detail, ProjectDetail, ERRORS, "采购项目立项",
            actions=("submit", "withdraw", "approve", "reject"),
            extra={"submit": "提交（占用指标资金）", "withdraw": "撤回（释放指标资金）",
                   "reject": "审核不通过（退回经办，释放指标资金；须填写意见）"})

# 撤销 / 变更 / 资金替换·追加·回收 / 结项 on an approved project: the kit's request endpoints (新增, 详情, 修改, 提交,
# 撤回, 审核通过, 审核不通过, 放弃), the body read by the request pages' own parser (workflow.kit.requests)
REQUESTS.api(router, ProjectDetail)
