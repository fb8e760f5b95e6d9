"""Writes of 质疑与投诉. Every verb locks its row, checks the actor's right (access.rights), the state and the
statutory clock (rule parameters of this app, counted in working days by core.workdays), and writes an audit row.

Clocks (challenges/params.py): 质疑 within `challenge_filing_workdays` of the day the supplier knew (法 52), answered
within `challenge_answer_workdays` (法 53); 投诉 within `complaint_filing_workdays` after the answer or after the
answer period ran out (法 55), decided within `complaint_decision_workdays` (法 56); 暂停采购活动 at most
`complaint_suspension_max_days` calendar days (法 57). Late answers and decisions raise 监督预警 (`scan_overdue`).
"""

import datetime as dt

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from access import places, rights
from attachments import selectors as attachment_selectors
from attachments import services as attachment_services
from audit import services as audit
from core import numbers, params
from core.errors import BusinessError, FieldErrors, NotAllowed
from core.workdays import add_working_days
from supervision import services as supervision
from trading import selectors as trading_selectors
from trading import services as trading

from .models import (
    OPEN_COMPLAINT,
    Challenge,
    ChallengeNotice,
    ChallengeStatus,
    Complaint,
    ComplaintStatus,
    Outcome,
    Subject,
)

PARAMS = params.of("challenges")
TEXT_MAX = 5000
LAW_53 = "政府采购法第五十三条"
LAW_56 = "政府采购法第五十六条"


def _today() -> dt.date:
    return timezone.localdate()


def _region(unit) -> str:
    return unit.region.code if unit.region_id else ""


def _text(errors: dict, name: str, value, label: str) -> str:
    value = (value or "").strip() if isinstance(value, str) else ""
    if not value:
        errors[name] = f"请填写{label}。"
    elif len(value) > TEXT_MAX:
        errors[name] = f"{label}不能超过{TEXT_MAX}个字。"
    return value


# ---- clocks -------------------------------------------------------------------------------------------------


def filing_deadline(procurement, known_on: dt.date) -> dt.date:
    """The last day a 质疑 may be filed: n working days after the day the supplier knew (法 52)."""
    n = PARAMS.challenge_filing_workdays(region_code=_region(procurement.unit), on=known_on)
    return add_working_days(known_on, n)


def answer_deadline(challenge_unit, filed_on: dt.date) -> dt.date:
    n = PARAMS.challenge_answer_workdays(region_code=_region(challenge_unit), on=filed_on)
    return add_working_days(filed_on, n)


def complaint_window(challenge, today: dt.date | None = None) -> tuple[dt.date | None, dt.date, str | None]:
    """(first day, last day, refusal) of the 投诉 window (法 55): after the answer, or once the answer period ran
    out unanswered, for n working days."""
    today = today or _today()
    if challenge.status == ChallengeStatus.ANSWERED:
        start = timezone.localdate(challenge.answered_at)
    else:
        start = challenge.answer_due
        if today <= start:
            return None, start, (f"质疑尚未答复，答复期限（{start:%Y-%m-%d}）届满前不能投诉。")
    n = PARAMS.complaint_filing_workdays(region_code=_region(challenge.unit), on=start)
    last = add_working_days(start, n)
    if today > last:
        return start, last, f"投诉期限已过：应于答复期满后{n}个工作日内（{last:%Y-%m-%d}前）投诉。"
    return start, last, None


def decision_deadline(complaint_unit, filed_on: dt.date) -> dt.date:
    n = PARAMS.complaint_decision_workdays(region_code=_region(complaint_unit), on=filed_on)
    return add_working_days(filed_on, n)


# ---- 质疑 -----------------------------------------------------------------------------------------------------


@transaction.atomic
def challenge_create(*, actor, procurement, subject: str, known_on, claims: str, facts: str, files=(),
                     attachment_ids=()) -> Challenge:
    """提出质疑: a supplier registered for the procurement's current round, within the filing period, with its
    证明材料 (uploaded `files`, or `attachment_ids` the supplier uploaded before), all or nothing."""
    if not rights.may_file_challenges(actor):
        raise NotAllowed("只有供应商可以提出质疑。")
    errors: dict = {}
    if subject not in Subject.values:
        errors["subject"] = "请选择质疑事项。"
    claims = _text(errors, "claims", claims, "质疑请求")
    facts = _text(errors, "facts", facts, "事实依据")
    today = _today()
    if not isinstance(known_on, dt.date):
        errors["known_on"] = "请填写知道或应知权益受损之日。"
    elif known_on > today:
        errors["known_on"] = "知道或应知权益受损之日不能晚于今天。"
    elif known_on < timezone.localdate(procurement.accepted_at):
        errors["known_on"] = "该日期早于项目受理日期，请填写所质疑事项的公告或发布日期。"
    if errors:
        raise FieldErrors(errors)
    if not trading_selectors.is_registered(actor.unit_id, procurement):
        raise BusinessError("只有本轮已报名的供应商可以对该项目提出质疑。", code="not_registered")
    last = filing_deadline(procurement, known_on)
    if today > last:
        n = PARAMS.challenge_filing_workdays(region_code=_region(procurement.unit), on=known_on)
        raise BusinessError(f"质疑期限已过：应在知道或应知权益受损之日起{n}个工作日内（{last:%Y-%m-%d}前）提出。",
                            code="challenge_late", field="known_on")
    now = timezone.now()
    unit = procurement.unit
    ch = Challenge.objects.create(
        number=numbers.issue("challenge", _region(unit), today.year), procurement=procurement,
        round=procurement.round, unit=unit, organizer_id=procurement.organizer_id, supplier_id=actor.unit_id,
        subject=subject, known_on=known_on, claims=claims, facts=facts, filed_by=actor, filed_at=now,
        answer_due=answer_deadline(unit, today), region_path=procurement.region_path)
    audit.record(actor=actor, action="challenge.create", obj=ch, after=audit.snapshot(ch))
    for f in files:
        attachment_services.attachment_upload(actor=actor, file=f, purpose="证明材料", target=ch)
    for i, pk in enumerate(attachment_ids):
        try:
            att = attachment_selectors.get_for_download(actor, pk)
        except Http404:
            raise FieldErrors({f"attachment_ids.{i}": "附件不存在。"}) from None
        attachment_services.attachment_link(actor=actor, attachment=att, target=ch)
    return ch


def _lock_challenge(challenge) -> Challenge:
    return Challenge.objects.select_for_update().select_related("procurement", "unit").get(pk=challenge.pk)


@transaction.atomic
def challenge_answer(*, actor, challenge, answer: str, no_secrets: bool) -> Challenge:
    """答复质疑: the organizer or the purchaser answers in writing; the answer goes to the challenger and to every
    supplier registered in the challenge's round (ChallengeNotice), so it must hold no trade secret (法 53)."""
    ch = _lock_challenge(challenge)
    if not rights.may_answer_challenge(actor, ch):
        raise NotAllowed("只有项目的组织单位或采购单位可以答复质疑。")
    errors: dict = {}
    answer = _text(errors, "answer", answer, "答复内容")
    if no_secrets is not True:
        errors["no_secrets"] = "答复将通知所有报名供应商，请确认答复内容不涉及商业秘密。"
    if errors:
        raise FieldErrors(errors)
    if ch.status != ChallengeStatus.SUBMITTED:
        raise BusinessError("该质疑已答复。", code="already_answered")
    before = audit.snapshot(ch, ["status", "answer"])
    now = timezone.now()
    ch.status, ch.answer, ch.answer_no_secrets = ChallengeStatus.ANSWERED, answer, True
    ch.answered_by, ch.answered_at = actor, now
    ch.save(update_fields=["status", "answer", "answer_no_secrets", "answered_by", "answered_at", "updated_at"])
    told = trading_selectors.registered_supplier_ids(ch.procurement, ch.round) | {ch.supplier_id}
    ChallengeNotice.objects.bulk_create(ChallengeNotice(challenge=ch, supplier_id=s, sent_at=now) for s in sorted(told))
    audit.record(actor=actor, action="challenge.answer", obj=ch, before=before,
                 after={"status": ch.status, "answer": answer, "notified": sorted(told),
                        "late": timezone.localdate(now) > ch.answer_due})
    return ch


# ---- 投诉 -----------------------------------------------------------------------------------------------------


@transaction.atomic
def complaint_create(*, actor, challenge, claims: str, facts: str) -> Complaint:
    """投诉 to the regulator of the purchaser's level (the regulator of its region), within the window after the
    answer (法 55); its matters stay those of the 质疑 (实施条例 55)."""
    ch = _lock_challenge(challenge)
    if not rights.is_challenger_of(actor, ch):
        raise NotAllowed("只有提出质疑的供应商可以就该质疑投诉。")
    errors: dict = {}
    claims = _text(errors, "claims", claims, "投诉请求")
    facts = _text(errors, "facts", facts, "事实依据")
    if errors:
        raise FieldErrors(errors)
    if Complaint.objects.filter(challenge=ch).exists():
        raise BusinessError("该质疑已投诉。", code="already_complained")
    _start, _last, why = complaint_window(ch)
    if why:
        raise BusinessError(why, code="complaint_window")
    region = places.regulator_region(ch.unit)
    if region is None:
        raise BusinessError("采购单位所在区划没有监督管理部门，无法投诉。", code="no_regulator")
    today = _today()
    c = Complaint.objects.create(
        number=numbers.issue("complaint", _region(ch.unit), today.year), challenge=ch, procurement=ch.procurement,
        unit=ch.unit, organizer_id=ch.organizer_id, supplier_id=ch.supplier_id, regulator_region=region,
        claims=claims, facts=facts, filed_by=actor, filed_at=timezone.now(),
        decision_due=decision_deadline(ch.unit, today), region_path=ch.region_path)
    audit.record(actor=actor, action="complaint.create", obj=c, after=audit.snapshot(c))
    return c


def _lock_complaint(complaint) -> Complaint:
    return Complaint.objects.select_for_update().select_related("procurement", "unit").get(pk=complaint.pk)


def _open(c: Complaint, verb: str) -> None:
    if c.status not in OPEN_COMPLAINT:
        raise BusinessError(f"该投诉{c.get_status_display()}，不能{verb}。", code="complaint_closed")


def _regulator(actor, c: Complaint, verb: str) -> None:
    if not rights.may_decide_complaint(actor, c):
        raise NotAllowed(f"只有受理该投诉的监督管理部门可以{verb}。")


@transaction.atomic
def complaint_accept(*, actor, complaint) -> Complaint:
    """受理 a complaint: its handling starts (the decision's clock runs from its receipt)."""
    c = _lock_complaint(complaint)
    _regulator(actor, c, "受理")
    if c.status != ComplaintStatus.SUBMITTED:
        raise BusinessError(f"该投诉{c.get_status_display()}，不能受理。", code="complaint_state")
    c.status, c.accepted_by, c.accepted_at = ComplaintStatus.ACCEPTED, actor, timezone.now()
    c.save(update_fields=["status", "accepted_by", "accepted_at", "updated_at"])
    audit.record(actor=actor, action="complaint.accept", obj=c, before={"status": ComplaintStatus.SUBMITTED},
                 after={"status": c.status})
    return c


def suspension_limit(c: Complaint, today: dt.date | None = None) -> dt.date:
    """The last day a suspension may reach: n calendar days after its first day (法 57: 最长不得超过三十日), so
    extending it never makes it longer than that."""
    start = c.suspended_from or today or _today()
    n = PARAMS.complaint_suspension_max_days(region_code=_region(c.unit), on=start)
    return start + dt.timedelta(days=n)


@transaction.atomic
def complaint_suspend(*, actor, complaint, until, reason: str) -> Complaint:
    """暂停采购活动 while the complaint is handled (法 57): results and contracts of the procurement are refused
    until `until` (inclusive), at most n days counted from the first day of the suspension; resumed on decision."""
    c = _lock_complaint(complaint)
    _regulator(actor, c, "暂停采购活动")
    _open(c, "暂停采购活动")
    errors: dict = {}
    reason = _text(errors, "reason", reason, "暂停原因")
    today = _today()
    if not isinstance(until, dt.date):
        errors["until"] = "请填写暂停至日期。"
    elif until < today:
        errors["until"] = "暂停至日期不能早于今天。"
    elif until > (limit := suspension_limit(c, today)):
        n = PARAMS.complaint_suspension_max_days(region_code=_region(c.unit), on=c.suspended_from or today)
        errors["until"] = f"暂停时间最长不得超过{n}日：最晚暂停至 {limit:%Y-%m-%d}。"
    if errors:
        raise FieldErrors(errors)
    before = {"suspended_from": c.suspended_from, "suspended_until": c.suspended_until}
    trading.procurement_suspend(actor=actor, procurement=c.procurement, until=until,
                                reason=f"投诉 {c.number}：{reason}")
    c.suspended_from = c.suspended_from or today
    c.suspended_until = until
    c.save(update_fields=["suspended_from", "suspended_until", "updated_at"])
    audit.record(actor=actor, action="complaint.suspend", obj=c, before=before,
                 after={"suspended_from": c.suspended_from, "suspended_until": until, "reason": reason})
    return c


def _resume(actor, c: Complaint, why: str) -> None:
    """The procurement goes on when this complaint's suspension ends, unless another open complaint holds it."""
    if c.suspended_until is None or c.suspended_until < _today():
        return
    others = Complaint.objects.filter(procurement_id=c.procurement_id, status__in=OPEN_COMPLAINT,
                                      suspended_until__gte=_today()).exclude(pk=c.pk)
    if not others.exists():
        trading.procurement_resume(actor=actor, procurement=c.procurement, reason=why)


@transaction.atomic
def complaint_decide(*, actor, complaint, outcome: str, reasons: str) -> Complaint:
    """处理决定 (法 56): 投诉成立 / 投诉不成立 after 受理; 驳回 also before it (实施条例 57). The suspension ends."""
    c = _lock_complaint(complaint)
    _regulator(actor, c, "作出处理决定")
    _open(c, "作出处理决定")
    errors: dict = {}
    if outcome not in Outcome.values:
        errors["outcome"] = "请选择处理结果。"
    reasons = _text(errors, "reasons", reasons, "处理理由")
    if errors:
        raise FieldErrors(errors)
    if outcome != Outcome.DISMISSED and c.status != ComplaintStatus.ACCEPTED:
        raise BusinessError("投诉受理后才能认定投诉成立或不成立；未受理的投诉只能驳回。", code="not_accepted",
                            field="outcome")
    before = {"status": c.status}
    now = timezone.now()
    c.status, c.outcome, c.reasons, c.decided_by, c.decided_at = ComplaintStatus.DECIDED, outcome, reasons, actor, now
    c.save(update_fields=["status", "outcome", "reasons", "decided_by", "decided_at", "updated_at"])
    _resume(actor, c, f"投诉 {c.number} 已处理：{c.get_outcome_display()}")
    audit.record(actor=actor, action="complaint.decide", obj=c, before=before,
                 after={"status": c.status, "outcome": outcome, "reasons": reasons,
                        "late": timezone.localdate(now) > c.decision_due})
    return c


@transaction.atomic
def complaint_withdraw(*, actor, complaint, reason: str) -> Complaint:
    """撤回投诉 by the supplier before the decision: the handling ends (实施条例 57), the suspension too."""
    c = _lock_complaint(complaint)
    if not rights.is_challenger_of(actor, c):
        raise NotAllowed("只有投诉人可以撤回投诉。")
    errors: dict = {}
    reason = _text(errors, "reason", reason, "撤回理由")
    if errors:
        raise FieldErrors(errors)
    _open(c, "撤回")
    before = {"status": c.status}
    c.status, c.withdrawn_at, c.withdraw_reason = ComplaintStatus.WITHDRAWN, timezone.now(), reason
    c.save(update_fields=["status", "withdrawn_at", "withdraw_reason", "updated_at"])
    _resume(actor, c, f"投诉 {c.number} 已撤回")
    audit.record(actor=actor, action="complaint.withdraw", obj=c, before=before,
                 after={"status": c.status, "reason": reason})
    return c


# ---- deadlines → 监督预警 ---------------------------------------------------------------------------------------


def scan_overdue() -> str:
    """The periodic job: a 质疑 unanswered after its period, a 投诉 undecided after its period, each raises one
    监督预警 (once per document)."""
    today, now = _today(), timezone.now()
    raised = 0
    for pk in Challenge.objects.filter(status=ChallengeStatus.SUBMITTED, answer_due__lt=today,
                                       overdue_warned_at__isnull=True).values_list("pk", flat=True):
        with transaction.atomic():
            ch = Challenge.objects.select_for_update().select_related("procurement", "unit").get(pk=pk)
            if ch.status != ChallengeStatus.SUBMITTED or ch.overdue_warned_at is not None:
                continue
            supervision.warning_raise(
                kind="challenge_answer_overdue", unit=ch.unit, target=f"challenges.challenge:{ch.pk}",
                target_label=f"质疑 {ch.number}（{ch.procurement.name}）", basis=LAW_53, once=True,
                message=f"质疑 {ch.number} 应于 {ch.answer_due:%Y-%m-%d} 前答复，至今未答复。")
            ch.overdue_warned_at = now
            ch.save(update_fields=["overdue_warned_at"])
            raised += 1
    for pk in Complaint.objects.filter(status__in=OPEN_COMPLAINT, decision_due__lt=today,
                                       overdue_warned_at__isnull=True).values_list("pk", flat=True):
        with transaction.atomic():
            c = Complaint.objects.select_for_update().select_related("procurement", "unit").get(pk=pk)
            if c.status not in OPEN_COMPLAINT or c.overdue_warned_at is not None:
                continue
            supervision.warning_raise(
                kind="complaint_decision_overdue", unit=c.unit, target=f"challenges.complaint:{c.pk}",
                target_label=f"投诉 {c.number}（{c.procurement.name}）", basis=LAW_56, once=True,
                message=f"投诉 {c.number} 应于 {c.decision_due:%Y-%m-%d} 前作出处理决定，至今未处理。")
            c.overdue_warned_at = now
            c.save(update_fields=["overdue_warned_at"])
            raised += 1
    return f"逾期预警 {raised} 条"
