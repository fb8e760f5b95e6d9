"""Writes of 采购项目执行: 受理 (a filed plan becomes an execution record with its 采购编号 and lots), the lots'
outcomes as the results and failures apps record them, 重新招标's next round, 变更采购方式, and the suspension a
complaint orders (法 57). Every verb locks its row, checks its state and writes an audit row."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from access import rights
from audit import services as audit
from core import numbers
from core.errors import BusinessError, FieldErrors, NotAllowed
from plans import selectors as plan_selectors

from .models import Lot, LotLine, LotStatus, Procurement, ProcurementStatus, Registration

# plan types this module does not execute: a 网上超市 plan makes an order, a 合同续签 plan a contract
NOT_EXECUTED = {"mall": "网上超市采购计划在网上超市下单，不在此受理。", "renewal": "合同续签计划直接续签合同，不在此受理。"}


def _organizer_refusal(actor, plan) -> str | None:
    """Who takes a plan up: its entrusted agency (代理机构 / 集中采购机构); for 分散采购自行组织 and 自行采购 the
    purchaser's own clerk."""
    if plan.plan_type in NOT_EXECUTED:
        return NOT_EXECUTED[plan.plan_type]
    if plan.filed_agency_id is not None:
        ok = rights.in_agency_unit(actor) and actor.unit_id == plan.filed_agency_id
        return None if ok else "该采购计划委托给其他代理机构，您不能受理。"
    if plan.organization_form == "self_organized" or plan.plan_type == "self":
        ok = rights.is_clerk(actor) and actor.unit_id == plan.unit_id
        return None if ok else "自行组织的采购计划由采购单位经办岗受理。"
    return "该采购计划没有接收的代理机构。"


def lots_from(plan, groups: list[dict] | None) -> list[dict]:
    """The lots asked for, checked against the plan's lines: each `{"name", "lines": [序号 …]}`; every line in
    exactly one lot; none given: one lot holding every line, named after the project."""
    lines = {ln.seq: ln for ln in plan_selectors.plan_lines(plan)}
    if not lines:
        raise BusinessError("采购计划没有采购内容明细，不能受理。", code="no_lines")
    if not groups:
        return [{"name": plan.name, "lines": [lines[s] for s in sorted(lines)]}]
    errors, seen, out = {}, set(), []
    for i, group in enumerate(groups):
        name = (group.get("name") or "").strip()
        if not name:
            errors[f"lots.{i}.name"] = "请填写包名称。"
        elif len(name) > 200:
            errors[f"lots.{i}.name"] = "包名称不能超过200个字。"
        seqs = group.get("lines") or []
        bad = [s for s in seqs if s not in lines]
        dup = [s for s in seqs if s in seen]
        if not seqs:
            errors[f"lots.{i}.lines"] = "请填写本包包含的明细序号。"
        elif bad:
            errors[f"lots.{i}.lines"] = f"计划中没有序号为 {'、'.join(map(str, bad))} 的明细。"
        elif dup:
            errors[f"lots.{i}.lines"] = f"序号 {'、'.join(map(str, dup))} 已分在其他包中。"
        seen.update(seqs)
        out.append({"name": name, "lines": [lines[s] for s in seqs if s in lines]})
    if not errors and (missing := sorted(set(lines) - seen)):
        errors["lots"] = f"序号为 {'、'.join(map(str, missing))} 的明细未分包：每条明细须分在一个包中。"
    if errors:
        raise FieldErrors(errors)
    return out


@transaction.atomic
def procurement_accept(*, actor, plan, lots: list[dict] | None = None) -> Procurement:
    """受理: the plan (locked) becomes an execution record with its own 采购编号 and its lots."""
    plan = plan_selectors.lock_for_execution(plan.pk)
    if plan is None or plan.revoked_at is not None:
        raise BusinessError("只有已备案且未撤销的采购计划可以受理。", code="plan_not_filed")
    if (why := _organizer_refusal(actor, plan)) is not None:
        raise NotAllowed(why)
    if Procurement.objects.filter(plan_id=plan.pk).exists():
        raise BusinessError("该采购计划已受理。", code="already_accepted")
    groups = lots_from(plan, lots)
    self_organized = plan.filed_agency_id is None
    now = timezone.now()
    proc = Procurement.objects.create(
        number=numbers.issue("procurement", plan.unit.region.code, timezone.localdate(now).year), plan=plan,
        unit_id=plan.unit_id, organizer_id=plan.filed_agency_id or plan.unit_id, self_organized=self_organized,
        self_purchase=plan.plan_type == "self", plan_number=plan.number, project_number=plan.project_number,
        name=plan.name, fiscal_year=plan.fiscal_year, procurement_kind=plan.procurement_kind,
        budget=plan.total_amount, procurement_method=plan.procurement_method,
        organization_form=plan.organization_form, accepted_by=actor, accepted_at=now,
        region_path=plan.unit.region_path)
    for seq, group in enumerate(groups, 1):
        lot = Lot.objects.create(procurement=proc, seq=seq, name=group["name"],
                                 budget=sum((ln.amount for ln in group["lines"]), Decimal("0")))
        LotLine.objects.bulk_create(
            LotLine(lot=lot, seq=i, plan_line_seq=ln.seq, category_id=ln.category_id, item_name=ln.item_name,
                    quantity=ln.quantity, measure_unit=ln.measure_unit, unit_price=ln.unit_price, amount=ln.amount)
            for i, ln in enumerate(group["lines"], 1))
    audit.record(actor=actor, action="procurement.accept", obj=proc,
                 after={**audit.snapshot(proc), "lots": [[g["name"], [ln.seq for ln in g["lines"]]] for g in groups]})
    return proc


def _lock(procurement) -> Procurement:
    return Procurement.objects.select_for_update().get(pk=procurement.pk)


def _refresh_status(proc: Procurement) -> None:
    states = set(proc.lots.values_list("status", flat=True))
    if LotStatus.FAILED in states:
        status = ProcurementStatus.FAILED
    elif states == {LotStatus.TERMINATED}:
        status = ProcurementStatus.TERMINATED
    elif states and states <= {LotStatus.AWARDED, LotStatus.TERMINATED}:
        status = ProcurementStatus.FINISHED
    elif proc.status == ProcurementStatus.ACCEPTED:
        status = ProcurementStatus.ACCEPTED
    else:
        status = ProcurementStatus.IN_PROGRESS
    if status != proc.status:
        proc.status = status
        proc.save(update_fields=["status", "updated_at"])


# lot outcomes: which state each verb leaves and from which states it may come
_LOT_MOVES = {
    "award": ({LotStatus.OPEN}, LotStatus.AWARDED, "成交"),
    "fail": ({LotStatus.OPEN, LotStatus.AWARDED}, LotStatus.FAILED, "流标/废标"),
    "reopen": ({LotStatus.FAILED}, LotStatus.OPEN, "重新采购"),
    "terminate": ({LotStatus.FAILED, LotStatus.OPEN}, LotStatus.TERMINATED, "终止"),
    # 回第一步 of an approved 终止: the lot is failed again, waiting for a new 废标处理
    "restore": ({LotStatus.TERMINATED}, LotStatus.FAILED, "恢复为流标/废标"),
}


@transaction.atomic
def lot_move(*, actor, lot: Lot, move: str, note: str = "") -> Lot:
    """A lot's outcome as the results and failures apps decide it: award (成交), fail (流标/废标), reopen (重新
    采购 after an approved 废标处理), terminate, restore (回第一步 of a 终止: terminated → failed, only while the
    plan is not ended — its undo, plans.services.plan_end_undo, comes first and is refused once the project was
    planned again). The caller decided the right; this keeps the states whole."""
    proc = _lock(lot.procurement)
    lot = Lot.objects.select_for_update().get(pk=lot.pk)
    sources, target, label = _LOT_MOVES[move]
    if lot.status not in sources:
        raise BusinessError(f"{lot}当前为“{lot.get_status_display()}”，不能{label}。", code="bad_lot_state")
    if move == "award" and (why := suspension_refusal(proc)):
        raise BusinessError(why, code="suspended")
    if move == "restore" and proc.plan.ended_at is not None:
        raise BusinessError("采购计划已终止，须先恢复采购计划才能恢复已终止的采购包。", code="plan_ended")
    before = {"status": lot.status}
    lot.status = target
    lot.save(update_fields=["status"])
    _refresh_status(proc)
    audit.record(actor=actor, action=f"lot.{move}", obj=lot, before=before,
                 after={"status": lot.status, "note": note, "procurement_status": proc.status})
    return lot


@transaction.atomic
def procurement_announced(*, actor, procurement) -> Procurement:
    """The first announcement of the procurement was published: 已受理 → 采购中."""
    proc = _lock(procurement)
    if proc.status == ProcurementStatus.ACCEPTED:
        proc.status = ProcurementStatus.IN_PROGRESS
        proc.save(update_fields=["status", "updated_at"])
        audit.record(actor=actor, action="procurement.announced", obj=proc, after={"status": proc.status})
    return proc


@transaction.atomic
def procurement_next_round(*, actor, procurement, method: str | None = None) -> Procurement:
    """重新招标 (same method) or 变更采购方式 approved: the failed lots open again in the next round, with the new
    method when one is given; the next announcement starts it."""
    proc = _lock(procurement)
    if proc.status in (ProcurementStatus.TERMINATED, ProcurementStatus.FINISHED):
        raise BusinessError("采购已结束，不能重新采购。", code="procurement_closed")
    before = {"round": proc.round, "procurement_method": proc.procurement_method}
    for lot in proc.lots.select_for_update().filter(status=LotStatus.FAILED):
        lot.status = LotStatus.OPEN
        lot.save(update_fields=["status"])
    proc.round += 1
    if method:
        if not plan_selectors.method_label(method):
            raise FieldErrors({"procurement_method": "请选择采购方式。"})
        proc.procurement_method = method
    proc.status = ProcurementStatus.ACCEPTED  # waits for the new announcement
    proc.save(update_fields=["round", "procurement_method", "status", "updated_at"])
    audit.record(actor=actor, action="procurement.next_round", obj=proc, before=before,
                 after={"round": proc.round, "procurement_method": proc.procurement_method})
    return proc


@transaction.atomic
def procurement_round_undo(*, actor, procurement, round: int, method: str) -> Procurement:  # noqa: A002
    """回第一步 of an approved 重新招标 / 变更采购方式: the next round is taken back — the procurement returns to
    round `round` with `method`, and the lots reopened for the next round fail again. Refused once the next
    round's announcement was published (the procurement is no longer 已受理 in round `round` + 1)."""
    proc = _lock(procurement)
    if proc.round != round + 1 or proc.status != ProcurementStatus.ACCEPTED:
        raise BusinessError("下一轮采购已开始（已发布采购公告或已有结果），不能撤回。", code="next_round_started")
    if not plan_selectors.method_label(method):
        raise FieldErrors({"procurement_method": "请选择采购方式。"})
    before = {"round": proc.round, "procurement_method": proc.procurement_method}
    failed = []
    for lot in proc.lots.select_for_update().filter(status=LotStatus.OPEN):
        lot.status = LotStatus.FAILED
        lot.save(update_fields=["status"])
        failed.append(lot.pk)
    proc.round, proc.procurement_method = round, method
    proc.save(update_fields=["round", "procurement_method", "updated_at"])
    _refresh_status(proc)
    audit.record(actor=actor, action="procurement.round_undo", obj=proc, before=before,
                 after={"round": proc.round, "procurement_method": proc.procurement_method, "failed_lots": failed,
                        "status": proc.status})
    return proc


ENDED = {ProcurementStatus.TERMINATED: "采购已终止", ProcurementStatus.FAILED: "采购项目有流标/废标的采购包，变更采购方式须经废标处理"}


def method_change_refusal(procurement) -> str | None:
    """Why the method in force may not change outside a new round now (procurement_method_change's rule)."""
    if procurement.status in ENDED:
        return f"{ENDED[procurement.status]}，不能变更采购方式。"
    return None


@transaction.atomic
def procurement_method_change(*, actor, procurement, method: str, reason: str) -> Procurement:
    """The method in force changes outside a new round (an approved 预中标（成交）异常处理 that changes it). Refused
    when the procurement was terminated, and while it is failed (its 废标处理 changes the method with the next
    round). An awarded procurement (已完成) may still change: the exception concerns a confirmed result."""
    proc = _lock(procurement)
    if why := method_change_refusal(proc):
        raise BusinessError(why, code="procurement_closed")
    if not plan_selectors.method_label(method):
        raise FieldErrors({"procurement_method": "请选择采购方式。"})
    if method == proc.procurement_method:
        return proc
    before = {"procurement_method": proc.procurement_method}
    proc.procurement_method = method
    proc.save(update_fields=["procurement_method", "updated_at"])
    audit.record(actor=actor, action="procurement.method_change", obj=proc, before=before,
                 after={"procurement_method": method, "reason": (reason or "").strip()})
    return proc


@transaction.atomic
def procurement_suspend(*, actor, procurement, until: dt.date, reason: str) -> Procurement:
    """暂停采购活动 (法 57) until a date: results and contracts are refused meanwhile. The period's limit is the
    caller's rule (the complaints app reads it from its parameter)."""
    if not (reason or "").strip():
        raise FieldErrors({"reason": "请填写暂停原因。"})
    proc = _lock(procurement)
    before = {"suspended_until": proc.suspended_until}
    proc.suspended_until = until
    proc.suspension_reason = reason.strip()
    proc.save(update_fields=["suspended_until", "suspension_reason", "updated_at"])
    audit.record(actor=actor, action="procurement.suspend", obj=proc, before=before,
                 after={"suspended_until": until, "reason": proc.suspension_reason})
    return proc


@transaction.atomic
def procurement_resume(*, actor, procurement, reason: str = "") -> Procurement:
    proc = _lock(procurement)
    if proc.suspended_until is None:
        return proc
    before = {"suspended_until": proc.suspended_until}
    proc.suspended_until = None
    proc.save(update_fields=["suspended_until", "updated_at"])
    audit.record(actor=actor, action="procurement.resume", obj=proc, before=before,
                 after={"suspended_until": None, "reason": reason})
    return proc


def suspension_refusal(procurement, on: dt.date | None = None) -> str | None:
    """Why results and contracts must wait: the procurement is suspended on `on` (today by default)."""
    until = procurement.suspended_until
    if until is None or (on or timezone.localdate()) > until:
        return None
    return f"采购活动因投诉处理暂停至 {until:%Y-%m-%d}，暂停期间不能确定结果或签订合同。"


def plan_holder(plan) -> str | None:
    """plans.services.register_holder: a plan taken up for execution can no longer be revoked."""
    return "采购计划已受理执行，不能撤销。" if Procurement.objects.filter(plan_id=plan.pk).exists() else None


@transaction.atomic
def registration_create(*, actor, procurement, lot=None, contact_name: str, contact_phone: str) -> Registration:
    """供应商报名 for the current round (every lot, or `lot`). The announcement's deadline is checked by the
    announcements' rule (REGISTRATION_GATES)."""
    if not rights.in_supplier_unit(actor):
        raise NotAllowed("只有供应商可以报名。")
    proc = _lock(procurement)
    errors = {}
    if not (contact_name or "").strip():
        errors["contact_name"] = "请填写联系人。"
    if not (contact_phone or "").strip():
        errors["contact_phone"] = "请填写联系电话。"
    if errors:
        raise FieldErrors(errors)
    if proc.status != ProcurementStatus.IN_PROGRESS:
        raise BusinessError("该项目当前不在报名期。", code="not_open")
    if lot is not None and (lot.procurement_id != proc.pk or lot.status != LotStatus.OPEN):
        raise FieldErrors({"lot": "请选择本项目进行中的采购包。"})
    if lot is None and proc.lots.filter(status=LotStatus.OPEN).count() > 1:
        raise FieldErrors({"lot": "本项目分多个包，请选择报名的采购包。"})
    for gate in REGISTRATION_GATES:
        if why := gate(proc, lot):
            raise BusinessError(why, code="registration_closed")
    if Registration.objects.filter(procurement=proc, round=proc.round, lot=lot, supplier_id=actor.unit_id,
                                   is_active=True).exists():
        raise BusinessError("您已报名。", code="already_registered")
    reg = Registration.objects.create(procurement=proc, lot=lot, round=proc.round, supplier_id=actor.unit_id,
                                      registered_by=actor, contact_name=contact_name.strip()[:30],
                                      contact_phone=contact_phone.strip()[:30], region_path=proc.region_path)
    audit.record(actor=actor, action="registration.create", obj=reg, after=audit.snapshot(reg))
    return reg


# announcements' rules on a registration: fn(procurement, lot) -> refusal or None (the deadline has passed …)
REGISTRATION_GATES: list = []
