"""Writes of 主体管理: one function per business verb, atomic and audited. What an approved document does to
its unit is orgs' (orgs.services.unit_register / unit_set_competent)."""

from django.db import transaction
from django.utils import timezone

from access.scope import in_jurisdiction
from audit import services as audit
from core import numbers, uscc
from core.errors import BusinessError, FieldErrors, NotAllowed, StaleError
from core.validation import phone_problem
from orgs import services as orgs_services
from orgs.models import Region, Role, Unit
from orgs.selectors import CODE_FIELDS, code_owners
from workflow import engine
from workflow.kit import editing
from workflow.models import Action, Status

from .models import Subordination, UnitRegistration
from .selectors import competent_candidates

REGISTRATION_FIELDS = list(orgs_services.REGISTERED_FIELDS)


def validate_registration(data: dict, unit: Unit) -> dict:
    """Field errors (Chinese) for a registration; empty when valid."""
    errors = {}
    for name in ["name", "credit_code", "budget_code", "level", "region", "address", "legal_representative",
                 "contact_name", "contact_phone"]:
        if data.get(name) in (None, ""):
            errors[name] = "此项为必填项。"
    if data.get("credit_code") and (msg := uscc.validate(data["credit_code"])):
        errors["credit_code"] = msg
    code = data.get("budget_code") or ""
    if code and not (code.isdigit() and 6 <= len(code) <= 32):
        errors["budget_code"] = "单位预算编码应为6至32位数字。"
    region = data.get("region")
    if isinstance(region, Region) and region.province_code != unit.region.province_code:
        errors["region"] = "所属区划必须在本单位所在省份内。"
    if data.get("level") and data["level"] not in dict(Unit.LEVELS):
        errors["level"] = "单位级次不正确。"
    elif isinstance(region, Region) and data.get("level") and region.level != data["level"] and "region" not in errors:
        # the level decides whose limits apply: a 省级 unit's region is the province (issue 6 #17)
        errors["region"] = (f"所属区划「{region.name}」与单位级次「{dict(Unit.LEVELS)[data['level']]}」不符："
                            "省级单位选省，市级单位选设区市，县级单位选县（区）。")
    for field in code_owners(credit_code=data.get("credit_code") or "", budget_code=code, exclude_unit_id=unit.pk):
        errors.setdefault(field, f"该{CODE_FIELDS[field]}已被其他单位使用，不能重复登记；如有疑问请联系监管部门。")
    if unit.kind == Unit.KIND_REGULATOR:
        # a regulator's region is its jurisdiction: never changed through its own registration
        if isinstance(region, Region) and region.pk != unit.region_id:
            errors["region"] = "监管部门的所属区划即其辖区，不能通过用户库基本信息修改。"
        if data.get("level") and data["level"] != unit.level:
            errors["level"] = "监管部门的单位级次不能通过用户库基本信息修改。"
    if problem := phone_problem(data.get("contact_phone") or ""):
        errors["contact_phone"] = problem
    return errors


def _clerk_of(actor, unit):
    if not (actor.has_role(Role.CLERK) and unit is not None and actor.unit_id == unit.pk):
        raise NotAllowed("只有本单位经办岗可以维护用户库基本信息。")


@transaction.atomic
def registration_save(*, actor, data: dict, registration: UnitRegistration | None = None,
                      version: int | None = None) -> UnitRegistration:
    _clerk_of(actor, actor.unit)
    unit = Unit.objects.select_for_update().get(pk=actor.unit_id)  # one open registration per unit
    if not unit.is_budget_unit:
        raise BusinessError("只有预算单位需要提交用户库基本信息。")
    data = {**data, "credit_code": (data.get("credit_code") or "").strip().upper()}
    errors = validate_registration(data, unit)
    if errors:
        raise FieldErrors(errors)
    values = {f: data[f] for f in REGISTRATION_FIELDS if f in data}
    fields = [f + "_id" if f == "region" else f for f in REGISTRATION_FIELDS]
    if registration is None:
        if UnitRegistration.objects.filter(unit=unit).exclude(status=Status.APPROVED).exists():
            raise BusinessError("本单位已有未办结的用户库基本信息，请在原单据上修改。")
        return editing.create(UnitRegistration, actor=actor, unit=unit, values=values, fields=fields,
                              number_type="registration")
    if registration.unit_id != unit.pk:
        raise NotAllowed("只能修改本单位的用户库基本信息。")

    def write(reg):
        for name, value in values.items():
            setattr(reg, name, value)

    return editing.edit(registration, actor=actor, version=version, write=write, fields=fields)


def registration_prefill(unit: Unit) -> dict:
    return {"name": unit.name, "credit_code": unit.credit_code, "budget_code": unit.budget_code,
            "level": unit.level, "region": unit.region, "address": unit.address,
            "legal_representative": unit.legal_representative, "contact_name": unit.contact_name,
            "contact_phone": unit.contact_phone, "is_competent": unit.is_competent}


def registration_apply(reg: UnitRegistration, actor) -> None:
    """Effect of final approval: the unit takes the reviewed information and becomes 正式库会员."""
    orgs_services.unit_register(unit_id=reg.unit_id, values={f: getattr(reg, f) for f in REGISTRATION_FIELDS},
                                actor=actor)


# ---- 隶属关系 -----------------------------------------------------------------------------------------


@transaction.atomic
def subordination_request(*, actor, competent_unit: Unit, note: str = "") -> Subordination:
    """A subordinate unit chooses its competent unit and submits it for confirmation."""
    if not (actor.has_role(Role.CLERK) and actor.unit is not None):
        raise NotAllowed("只有单位经办岗可以设置主管预算单位。")
    unit = Unit.objects.select_for_update().get(pk=actor.unit_id)  # one pending request per unit
    check_subordination(unit, competent_unit)
    sub = Subordination.objects.create(
        unit=unit, competent_unit=competent_unit, note=note, created_by=actor,
        number=numbers.issue("subordination", unit.region.code, timezone.localdate().year))
    engine.saved(sub, actor, fields=["unit_id", "competent_unit_id", "note"])
    return engine.submit(sub, actor)


def check_subordination(unit: Unit, competent_unit: Unit, exclude_pk: int | None = None) -> None:
    """The rules of a link, checked on request, on resubmission and again on confirmation."""
    if not competent_candidates(unit).filter(pk=competent_unit.pk).exists():
        raise BusinessError("所选单位不是可选择的主管预算单位（须为本省已入库的主管预算单位，且不能是本单位或其下级）。",
                            field="competent_unit")
    if Subordination.objects.filter(unit=unit, status=Status.PENDING).exclude(pk=exclude_pk).exists():
        raise BusinessError("已有待确认的隶属关系申请，请等待主管预算单位确认或先撤回。")
    if unit.competent_id == competent_unit.pk:
        raise BusinessError("该单位已经是本单位的主管预算单位。", field="competent_unit")


def subordination_resubmitted(sub: Subordination, actor) -> None:
    """A withdrawn or returned request submitted again through the engine: the same rules as a new one."""
    unit = Unit.objects.select_for_update().get(pk=sub.unit_id)
    check_subordination(unit, sub.competent_unit, exclude_pk=sub.pk)


def subordination_confirmable(sub: Subordination) -> None:
    """Node check on confirmation: the tree may have changed since the request (no cycles)."""
    units = list(Unit.objects.select_for_update().filter(pk__in=[sub.unit_id, sub.competent_unit_id]).order_by("pk"))
    unit = next(u for u in units if u.pk == sub.unit_id)
    if not competent_candidates(unit).filter(pk=sub.competent_unit_id).exists():
        raise BusinessError("所选主管预算单位已不可选（可能已成为本单位的下级或已失去主管资格），请退回。",
                            code="subordination_invalid")


def subordination_apply(sub: Subordination, actor) -> None:
    """Effect of the competent unit's confirmation: link the unit, ending any earlier link."""
    unit = Unit.objects.select_for_update().get(pk=sub.unit_id)
    for old in Subordination.objects.select_for_update().filter(
            unit=unit, status=Status.APPROVED, dissolved_at__isnull=True).exclude(pk=sub.pk):
        _end_link(old, actor, "变更主管预算单位")
    orgs_services.unit_set_competent(unit_id=unit.pk, competent=sub.competent_unit, actor=actor)


def _end_link(sub: Subordination, actor, reason: str):
    before = audit.snapshot(sub, ["dissolved_at", "dissolved_by_id", "dissolve_reason"])
    sub.dissolved_at = timezone.now()
    sub.dissolved_by = actor
    sub.dissolve_reason = reason
    sub.version += 1
    sub.save()
    engine.note(sub, actor, Action.DISSOLVE, label="解除隶属关系", opinion=reason, before=before,
                after=audit.snapshot(sub, ["dissolved_at", "dissolved_by_id", "dissolve_reason"]))


def can_dissolve(user, sub: Subordination) -> bool:
    return (sub.status == Status.APPROVED and sub.dissolved_at is None and in_jurisdiction(user, sub.unit))


@transaction.atomic
def subordination_dissolve(*, actor, subordination: Subordination, reason: str,
                           version: int | None = None) -> Subordination:
    """The regulator dissolves a wrong link, with a reason; the unit is left without a competent unit."""
    reason = (reason or "").strip()
    if not reason:
        raise BusinessError("请填写解除原因。", code="reason_required", field="reason")
    sub = Subordination.objects.select_for_update().get(pk=subordination.pk)
    if version is not None and sub.version != int(version):
        raise StaleError()
    if not in_jurisdiction(actor, sub.unit):
        raise NotAllowed("只有该单位所在辖区的监管部门可以解除隶属关系。")
    if sub.status != Status.APPROVED or sub.dissolved_at is not None:
        raise BusinessError("只有已确认且未解除的隶属关系可以解除。", code="bad_state")
    _end_link(sub, actor, reason)
    unit = Unit.objects.select_for_update().get(pk=sub.unit_id)
    if unit.competent_id == sub.competent_unit_id:
        orgs_services.unit_set_competent(unit_id=unit.pk, competent=None, actor=actor)
    return sub
