"""Writes of 流标/废标 and 废标处理, and the rules the handling's flow declares (docs.py):

- 流标/废标: the organizer (rights.is_organizer_of) records a lot failed with one of the law's reasons — 法 36
  for 招标, 财政部令第74号 第三十七条 / 财库〔2014〕214号 第三十三条 for the other methods — and an explanation;
  trading.services.lot_move(fail).
- 废标处理 proposes the next step: 重新招标 (same method), 终止, or 变更采购方式. After a 采购任务取消 only 终止 is
  possible (法 37). Its flow: the organizer → the purchaser's clerk (终止 / 变更: the FJ 4.3 / 4.4 pages) → the
  purchaser's reviewer → the competent unit where the plan's chain has one → the regulator of city level or
  above when the method changes and the amount is at or above the 公开招标数额 (法 27, 37); a change to 单一来源
  waits there for its publicity (plans.services.method_gate).
- Approval: 重新招标 / 变更 open the failed lots in the next round (trading.services.procurement_next_round; 变更
  also sets the plan's method); 终止 terminates the failed lots and, when nothing of the procurement is left,
  ends the plan (plans.services.plan_end), which frees its project.
- 回第一步 (JX): a regulator sends an approved handling back to editing while its next step has not started.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from access import rights
from attachments import services as attachment_services
from audit import services as audit
from core.errors import BusinessError, FieldErrors, NotAllowed, StaleError
from core.validation import phone_problem
from plans import selectors as plan_selectors
from plans import services as plan_services
from trading import selectors as trading_selectors
from trading import services as trading_services
from workflow import engine
from workflow.kit import editing
from workflow.models import Action, Status

from .models import REASON_BASIS, Failure, FailureHandling, FailureReason, HandlingKind, reasons_for

FAILED, ACCEPTED, TERMINATED = "failed", "accepted", "terminated"  # trading's Procurement / Lot states
DECLARABLE = ("in_progress", "failed")  # a lot fails once the procurement was announced
LIMIT = 2000


def _text(data: dict, name: str, label: str, errors: dict, *, required: bool = True, limit: int = LIMIT) -> str:
    value = (data.get(name) or "").strip()
    if required and not value:
        errors[name] = f"请填写{label}。"
    elif len(value) > limit:
        errors[name] = f"{label}不能超过{limit}个字。"
    return value


# ---- 流标/废标 ---------------------------------------------------------------------------------------------


def reason_choices(procurement) -> list[tuple[str, str]]:
    return [(r.value, r.label) for r in reasons_for(procurement.procurement_method)]


def reason_basis(procurement) -> str:
    return REASON_BASIS["tender" if procurement.procurement_method in ("open_tender", "invited_tender")
                        else "non_tender"]


@transaction.atomic
def failure_declare(*, actor, procurement, lot_ids, reason: str, explanation: str, file=None) -> list[Failure]:
    """流标/废标 of the chosen lots with the law's reason: each lot fails (trading), one record per lot; an
    optional attachment (评审报告、情况说明) is linked to the first."""
    if not rights.is_organizer_of(actor, procurement):
        raise NotAllowed("只有组织本项目采购的代理机构（或自行组织的采购单位经办岗）可以登记流标/废标。")
    proc = trading_selectors.of_plan(procurement.plan_id)
    errors: dict[str, str] = {}
    if proc.status not in DECLARABLE:
        raise BusinessError(f"采购项目当前为“{proc.status_text}”，不能登记流标/废标（须已发布采购公告）。",
                            code="bad_state")
    allowed = {code for code, _ in reason_choices(proc)}
    if reason not in allowed:
        errors["reason"] = f"请选择废标原因（{reason_basis(proc)}）。"
    explanation = _text({"explanation": explanation}, "explanation", "情况说明", errors)
    lots = {lot.pk: lot for lot in trading_selectors.lots(proc)}
    wanted = []
    for raw in lot_ids or []:
        text = str(raw).strip()
        lot = lots.get(int(text)) if text.isascii() and text.isdigit() and len(text) < 10 else None
        if lot is None:
            errors["lot_ids"] = "请选择本项目的采购包。"
        elif lot.status not in ("open", "awarded"):
            errors["lot_ids"] = f"{lot}当前为“{lot.get_status_display()}”，不能登记流标/废标。"
        elif lot not in wanted:
            wanted.append(lot)
    if not wanted and "lot_ids" not in errors:
        errors["lot_ids"] = "请选择流标/废标的采购包。"
    if errors:
        raise FieldErrors(errors)
    out = []
    for lot in wanted:
        trading_services.lot_move(actor=actor, lot=lot, move="fail", note=FailureReason(reason).label)
        failure = Failure.objects.create(
            procurement=proc, lot=lot, round=proc.round, method=proc.procurement_method, reason=reason,
            explanation=explanation, unit_id=proc.unit_id, organizer_id=proc.organizer_id, declared_by=actor,
            region_path=proc.region_path)
        audit.record(actor=actor, action="failure.declare", obj=failure, after=audit.snapshot(failure))
        out.append(failure)
    if file is not None:
        try:
            attachment_services.attachment_upload(actor=actor, file=file, purpose="流标/废标情况说明", target=out[0])
        except FieldErrors:
            raise
        except BusinessError as exc:
            raise FieldErrors({"file": exc.message}) from exc
    return out


# ---- 废标处理: the organizer's document -----------------------------------------------------------------------


ORGANIZER_FIELDS = ["kind", "new_method", "change_reason", "explanation"]
PURCHASER_FIELDS = ["purchaser_note", "contact_name", "contact_phone"]


def _open_handling(proc, exclude_pk=None) -> FailureHandling | None:
    """The procurement's handling still in hand (editing or in review), other than `exclude_pk`."""
    qs = (FailureHandling.objects.filter(procurement_id=proc.pk, status__in=(Status.DRAFT, Status.WITHDRAWN,
                                                                             Status.PENDING))
          .exclude(last_action=Action.DISCARD))
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("id").first()


def start_refusal(proc, exclude_pk=None) -> str | None:
    """Why no 废标处理 may be started (or submitted) for the procurement now."""
    if proc.status != FAILED:
        return f"只有流标/废标的采购项目可以进行废标处理（当前为“{proc.status_text}”）。"
    if other := _open_handling(proc, exclude_pk):
        return f"该采购项目已有未办结的废标处理（{other.number}）。"
    return None


def cancelled(proc, round_no: int) -> bool:
    """Did a lot fail because the task was cancelled (法 36 (四))? Then only 终止 (法 37)."""
    return Failure.objects.filter(procurement_id=proc.pk, round=round_no, reason=FailureReason.CANCELLED).exists()


def _clean(proc, data: dict, round_no: int) -> dict:
    """The organizer's fields (and, when the purchaser organises itself, the purchaser's) checked; FieldErrors."""
    errors: dict[str, str] = {}
    kind = data.get("kind") or ""
    if kind not in HandlingKind.values:
        errors["kind"] = "请选择处理方式。"
    elif kind != HandlingKind.TERMINATE and cancelled(proc, round_no):
        errors["kind"] = "因重大变故采购任务取消的，不再重新组织采购，只能终止（政府采购法第三十七条）。"
    out = {"kind": kind, "new_method": "", "change_reason": "",
           "explanation": _text(data, "explanation", "处理说明", errors)}
    if kind == HandlingKind.CHANGE_METHOD:
        method = data.get("new_method") or ""
        if not plan_selectors.method_label(method):
            errors["new_method"] = "请选择变更后的采购方式。"
        elif method == proc.procurement_method:
            errors["new_method"] = "变更后的采购方式与原采购方式相同；不变更方式请选择“重新招标”。"
        out["new_method"] = method
        out["change_reason"] = _text(data, "change_reason", "变更理由", errors)
    if proc.self_organized:  # no purchaser's step: the clerk fills it here
        out.update(_purchaser_values(data, errors, required=kind in (HandlingKind.TERMINATE,
                                                                     HandlingKind.CHANGE_METHOD), kind=kind))
    if errors:
        raise FieldErrors(errors)
    return out


def _note_label(kind: str) -> str:
    return "终止情况说明" if kind == HandlingKind.TERMINATE else "变更情况说明"


def _purchaser_values(data: dict, errors: dict, *, required: bool, kind: str) -> dict:
    out = {"purchaser_note": _text(data, "purchaser_note", _note_label(kind), errors, required=required),
           "contact_name": _text(data, "contact_name", "联系人", errors, required=required, limit=30),
           "contact_phone": _text(data, "contact_phone", "联系电话", errors, required=required, limit=30)}
    if "contact_phone" not in errors and (problem := phone_problem(out["contact_phone"])):
        errors["contact_phone"] = problem
    return out


def handling_save(actor, doc: FailureHandling | None, data: dict, version) -> FailureHandling:
    """The DocumentType's save: a new handling for a failed procurement the actor organises (the purchaser is the
    document's unit, the organizer submits), or 保存 of the organizer's fields."""
    if doc is None:
        proc = data.get("procurement")
        if proc is None:
            raise FieldErrors({"procurement": "请选择流标/废标的采购项目。"})
        if not rights.is_organizer_of(actor, proc):
            raise NotAllowed("只有组织本项目采购的代理机构（或自行组织的采购单位经办岗）可以发起废标处理。")
        if why := start_refusal(proc):
            raise BusinessError(why, code="not_startable", field="procurement")
        values = {"procurement": proc, "organizer_id": proc.organizer_id, "round": proc.round,
                  "method_before": proc.procurement_method, "amount": proc.budget, "region_path": proc.region_path,
                  **_clean(proc, data, proc.round)}
        return editing.create(FailureHandling, actor=actor, unit=proc.unit, values=values, fields=list(values))
    if data.get("procurement") is not None and data["procurement"].pk != doc.procurement_id:
        raise FieldErrors({"procurement": "采购项目在新增时选定，不能修改。"})
    values = _clean(doc.procurement, data, doc.round)

    def write(locked):
        for name, value in values.items():
            setattr(locked, name, value)

    return editing.edit(doc, actor=actor, version=version, write=write, fields=list(values))


# ---- flow hooks (named in docs.py) -----------------------------------------------------------------------------


def submitted(doc: FailureHandling, actor) -> None:
    """提交: the procurement still failed, no other handling in hand, the fields' rules again."""
    proc = doc.procurement
    if why := start_refusal(proc, exclude_pk=doc.pk):
        raise BusinessError(why, code="not_startable")
    _clean(proc, {n: getattr(doc, n) for n in ORGANIZER_FIELDS + PURCHASER_FIELDS}, doc.round)


def needs_purchaser_entry(doc: FailureHandling) -> bool:
    """Node condition: 终止 and 变更 pass the purchaser's clerk (FJ 4.3 / 4.4) unless the purchaser organises
    the procurement itself (its clerk filled them already)."""
    return doc.kind in (HandlingKind.TERMINATE, HandlingKind.CHANGE_METHOD) and not doc.procurement.self_organized


def purchaser_entry_check(doc: FailureHandling) -> None:
    """Node check of the purchaser's clerk: 终止情况说明 / 变更情况说明 and the contacts are filled."""
    errors: dict[str, str] = {}
    _purchaser_values({n: getattr(doc, n) for n in PURCHASER_FIELDS}, errors, required=True, kind=doc.kind)
    if errors:
        raise FieldErrors(errors)


def needs_competent_review(doc: FailureHandling) -> bool:
    return plan_services.needs_competent_review(doc.procurement.plan)


def rule_date(doc: FailureHandling):
    return timezone.localdate(doc.created_at) if doc.created_at else timezone.localdate()


def needs_regulator(doc: FailureHandling) -> bool:
    """Node condition (法 27, 37; JX 异常处理): the method changes and the amount is at or above the 公开招标数额."""
    return (doc.kind == HandlingKind.CHANGE_METHOD
            and doc.amount >= plan_services.open_tender_threshold(doc.unit, rule_date(doc)))


def regulator_check(doc: FailureHandling) -> None:
    """Node check of the regulator: a change to 单一来源 waits for its 单一来源公示 (实施条例 38)."""
    plan_services.method_gate(doc.procurement.plan, doc.new_method, rule_date(doc))


def entry_url(doc: FailureHandling) -> str:
    """The purchaser clerk's page of the handling (engine Node.entry)."""
    from django.urls import reverse

    return reverse("failures:purchaser_step", args=[doc.pk])


def submitter_role(doc: FailureHandling) -> str:
    return "clerk" if doc.procurement.self_organized else "agency"


def approved(doc: FailureHandling, actor) -> None:
    """Final approval: the next step of the procurement."""
    proc = trading_selectors.of_plan(doc.procurement.plan_id)
    if proc.status != FAILED:
        raise BusinessError(f"采购项目当前为“{proc.status_text}”，不能按本废标处理办理。", code="bad_state")
    failed = [lot for lot in trading_selectors.lots(proc) if lot.status == FAILED]
    if doc.kind == HandlingKind.TERMINATE:
        for lot in failed:
            trading_services.lot_move(actor=actor, lot=lot, move="terminate", note=f"废标处理 {doc.number}：终止")
        doc.terminated_lots = [lot.pk for lot in failed]
        proc = trading_selectors.of_plan(proc.plan_id)
        if proc.status == TERMINATED:  # nothing of it goes on: the plan ends and frees its project
            plan_services.plan_end(actor=actor, plan=proc.plan, reason=doc.purchaser_note or doc.explanation)
            doc.plan_ended = True
    else:
        method = doc.new_method if doc.kind == HandlingKind.CHANGE_METHOD else doc.method_before
        proc = trading_services.procurement_next_round(actor=actor, procurement=proc, method=method)
        if doc.kind == HandlingKind.CHANGE_METHOD:
            plan_services.plan_method_change(actor=actor, plan=proc.plan, method=method, reason=doc.change_reason)
        doc.next_round = proc.round
        doc.reopened_lots = [lot.pk for lot in failed]
    doc.save(update_fields=["next_round", "reopened_lots", "terminated_lots", "plan_ended", "updated_at"])


# ---- the purchaser's step (采购计划终止 / 采购方式变更录入) --------------------------------------------------------


def at_purchaser_step(user, doc: FailureHandling) -> bool:
    """May the user fill the purchaser's step now: pending at that node, its clerk."""
    if doc.status != Status.PENDING or doc.current_node != "purchaser":
        return False
    return engine.can_act_at(user, doc, engine.flow_for(doc).node("purchaser"))


@transaction.atomic
def purchaser_save(*, actor, handling: FailureHandling, data: dict, version, submit: bool = False):
    """保存 (and 提交: the node's 审核通过) of the purchaser's step: 终止情况说明 / 变更情况说明 and contacts."""
    doc = FailureHandling.objects.select_for_update().get(pk=handling.pk)
    if version not in (None, "") and str(doc.version) != str(version):
        raise StaleError()
    if doc.status != Status.PENDING or doc.current_node != "purchaser":
        raise BusinessError("废标处理当前不在采购单位填报环节。", code="bad_state")
    if not at_purchaser_step(actor, doc):
        raise NotAllowed("只有采购单位经办岗可以填报。")
    errors: dict[str, str] = {}
    values = _purchaser_values(data, errors, required=submit, kind=doc.kind)
    if errors:
        raise FieldErrors(errors)
    before = audit.snapshot(doc, PURCHASER_FIELDS)
    for name, value in values.items():
        setattr(doc, name, value)
    doc.version += 1
    doc.save()
    engine.note(doc, actor, Action.SAVE, label="采购单位经办保存", audit_action="failure_handling.purchaser_save",
                before=before, after=audit.snapshot(doc, PURCHASER_FIELDS))
    if submit:
        doc = engine.approve(doc, actor, opinion="采购单位已填报并提交", version=doc.version)
    return doc


# ---- 回第一步 (JX 异常处理) ---------------------------------------------------------------------------------


def back_allowed(doc: FailureHandling) -> bool:
    return doc.status == Status.APPROVED


def back_refusal(doc: FailureHandling) -> str | None:
    """Why an approved handling can no longer go back to its first step: its next step has started — for 终止,
    the project was planned again or revoked (plans.services.plan_end_refusal); for 重新招标 / 变更, the next
    round's announcement was published."""
    proc = trading_selectors.of_plan(doc.procurement.plan_id)
    if doc.kind == HandlingKind.TERMINATE:
        if doc.plan_ended and (why := plan_services.plan_end_refusal(proc.plan)):
            return why
        lots = {lot.pk: lot for lot in trading_selectors.lots(proc)}
        if any(lots[pk].status != TERMINATED for pk in doc.terminated_lots if pk in lots):
            return "终止的采购包已不是“已终止”状态，不能回第一步。"
        return None
    if proc.round != doc.next_round or proc.status != ACCEPTED:
        return "下一轮采购已开始（已发布采购公告或已有结果），不能回第一步。"
    return None


def back_to_first(doc: FailureHandling, actor, reason: str) -> None:
    """DirectAction effect: the effect undone through the trading and plans services, the handling back to
    editing by the organizer (the engine writes the record and the audit row)."""
    if why := back_refusal(doc):
        raise BusinessError(why, code="next_step_started")
    proc = trading_selectors.of_plan(doc.procurement.plan_id)
    note = f"回第一步：{reason}"
    if doc.kind == HandlingKind.TERMINATE:
        if doc.plan_ended:  # the plan is filed again and holds its project (refused once planned anew)
            plan_services.plan_end_undo(actor=actor, plan=proc.plan)
        for lot in trading_selectors.lots(proc):
            if lot.pk in doc.terminated_lots:
                trading_services.lot_move(actor=actor, lot=lot, move="restore", note=note)
        doc.terminated_lots, doc.plan_ended = [], False
    else:  # the next round taken back: round, method and the lots' failed state
        trading_services.procurement_round_undo(actor=actor, procurement=proc, round=doc.round,
                                                method=doc.method_before)
        if doc.kind == HandlingKind.CHANGE_METHOD:
            plan_services.plan_method_change(actor=actor, plan=proc.plan, method=doc.method_before, reason=note)
    doc.status, doc.current_node, doc.approved_at = Status.DRAFT, "", None
    doc.next_round, doc.reopened_lots = None, []
