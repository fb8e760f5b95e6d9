"""Writes of the kernel's own tables: rule parameters and working-day adjustments.

Who may write is the caller's question (access.rights sits above core): it passes the answer as `allowed`,
and the service still refuses when it is False."""

from decimal import Decimal, InvalidOperation

from django.db import transaction

from audit import services as audit

from . import params
from .errors import FieldErrors, NotAllowed
from .models import RuleParameter, WorkdayAdjustment


@transaction.atomic
def parameter_add(*, actor, data: dict, allowed: bool) -> RuleParameter:
    """A new edition of a rule parameter. `allowed`: whether the actor may set parameters for data's region
    (access.rights.may_set_parameters: a regulator its own region and those below it, an admin any)."""
    errors = {}
    code = data.get("region_code") or ""
    if code and params.region_path(code) is None:
        errors["region_code"] = "没有该行政区划代码。"
    kind, value = data["kind"], (data.get("value") or "").strip()
    try:
        if kind == RuleParameter.KIND_DECIMAL:
            Decimal(value)
        elif kind == RuleParameter.KIND_INT:
            int(value)
    except (InvalidOperation, ValueError):
        errors["value"] = "取值与类型不符。"
    if RuleParameter.objects.filter(name=data["name"], region_code=code, level=data.get("level") or "",
                                    effective_from=data["effective_from"]).exists():
        errors["effective_from"] = "该参数在此区划、级次和生效日期已有取值，请换一个生效日期。"
    if errors:
        raise FieldErrors(errors)
    if not allowed:
        raise NotAllowed("只能为本辖区及下级区划设置参数（全国参数由系统管理员设置）。")
    param = RuleParameter.objects.create(
        name=data["name"], label=data["label"], region_code=code, level=data.get("level") or "",
        effective_from=data["effective_from"], kind=kind, value=value, unit=data.get("unit") or "",
        source=data.get("source") or "", confidence="", created_by=actor)
    audit.record(actor=actor, action="parameter.add", obj=param, after=audit.snapshot(param))
    return param


@transaction.atomic
def workday_set(*, actor, date, is_working_day: bool, reason: str, allowed: bool) -> WorkdayAdjustment:
    """`allowed`: access.rights.may_set_workdays (the calendar is national: no regional regulator sets it)."""
    if not allowed:
        raise NotAllowed("工作日调整由系统管理员维护。")
    if not (reason or "").strip():
        raise FieldErrors({"reason": "请填写说明。"})
    row = WorkdayAdjustment.objects.select_for_update().filter(date=date).first()
    before = audit.snapshot(row) if row else {}
    if row is None:
        row = WorkdayAdjustment(date=date)
    row.is_working_day = is_working_day
    row.reason = reason.strip()
    row.created_by = actor
    row.save()
    audit.record(actor=actor, action="workday.set", obj=row, before=before, after=audit.snapshot(row))
    return row
