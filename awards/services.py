"""Writes of 评审结果: one function per business verb, atomic and audited (the engine audits its transitions).

- `result_save` — the organizer's 保存 (the kit's `save=`): a lot of a procurement in progress, candidates in rank
  order, each quote within the lot's budget; `result_submitted` checks it all again at 提交.
- `result_confirm` — the purchaser's reviewer confirms the winner (the first candidate unless a reason is given)
  and approves in one transaction; `result_confirmed` (on_approve) records the winner and awards the lot.
- `notice_issued` / `result_published` — the stages' effects (通知书编号, 结果公告).
- `scan_deadlines` — the periodic job: late confirmations and late publications raise one 监督预警 per result.
- the 预中标（成交）异常处理 request's rules: `is_substantive` (the regulator's node condition), `exception_apply`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from access import rights
from attachments import services as attachment_services
from audit import services as audit
from core import numbers, params
from core.errors import BusinessError, FieldErrors, NotAllowed
from core.money import format_yuan
from core.workdays import add_working_days
from orgs.models import Role, Unit
from plans import services as plan_services
from projects import services as project_services
from supervision import services as supervision
from trading import selectors as trading
from trading import services as trading_services
from workflow import engine
from workflow.kit import editing
from workflow.models import Status

from .models import Candidate, Result

PARAMS = params.of("awards")
REPORT_PURPOSE = "评审报告"
CONFIRM_KIND, PUBLISH_KIND = "award_confirm_late", "award_publish_late"
CONFIRM_BASIS = "政府采购法实施条例第四十三条第一款"
PUBLISH_BASIS = "政府采购法实施条例第四十三条第二款；财政部令第87号第六十九条"
FIELDS = ["lot_id", "report_date", "expert_names", "hide_experts"]
CANDIDATE_FIELDS = ("supplier_id", "supplier_name", "credit_code", "amount", "score", "rank")


def key(result) -> str:
    return f"awards.result:{result.pk}"


def organizer_role(doc) -> str:
    """Flow.submit_role_of / Stage.role_of: the agency's staff, or the purchaser's clerk when it organises the
    procurement itself (as rights.is_organizer_of)."""
    proc = doc.procurement
    return Role.CLERK if proc.self_organized else Role.AGENCY


def is_public(doc) -> bool:
    """Stage condition: a 自行采购 result has no 结果公告 (only its 自行采购中标通知书)."""
    return not doc.self_purchase


# ---- the rules of a result ------------------------------------------------------------------------------


def refusal(procurement, lot, on: dt.date | None = None) -> str | None:
    """Why no result may be recorded (or confirmed) for the lot now."""
    if lot.procurement_id != procurement.pk:
        return "采购包不属于该采购项目。"
    allowed = {"in_progress"} | ({"accepted"} if procurement.self_purchase else set())
    if procurement.status not in allowed:
        return (f"采购项目当前为“{procurement.status_text}”，只有采购中的项目可以录入评审结果"
                f"{'（自行采购项目受理后即可录入）' if procurement.self_purchase else '（采购公告发布后）'}。")
    if lot.status != "open":
        return f"第{lot.seq}包当前为“{lot.get_status_display()}”，不能录入评审结果。"
    return trading_services.suspension_refusal(procurement, on)


def open_result(lot, round_no: int, exclude_pk=None):
    """The lot's live result of the round (being edited, in review or confirmed)."""
    qs = (Result.objects.filter(lot=lot, round=round_no).exclude(status=Status.WITHDRAWN)
          .exclude(last_action="discard"))
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("-id").first()


def _code_problem(code: str) -> str | None:
    from core import uscc

    return uscc.validate(code)


def clean_candidates(rows: list[dict], budget: Decimal, *, key: str = "candidate", self_purchase=False) -> list[dict]:
    """The candidates as stored, in rank order: a supplier picked from the library (its name and code taken from
    it) or typed with its 统一社会信用代码; quotes within the lot's budget; ranks 1, 2, 3 … without gaps."""
    errors: dict[str, str] = {}
    picked = {}
    ids = {int(r["supplier_id"]) for r in rows if str(r.get("supplier_id") or "").isdigit()
           and len(str(r["supplier_id"])) < 12}
    if ids:
        picked = Unit.objects.filter(pk__in=ids, kind=Unit.KIND_SUPPLIER).in_bulk()
    out = []
    for i, r in enumerate(rows):
        n = i + 1
        sid = r.get("supplier_id")
        unit = None
        if sid not in (None, ""):
            unit = picked.get(int(sid)) if str(sid).isdigit() and len(str(sid)) < 12 else None
            if unit is None:
                errors[f"{key}.{i}.supplier_id"] = f"第{n}行：请从供应商库中选择供应商。"
        name = unit.name if unit else (r.get("supplier_name") or "").strip()
        code = unit.credit_code if unit else (r.get("credit_code") or "").strip().upper()
        if not name:
            errors[f"{key}.{i}.supplier_name"] = f"第{n}行：请选择或填写供应商名称。"
        if unit is None and not code:
            errors[f"{key}.{i}.credit_code"] = f"第{n}行：请填写统一社会信用代码。"
        elif unit is None and (problem := _code_problem(code)):
            errors[f"{key}.{i}.credit_code"] = f"第{n}行：{problem}"
        amount = r.get("amount")
        if amount is not None and amount > budget:
            errors[f"{key}.{i}.amount"] = (f"第{n}行：报价 {format_yuan(amount)} 元超过采购包预算 {format_yuan(budget)} 元"
                                           f"（超过预算的应按政府采购法第三十六条作废标处理）。")
        rank = r.get("rank")
        if rank is not None and rank != int(rank):
            errors[f"{key}.{i}.rank"] = f"第{n}行：名次须为整数。"
        score = r.get("score")
        if score is not None and score >= Decimal("1000000"):
            errors[f"{key}.{i}.score"] = f"第{n}行：评审得分不正确。"
        out.append({"supplier_id": unit.pk if unit else None, "supplier_name": name[:200], "credit_code": code[:18],
                    "amount": amount, "score": score, "rank": int(rank) if rank is not None else None})
    if not rows:
        errors[key] = "请填写中标（成交）候选人。"
    elif self_purchase and len(rows) != 1:
        errors[key] = "自行采购只填写一个成交供应商。"
    if not errors:
        ranks = sorted(r["rank"] for r in out)
        if ranks != list(range(1, len(out) + 1)):
            errors[key] = "候选人名次须从1开始依次排列，不能重复或间断。"
        codes = [r["credit_code"] for r in out]
        if len(set(codes)) != len(codes):
            errors[key] = "同一供应商不能重复列为候选人。"
    if errors:
        raise FieldErrors(errors)
    return sorted(out, key=lambda r: r["rank"])


def candidates(result) -> list[Candidate]:
    return list(Candidate.objects.filter(result=result, is_active=True).order_by("rank", "seq"))


def write_candidates(result, rows: list[dict]) -> None:
    Candidate.objects.filter(result=result, is_active=True).update(is_active=False)
    Candidate.objects.bulk_create(Candidate(result=result, seq=i, **{k: r[k] for k in CANDIDATE_FIELDS})
                                  for i, r in enumerate(rows, 1))


def _lot_of(actor, lot_id):
    """The lot picked on the form, in a procurement the actor organises (404-like message otherwise); the
    procurement row is locked for the rest of the save (one live result per lot and round)."""
    found = (trading.visible(actor).filter(organizer_id=actor.unit_id, lots__id=lot_id).values_list("pk", flat=True)
             .first() if lot_id else None)
    proc = trading.locked(found) if found is not None else None
    lot = next((x for x in trading.lots(proc) if x.pk == lot_id), None) if proc is not None else None
    if lot is None:
        raise FieldErrors({"lot_id": "请选择您组织的采购项目中进行中的采购包。"})
    lot.procurement = proc
    return lot


@transaction.atomic
def result_save(actor, doc, data: dict, version) -> Result:
    """保存 of a result by the organizer."""
    errors: dict = {}
    if doc is None:
        lot = _lot_of(actor, data.get("lot_id"))
        proc = lot.procurement
        if not rights.is_organizer_of(actor, proc):
            raise NotAllowed("只有组织该采购项目的代理机构（或自行组织的采购单位经办岗）可以录入评审结果。")
    else:
        proc = trading.locked(doc.procurement_id)  # as at 新增: the rule below holds under the lock
        lot = doc.lot
        lot.procurement = proc
        if data.get("lot_id") not in (None, doc.lot_id):
            errors["lot_id"] = "采购包不能修改；请放弃本结果后重新录入。"
    if why := refusal(proc, lot):
        raise BusinessError(why, code="result_refused", field="lot_id")
    if other := open_result(lot, proc.round, exclude_pk=doc.pk if doc else None):
        raise BusinessError(f"第{lot.seq}包已有评审结果（{other.number}，{other.status_text}）。", code="result_exists",
                            field="lot_id")
    report_date = data.get("report_date")
    if report_date is None:
        errors["report_date"] = "请填写评审报告日期。" if not proc.self_purchase else "请填写成交日期。"
    elif report_date > timezone.localdate():
        errors["report_date"] = "日期不能晚于今天。"
    try:
        rows = clean_candidates(data.get("candidate") or [], lot.budget, self_purchase=proc.self_purchase)
    except FieldErrors as exc:
        errors.update(exc.errors)
        rows = []
    atts = project_services.claim_attachments(actor, data.get("attachment_ids"), REPORT_PURPOSE, doc, errors,
                                              "attachment_ids", model=Result)
    if errors:
        raise FieldErrors(errors)
    values = {"report_date": report_date, "expert_names": (data.get("expert_names") or "").strip(),
              "hide_experts": bool(data.get("hide_experts"))}

    def write(d):
        for name, value in values.items():
            setattr(d, name, value)
        write_candidates(d, rows)
        for att in atts:
            attachment_services.attachment_link(actor=actor, attachment=att, target=d)

    if doc is None:
        return editing.create(
            Result, actor=actor, unit=proc.unit, fields=[*values, "lot_id"], write=write,
            values={**values, "procurement": proc, "lot": lot, "organizer_id": proc.organizer_id, "round": proc.round,
                    "self_purchase": proc.self_purchase, "procurement_method": proc.procurement_method,
                    "budget": lot.budget, "region_path": proc.region_path})
    return editing.edit(doc, actor=actor, version=version, write=write, fields=list(values),
                        snapshot=lambda d: {"candidates": [[c.rank, c.supplier_name, str(c.amount)]
                                                           for c in candidates(d)]})


def result_submitted(result, actor) -> None:
    """提交 (the flow's on_submit): every rule again under the procurement's lock, and the 评审报告 (not for
    自行采购)."""
    proc, lot = trading.locked(result.procurement_id), result.lot
    if why := refusal(proc, lot):
        raise BusinessError(why, code="result_refused")
    if other := open_result(lot, result.round, exclude_pk=result.pk):
        raise BusinessError(f"第{lot.seq}包已有评审结果（{other.number}）。", code="result_exists")
    rows = [{k: getattr(c, k) for k in CANDIDATE_FIELDS} for c in candidates(result)]
    clean_candidates(rows, lot.budget, self_purchase=result.self_purchase)
    if not result.self_purchase and not project_services.linked_attachments(result, REPORT_PURPOSE).exists():
        raise FieldErrors({"attachment_ids": "提交前请上传评审报告。"})


# ---- the purchaser's confirmation -----------------------------------------------------------------------


def confirm_deadline(result) -> dt.date:
    """实施条例 43: the purchaser confirms within N working days of receiving the 评审报告."""
    days = PARAMS.award_confirm_workdays(region_code=result.unit.region.code, on=result.report_date)
    return add_working_days(result.report_date, days)


def publish_deadline(result) -> dt.date | None:
    """实施条例 43: 通知书 and 结果公告 within N working days of the confirmation."""
    if result.confirmed_at is None:
        return None
    day = timezone.localdate(result.confirmed_at)
    return add_working_days(day, PARAMS.award_publish_workdays(region_code=result.unit.region.code, on=day))


def confirm_check(result) -> None:
    """The reviewer node's check: a winner other than the first candidate needs its reason."""
    rank = result.winner_rank or 1
    if rank not in {c.rank for c in candidates(result)}:
        raise FieldErrors({"winner_rank": "请从候选人中选择中标（成交）供应商。"})
    if rank != 1 and not result.confirm_reason.strip():
        raise FieldErrors({"confirm_reason": "确定排名第一以外的候选人为中标（成交）供应商时，须填写理由。"})


@transaction.atomic
def result_confirm(*, actor, result, winner_rank=None, reason: str = "", opinion: str = "", version=None) -> Result:
    """确认中标/成交供应商: the reviewer picks the candidate (the first by default; another only with a reason)
    and approves, in one transaction."""
    locked = Result.objects.select_for_update().get(pk=result.pk)
    if version not in (None, "") and str(locked.version) != str(version):
        from core.errors import StaleError

        raise StaleError()
    if "approve" not in engine.available_actions(actor, locked):
        raise NotAllowed("只有采购单位审核岗可以确认中标（成交）供应商。")
    try:
        rank = int(winner_rank) if winner_rank not in (None, "") else 1
    except (TypeError, ValueError):
        raise FieldErrors({"winner_rank": "请从候选人中选择中标（成交）供应商。"}) from None
    locked.winner_rank, locked.confirm_reason = rank, (reason or "").strip()[:2000]
    confirm_check(locked)
    locked.save(update_fields=["winner_rank", "confirm_reason"])
    return engine.approve(locked, actor, opinion=opinion or "确认中标（成交）供应商", version=locked.version)


def _set_winner(result, cand: Candidate) -> None:
    result.winner_id, result.winner_name = cand.supplier_id, cand.supplier_name
    result.winner_credit_code, result.winner_amount = cand.credit_code, cand.amount


def result_confirmed(result, actor) -> None:
    """审核通过 (on_approve): the confirmed candidate becomes the winner and the lot is awarded (refused while the
    procurement is suspended: trading.lot_move)."""
    rank = result.winner_rank or 1
    cand = next(c for c in candidates(result) if c.rank == rank)
    _set_winner(result, cand)
    result.winner_rank = rank
    result.confirmed_at = timezone.now()
    late = timezone.localdate() > confirm_deadline(result) and not result.self_purchase
    result.save(update_fields=["winner_id", "winner_name", "winner_credit_code", "winner_amount", "winner_rank",
                               "confirmed_at", "updated_at"])
    trading_services.lot_move(actor=actor, lot=result.lot, move="award",
                              note=f"评审结果 {result.number}：{cand.supplier_name} ¥{format_yuan(cand.amount)}")
    if late:
        _warn_confirm(result)


def notice_issued(result, actor) -> None:
    """发出中标/成交通知书 (the stage's on_done): its own number."""
    kind = "self_award_notice" if result.self_purchase else "award_notice"
    result.notice_number = numbers.issue(kind, result.unit.region.code, timezone.localdate().year)
    result.notice_issued_at = timezone.now()
    result.save(update_fields=["notice_number", "notice_issued_at"])
    audit.record(actor=actor, action="award_result.notice", obj=result,
                 after={"notice_number": result.notice_number})
    if result.self_purchase:
        return
    _late_publish_check(result)


def result_published(result, actor) -> None:
    """发布结果公告 (the stage's on_done): on the public page from now on."""
    result.published_at = timezone.now()
    result.save(update_fields=["published_at"])
    _late_publish_check(result)


def _late_publish_check(result) -> None:
    deadline = publish_deadline(result)
    if deadline is not None and timezone.localdate() > deadline:
        _warn_publish(result)


# ---- clocks ----------------------------------------------------------------------------------------------


def _label(result) -> str:
    return f"{result.procurement.name} 第{result.lot.seq}包（{result.number}）"


def _warn_confirm(result) -> None:
    if Result.objects.filter(pk=result.pk, confirm_warned=True).exists():
        return
    deadline = confirm_deadline(result)
    supervision.warning_raise(
        kind=CONFIRM_KIND, unit=result.unit, target=key(result), target_label=_label(result), basis=CONFIRM_BASIS,
        message=f"评审报告日期 {result.report_date:%Y-%m-%d}，采购人应于 {deadline:%Y-%m-%d} 前确定中标（成交）供应商，已逾期。",
        once=True)
    Result.objects.filter(pk=result.pk).update(confirm_warned=True)


def _warn_publish(result) -> None:
    if Result.objects.filter(pk=result.pk, publish_warned=True).exists():
        return
    deadline = publish_deadline(result)
    supervision.warning_raise(
        kind=PUBLISH_KIND, unit=result.unit, target=key(result), target_label=_label(result), basis=PUBLISH_BASIS,
        message=f"中标（成交）供应商于 {timezone.localdate(result.confirmed_at):%Y-%m-%d} 确定，应于 {deadline:%Y-%m-%d} "
                f"前发出通知书并发布结果公告，已逾期。", once=True)
    Result.objects.filter(pk=result.pk).update(publish_warned=True)


def scan_deadlines(today: dt.date | None = None) -> int:
    """The periodic job: results waiting for the purchaser past the confirmation deadline, and confirmed results
    not yet published past theirs, raise one 监督预警 each. Returns how many were raised."""
    today = today or timezone.localdate()
    raised = 0
    pending = (Result.objects.filter(status=Status.PENDING, self_purchase=False, confirm_warned=False)
               .select_related("unit__region", "procurement", "lot"))
    for r in pending.iterator(chunk_size=500):
        if today > confirm_deadline(r):
            with transaction.atomic():
                _warn_confirm(r)
            raised += 1
    waiting = (Result.objects.filter(status=Status.APPROVED, self_purchase=False, publish_warned=False,
                                     stage__in=("notice", "publish"))
               .select_related("unit__region", "procurement", "lot"))
    for r in waiting.iterator(chunk_size=500):
        deadline = publish_deadline(r)
        if deadline is not None and today > deadline:
            with transaction.atomic():
                _warn_publish(r)
            raised += 1
    return raised


def run_scan() -> str:
    """core.jobs periodic entry point."""
    return f"{scan_deadlines()} 条预警"


# ---- 预中标（成交）异常处理 ----------------------------------------------------------------------------------


def exception_refusal(result) -> str | None:
    if result.self_purchase:
        return "自行采购结果不适用预中标（成交）异常处理。"
    return None


def ranking(rows) -> list[str]:
    return [r["credit_code"] if isinstance(r, dict) else r.credit_code
            for r in sorted(rows, key=lambda r: r["rank"] if isinstance(r, dict) else r.rank)]


def _winner_of(rows: list[dict], rank: int) -> dict | None:
    return next((r for r in rows if r["rank"] == rank), None)


def is_substantive(req) -> bool:
    """Node condition of the regulator: the method, the ranking or the winner's name changes (JX 异常处理)."""
    result = req.result
    proposed = req.proposed or {}
    rows = proposed.get("candidates") or []
    winner = _winner_of(rows, int(proposed.get("winner_rank") or 1))
    old = proposed.get("old") or _old(result)  # once applied, the result holds the new values
    return (proposed.get("procurement_method", old["method"]) != old["method"]
            or ranking(rows) != old["codes"]
            or winner is None or winner["supplier_name"] != old["winner"])


def _old(result) -> dict:
    from .selectors import _names

    cands = candidates(result)
    return {"method": result.procurement_method, "codes": ranking(cands), "ranking": _names(cands),
            "winner": result.winner_name,
            "amount": str(result.winner_amount) if result.winner_amount is not None else ""}


def exception_needs_competent(req) -> bool:
    """Node condition: the competent unit reviews where the plan's chain includes it (plans' rule)."""
    return plan_services.needs_competent_review(req.result.procurement.plan)


def exception_clean(result, data: dict) -> dict:
    errors: dict = {}
    method = data.get("procurement_method") or result.procurement_method
    try:
        rows = clean_candidates(data.get("candidate") or [], result.budget)
    except FieldErrors as exc:
        errors.update(exc.errors)
        rows = []
    if method != result.procurement_method:
        if why := trading_services.method_change_refusal(result.procurement):
            errors["procurement_method"] = why
    rank = data.get("winner_rank") or 1
    if rows and _winner_of(rows, rank) is None:
        errors["winner_rank"] = "请从候选人中选择中标（成交）供应商。"
    if rows and rank != 1 and not (data.get("winner_reason") or "").strip():
        errors["winner_reason"] = "确定排名第一以外的候选人为中标（成交）供应商时，须填写理由。"
    if errors:
        raise FieldErrors(errors)
    return {"procurement_method": method, "winner_rank": rank, "winner_reason": (data.get("winner_reason") or "").strip(),
            "candidates": [{**r, "amount": str(r["amount"]), "score": None if r["score"] is None else str(r["score"])}
                           for r in rows]}


def exception_apply(req, result, actor) -> None:
    """Approval: the new ranking and winner (and method) replace the old; the notice and the 结果公告 are issued
    again (the result goes back to 待发出)."""
    proposed = req.proposed
    req.proposed = {**proposed, "old": _old(result)}
    req.save(update_fields=["proposed"])
    rows = [{**r, "amount": Decimal(r["amount"]), "score": None if r["score"] is None else Decimal(r["score"])}
            for r in proposed["candidates"]]
    write_candidates(result, rows)
    method = proposed["procurement_method"]
    if method != result.procurement.procurement_method:  # the procurement's and the plan's method follow
        note = f"预中标（成交）异常处理 {req.number}：{req.reason}"
        proc = trading_services.procurement_method_change(actor=actor, procurement=result.procurement, method=method,
                                                          reason=note)
        plan_services.plan_method_change(actor=actor, plan=proc.plan, method=method, reason=note)
    result.procurement_method = method
    result.winner_rank = int(proposed["winner_rank"])
    result.confirm_reason = proposed.get("winner_reason", "")
    cand = next(c for c in candidates(result) if c.rank == result.winner_rank)
    _set_winner(result, cand)
    result.stage = "notice"
    result.notice_number, result.notice_issued_at, result.published_at = "", None, None
    result.confirmed_at = timezone.now()
    result.publish_warned = False


def load_for_exception(result) -> dict:
    """The exception form's first values: the result as it stands."""
    return {"procurement_method": result.procurement_method, "winner_rank": result.winner_rank or 1}
