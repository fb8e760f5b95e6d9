"""主体管理 over JSON: who am I, units, 用户库基本信息 (registrations) and 隶属关系 (subordinations).

Thin: parse, call a selector or a service (or the approval engine), render. Rows outside the caller's
scope are 404; visible rows the caller may not act on are 403 (NotAllowed from the service or engine).
"""

from datetime import datetime
from typing import Literal

from django.http import Http404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from access.scope import get_or_404
from core.api import ERRORS, NOT_FOUND, ErrorOut, Id, Paged, actor, api_fields
from core.errors import BusinessError, FieldErrors, NotAllowed
from orgs.models import Role
from orgs.selectors import region_by_code
from workflow import engine
from workflow.api import ReviewOut
from workflow.kit.actions import api_actions
from workflow.kit.documents import DocumentOut
from workflow.models import Action
from workflow.models import Status as DocStatus

from . import selectors, services

router = Router(tags=["主体管理"])

UnitKind = Literal["purchaser", "agency", "regulator", "supplier", "expert"]
SUBORDINATION_UNITS = ("unit", "competent_unit")


# ---- schemas -----------------------------------------------------------------------------------------


class RoleOut(Schema):
    code: str
    label: str


class RegionFields(Schema):
    """region_code / region_name of anything with a `region`."""

    region_code: str
    region_name: str

    @staticmethod
    def resolve_region_code(obj):
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.name


class UnitBrief(RegionFields):
    id: int
    name: str
    kind: str
    kind_label: str

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    unit: UnitBrief | None
    roles: list[RoleOut]

    @staticmethod
    def resolve_roles(obj):
        return [{"code": r.value, "label": r.label} for r in Role if r.value in obj.role_codes]


class UnitOut(UnitBrief):
    credit_code: str
    budget_code: str
    level: str
    level_label: str
    competent_id: int | None
    competent_name: str | None
    is_competent: bool
    is_member: bool
    member_since: datetime | None
    address: str
    legal_representative: str
    contact_name: str
    contact_phone: str

    @staticmethod
    def resolve_level_label(obj):
        return obj.get_level_display()

    @staticmethod
    def resolve_competent_name(obj):
        return obj.competent.name if obj.competent_id else None


class RegistrationOut(DocumentOut, RegionFields):
    name: str
    credit_code: str
    budget_code: str
    level: str
    level_label: str
    address: str
    legal_representative: str
    contact_name: str
    contact_phone: str
    is_competent: bool

    @staticmethod
    def resolve_level_label(obj):
        return obj.get_level_display()


class RegistrationDetail(RegistrationOut):
    timeline: list[ReviewOut]
    actions: list[str] = Field(description="当前用户可执行的操作：edit、submit、withdraw、approve、reject")


class RegistrationIn(Schema):
    name: str = Field(max_length=100, description="单位名称")
    credit_code: str = Field(max_length=40, description="统一社会信用代码（18位）")
    budget_code: str = Field(max_length=64, description="单位预算编码（6至32位数字）")
    level: str = Field(max_length=16, description="单位级次：province/city/county")
    region_code: str = Field(max_length=12, description="所属区划代码（本省内）")
    address: str = Field(max_length=200, description="单位地址")
    legal_representative: str = Field(max_length=30, description="法定代表人")
    contact_name: str = Field(max_length=30, description="联系人")
    contact_phone: str = Field(max_length=30, description="联系电话")
    is_competent: bool = Field(False, description="是否主管预算单位")


class RegistrationUpdateIn(RegistrationIn):
    version: int = Field(description="读取时的版本号；他人已修改时返回 409")


class SubordinationOut(DocumentOut):
    competent_unit_id: int
    competent_unit_name: str
    note: str
    dissolved_at: datetime | None
    dissolved_by: str | None
    dissolve_reason: str

    @staticmethod
    def resolve_competent_unit_name(obj):
        return obj.competent_unit.name

    @staticmethod
    def resolve_dissolved_by(obj):
        return str(obj.dissolved_by) if obj.dissolved_by_id else None


class SubordinationDetail(SubordinationOut):
    timeline: list[ReviewOut]
    actions: list[str] = Field(description="当前用户可执行的操作：withdraw、confirm、reject、dissolve")


class SubordinationIn(Schema):
    competent_unit_id: Id = Field(description="主管预算单位 id（见 /subordinations/candidates）")
    note: str = Field("", max_length=200, description="说明")


class DissolveIn(Schema):
    reason: str = Field("", max_length=200, description="解除原因（必填）")
    version: int | None = None


# ---- helpers -----------------------------------------------------------------------------------------


def _with_history(doc, actions):
    doc.timeline = list(engine.timeline(doc))
    doc.actions = sorted(actions)
    return doc


def _registration(user, id: int):
    return get_or_404(selectors.registrations(user), user, pk=id)


def _registration_detail(user, reg):
    return _with_history(reg, engine.available_actions(user, reg))


def _subordination(user, id: int):
    return get_or_404(selectors.subordinations(user), user, SUBORDINATION_UNITS, pk=id)


def _subordination_detail(user, sub):
    actions = {"confirm" if a == Action.APPROVE else a for a in engine.available_actions(user, sub)}
    actions &= {"withdraw", "confirm", "reject"}
    if services.can_dissolve(user, sub):
        actions.add("dissolve")
    return _with_history(sub, actions)


def _registration_data(payload: RegistrationIn) -> tuple[dict, bool]:
    data = payload.dict(exclude={"region_code", "version"})
    code = payload.region_code.strip()
    data["region"] = region_by_code(code) if code else None
    return data, bool(code) and data["region"] is None


@api_fields(region="region_code")
def _save_registration(user, payload, registration=None, version=None):
    data, unknown_region = _registration_data(payload)
    try:
        return services.registration_save(actor=user, data=data, registration=registration, version=version)
    except FieldErrors as exc:
        if unknown_region and "region" in exc.errors:
            exc.errors["region"] = "所属区划代码不存在。"
        raise


# ---- me and units ------------------------------------------------------------------------------------


@router.get("/me", response={200: MeOut, 401: ErrorOut}, summary="当前用户（单位、岗位）")
def me(request):
    return actor(request)


@router.get("/units", response={200: list[UnitOut], 401: ErrorOut, 422: ErrorOut}, summary="可见单位列表")
@paginate(Paged)
def unit_list(request, name: str | None = None, kind: UnitKind | None = None, is_member: bool | None = None):
    qs = selectors.visible_units(actor(request))
    if name:
        qs = qs.filter(name__icontains=name.strip())
    if kind:
        qs = qs.filter(kind=kind)
    if is_member is not None:
        qs = qs.filter(is_member=is_member)
    return qs.order_by("region__code", "name", "id")


@router.get("/units/{id}", response={200: UnitOut, 401: ErrorOut, 404: ErrorOut}, summary="单位详情")
def unit_detail(request, id: int):
    unit = selectors.visible_units(actor(request)).filter(pk=id).first()
    if unit is None:
        raise Http404(NOT_FOUND)
    return unit


# ---- 用户库基本信息 ------------------------------------------------------------------------------------


@router.get("/registrations", response={200: list[RegistrationOut], 401: ErrorOut, 422: ErrorOut},
            summary="用户库基本信息列表")
@paginate(Paged)
def registration_list(request, status: DocStatus | None = None):
    qs = selectors.registrations(actor(request))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-updated_at", "-id")


@router.post("/registrations", response={201: RegistrationDetail, **ERRORS}, summary="新增用户库基本信息（保存）")
def registration_create(request, payload: RegistrationIn):
    user = actor(request)
    reg = _save_registration(user, payload)
    return Status(201, _registration_detail(user, reg))


@router.get("/registrations/{id}", response={200: RegistrationDetail, **ERRORS}, summary="用户库基本信息详情")
def registration_detail(request, id: int):
    user = actor(request)
    return _registration_detail(user, _registration(user, id))


@router.put("/registrations/{id}", response={200: RegistrationDetail, **ERRORS}, summary="修改用户库基本信息（保存）")
def registration_update(request, id: int, payload: RegistrationUpdateIn):
    user = actor(request)
    reg = _save_registration(user, payload, registration=_registration(user, id), version=payload.version)
    return _registration_detail(user, reg)


api_actions(router, "/registrations", _registration, _registration_detail, RegistrationDetail, ERRORS,
            "用户库基本信息", actions=("submit", "withdraw", "approve", "reject"), name="registration",
            extra={"reject": "审核不通过（退回，须填写意见）"})


# ---- 隶属关系 -----------------------------------------------------------------------------------------


@router.get("/subordinations", response={200: list[SubordinationOut], 401: ErrorOut, 422: ErrorOut},
            summary="隶属关系列表")
@paginate(Paged)
def subordination_list(request, status: DocStatus | None = None):
    qs = selectors.subordinations(actor(request))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-updated_at", "-id")


@router.get("/subordinations/candidates", response={200: list[UnitBrief], 401: ErrorOut},
            summary="可选择的主管预算单位")
def subordination_candidates(request):
    user = actor(request)
    if user.unit is None:
        return []
    return selectors.competent_candidates(user.unit).select_related("region")


@router.post("/subordinations", response={201: SubordinationDetail, **ERRORS}, summary="设置主管预算单位（提交确认）")
def subordination_create(request, payload: SubordinationIn):
    user = actor(request)
    competent = (selectors.competent_candidates(user.unit).filter(pk=payload.competent_unit_id).first()
                 if user.unit is not None else None)
    if competent is None and not user.has_role(Role.CLERK):
        raise NotAllowed("只有单位经办岗可以设置主管预算单位。")  # a role that may not act: 403, as on the page
    if competent is None:
        raise BusinessError("所选单位不是可选择的主管预算单位（须为本省已入库的主管预算单位，且不能是本单位或其下级）。",
                            field="competent_unit_id")
    with api_fields(competent_unit="competent_unit_id"):
        sub = services.subordination_request(actor=user, competent_unit=competent, note=payload.note)
    return Status(201, _subordination_detail(user, sub))


@router.get("/subordinations/{id}", response={200: SubordinationDetail, **ERRORS}, summary="隶属关系详情")
def subordination_detail(request, id: int):
    user = actor(request)
    return _subordination_detail(user, _subordination(user, id))


api_actions(router, "/subordinations", _subordination, _subordination_detail, SubordinationDetail, ERRORS, "",
            actions={"withdraw": "withdraw", "confirm": "approve", "reject": "reject"}, name="subordination",
            extra={"withdraw": "撤回申请", "confirm": "主管预算单位确认", "reject": "主管预算单位不予确认（须填写意见）"})


@router.post("/subordinations/{id}/dissolve", response={200: SubordinationDetail, **ERRORS},
             summary="监管部门解除隶属关系")
def subordination_dissolve(request, id: int, payload: DissolveIn):
    user = actor(request)
    sub = services.subordination_dissolve(actor=user, subordination=_subordination(user, id),
                                          reason=payload.reason, version=payload.version)
    return _subordination_detail(user, sub)
