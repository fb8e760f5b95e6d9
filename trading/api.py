"""The JSON API of 采购执行: 待受理 plans and 受理 (with lots), the procurements with their lots, 供应商报名, and
采购公告 / 更正公告 (the kit's router: list, 新增, 详情, 修改, 提交 … 发布)."""

import datetime as dt
from decimal import Decimal

from django.http import Http404
from ninja import Field, Router, Schema, Status

from access import rights
from core.api import ERRORS, Id, actor
from core.errors import FieldErrors, NotAllowed
from core.listing import api_list, list_openapi, list_schema

from . import selectors, services
from .announcement_views import MINE, OPEN
from .docs import ANNOUNCEMENT
from .views import AWAITING, PROCUREMENTS

router = Router(tags=["采购执行"])


class PlanBrief(Schema):
    id: int
    number: str = Field(description="计划编号")
    name: str
    unit_name: str
    total_amount: Decimal
    plan_type: str
    procurement_method: str
    organization_form: str
    approved_at: dt.datetime | None

    @staticmethod
    def resolve_unit_name(obj):
        return obj.unit.name


class LotIn(Schema):
    name: str = Field(max_length=200, description="包名称")
    lines: list[Id] = Field(max_length=1000, description="本包包含的计划明细序号")


class AcceptIn(Schema):
    lots: list[LotIn] = Field([], max_length=100, description="分包；不传则不分包（一个包含全部明细）")


class LotLineOut(Schema):
    seq: int
    plan_line_seq: int
    item_name: str
    quantity: Decimal
    measure_unit: str
    unit_price: Decimal
    amount: Decimal


class LotOut(Schema):
    id: int
    seq: int
    name: str
    budget: Decimal
    status: str
    lines: list[LotLineOut] = []


class ProcurementOut(Schema):
    id: int
    number: str = Field(description="采购编号")
    plan_id: int
    plan_number: str
    project_number: str
    name: str
    unit_id: int
    unit_name: str
    organizer_id: int
    organizer_name: str
    self_organized: bool
    self_purchase: bool
    budget: Decimal
    procurement_method: str
    round: int
    status: str
    status_text: str
    suspended_until: dt.date | None
    accepted_at: dt.datetime
    lots: list[LotOut] = []

    @staticmethod
    def resolve_unit_name(obj):
        return obj.unit.name

    @staticmethod
    def resolve_organizer_name(obj):
        return obj.organizer.name

    @staticmethod
    def resolve_lots(obj):
        return getattr(obj, "lots_out", [])  # the detail's lots; the list leaves them out


class RegistrationIn(Schema):
    lot_id: Id | None = Field(None, description="报名的采购包（多包项目必填；单包项目不传）")
    contact_name: str = Field(max_length=30)
    contact_phone: str = Field(max_length=30)


class RegistrationOut(Schema):
    id: int
    procurement_id: int
    procurement_number: str
    lot_id: int | None
    round: int
    supplier_id: int
    supplier_name: str
    contact_name: str
    contact_phone: str
    registered_at: dt.datetime
    is_active: bool

    @staticmethod
    def resolve_procurement_number(obj):
        return obj.procurement.number

    @staticmethod
    def resolve_supplier_name(obj):
        return obj.supplier.name


class OpenAnnouncementOut(Schema):
    id: int
    number: str
    title: str
    procurement_id: int
    unit_name: str
    organizer_name: str
    procurement_method: str
    docs_start: dt.date | None
    docs_end: dt.date | None
    deadline: dt.datetime | None = Field(description="投标（响应）截止时间（含更正公告顺延）")

    @staticmethod
    def resolve_unit_name(obj):
        return obj.unit.name

    @staticmethod
    def resolve_organizer_name(obj):
        return obj.organizer.name


def _require(ok: bool):
    if not ok:
        raise NotAllowed()


def _with_lots(proc):
    lines = selectors.lot_lines(proc)
    proc.lots_out = [{**{k: getattr(lot, k) for k in ("id", "seq", "name", "budget", "status")},
                      "lines": lines.get(lot.pk, [])} for lot in selectors.lots(proc)]
    return proc


@router.get("/trading/awaiting", response={200: list_schema(PlanBrief, "AwaitingPlanPage"), **ERRORS},
            summary="待受理采购计划", openapi_extra=list_openapi(AWAITING))
def trading_awaiting(request):
    user = actor(request)
    _require(rights.may_accept_plans(user))
    return api_list(request, selectors.awaiting(user), AWAITING)


@router.post("/trading/awaiting/{plan_id}/accept", response={201: ProcurementOut, **ERRORS},
             summary="受理采购计划（可分包）")
def trading_accept(request, plan_id: int, payload: AcceptIn):
    user = actor(request)
    _require(rights.may_accept_plans(user))
    plan = selectors.awaiting_plan(user, plan_id)
    if plan is None:
        raise Http404("记录不存在或不在您的权限范围内")
    groups = [{"name": g.name, "lines": list(g.lines)} for g in payload.lots] or None
    proc = services.procurement_accept(actor=user, plan=plan, lots=groups)
    return Status(201, _with_lots(selectors.get(user, proc.pk)))


@router.get("/trading/procurements", response={200: list_schema(ProcurementOut, "ProcurementPage"), **ERRORS},
            summary="采购项目执行列表", openapi_extra=list_openapi(PROCUREMENTS))
def trading_procurement_list(request):
    user = actor(request)
    _require(rights.may_view_procurements(user))
    return api_list(request, selectors.visible(user), PROCUREMENTS)


@router.get("/trading/procurements/{id}", response={200: ProcurementOut, **ERRORS}, summary="采购项目执行详情（含分包）")
def trading_procurement_detail(request, id: int):
    user = actor(request)
    _require(rights.may_view_procurements(user))
    return _with_lots(selectors.get(user, id))


@router.get("/trading/procurements/{id}/registrations", response={200: list[RegistrationOut], **ERRORS},
            summary="采购项目的供应商报名（组织单位、采购单位、监管部门）")
def trading_procurement_registrations(request, id: int):
    user = actor(request)
    _require(rights.may_view_procurements(user))
    proc = selectors.get(user, id)
    return (selectors.registration_panel(request, proc) or {"registrations": []})["registrations"]


@router.get("/trading/open-announcements", response={200: list_schema(OpenAnnouncementOut, "OpenAnnouncementPage"),
                                                      **ERRORS},
            summary="可报名的采购公告（供应商）", openapi_extra=list_openapi(OPEN))
def trading_open_announcements(request):
    user = actor(request)
    _require(rights.in_supplier_unit(user))
    return api_list(request, selectors.open_announcements(), OPEN)


@router.post("/trading/open-announcements/{id}/registrations", response={201: RegistrationOut, **ERRORS},
             summary="供应商报名")
def trading_register(request, id: int, payload: RegistrationIn):
    user = actor(request)
    _require(rights.in_supplier_unit(user))
    doc = selectors.open_announcement(id)
    lot = None
    if payload.lot_id is not None:
        lot = next((lt for lt in selectors.lots(doc.procurement) if lt.pk == payload.lot_id), None)
        if lot is None:
            raise FieldErrors({"lot_id": "请选择本项目的采购包。"})
    reg = services.registration_create(actor=user, procurement=doc.procurement, lot=lot,
                                       contact_name=payload.contact_name, contact_phone=payload.contact_phone)
    return Status(201, reg)


@router.get("/trading/my-registrations", response={200: list_schema(RegistrationOut, "MyRegistrationPage"), **ERRORS},
            summary="我的报名（供应商）", openapi_extra=list_openapi(MINE))
def trading_my_registrations(request):
    user = actor(request)
    _require(rights.in_supplier_unit(user))
    return api_list(request, selectors.my_registrations(user), MINE)


router.add_router("", ANNOUNCEMENT.api_router())
