"""Reads of 评审结果, always scoped: the purchaser's staff (and competent unit, the regulator of its region) through
`unit`; the organizer (agency) through `organizer`. The public 结果公告 reads only published results."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from access import rights
from access.scope import Acting, get_or_404, scoped
from attachments.selectors import attachments_for
from core.money import amount_in_words, format_yuan
from joint import selectors as joint_selectors
from orgs.models import Unit
from plans import selectors as plan_selectors
from trading import selectors as trading
from workflow import engine
from workflow.models import Status

from .models import Candidate, Result, ResultRequest

SCOPE = ("unit", Acting("organizer"))
CENT = Decimal("0.01")
PUBLISHED_STAGE = "publish_done"


def _qs():
    return Result.objects.select_related("unit", "organizer", "procurement", "lot", "created_by")


def visible(user) -> QuerySet:
    return scoped(_qs(), user, SCOPE)


def get(user, pk) -> Result:
    return get_or_404(_qs(), user, SCOPE, pk=pk)


def candidates(result) -> list[Candidate]:
    return list(Candidate.objects.filter(result=result, is_active=True).select_related("supplier")
                .order_by("rank", "seq"))


def lot_choices(user) -> list[tuple[int, str]]:
    """The open lots of the procurements the user organises (the result form's 采购包)."""
    if user is None or not getattr(user, "is_authenticated", False) or user.unit_id is None:
        return []
    out = []
    procs = trading.visible(user).filter(organizer_id=user.unit_id, status__in=("accepted", "in_progress"))
    for proc in procs.order_by("-id")[:200]:
        if proc.status == "accepted" and not proc.self_purchase:
            continue
        if not rights.is_organizer_of(user, proc):
            continue
        for lot in trading.open_lots(proc):
            out.append((lot.pk, f"{proc.number} {proc.name} · 第{lot.seq}包 {lot.name}（预算 {format_yuan(lot.budget)} 元）"))
    return out


def supplier_choices() -> list[tuple[int, str]]:
    return [(u.pk, f"{u.name}（{u.credit_code}）") for u in
            Unit.objects.filter(kind=Unit.KIND_SUPPLIER).order_by("name")[:500]]


def method_choices() -> list[tuple[str, str]]:
    """采购方式 as plans name them (plans has no selector for the list; the field's choices are read)."""
    field = apps.get_model("plans", "Plan")._meta.get_field("procurement_method")
    return [(c, label) for c, label in field.choices if c]


def method_label(code: str) -> str:
    return plan_selectors.method_label(code)


# ---- pages ---------------------------------------------------------------------------------------------------


def detail_context(user, result) -> dict:
    from . import services

    cands = candidates(result)
    deadline = services.confirm_deadline(result) if not result.self_purchase else None
    return {"candidates": cands, "attachments": attachments_for(user, result),
            "confirm_deadline": deadline, "publish_deadline": services.publish_deadline(result),
            "confirm_days": services.PARAMS.award_confirm_workdays(region_code=result.unit.region.code,
                                                                    on=result.report_date) if deadline else None,
            "method_text": method_label(result.procurement_method),
            "can_confirm": "approve" in engine.available_actions(user, result),
            "line_tables": []}


def notice_context(user, pk) -> dict:
    """The printable 中标/成交通知书 (or 自行采购中标通知书): only once issued."""
    result = get(user, pk)
    if not result.notice_number:
        raise Http404("通知书尚未发出")
    from .services import PARAMS

    issued = timezone.localdate(result.notice_issued_at) if result.notice_issued_at else None
    return {"r": result, "words": amount_in_words(result.winner_amount),
            "method_text": method_label(result.procurement_method),
            "sign_days": PARAMS.contract_sign_days(region_code=result.unit.region.code, on=issued)}


def panel_context(request, procurement) -> dict | None:
    """The 评审结果 section of the 采购项目执行 page: each lot's results, and 录入评审结果 for the organizer."""
    user = request.user
    rows = list(visible(user).filter(procurement=procurement).order_by("lot__seq", "-id"))
    organizer = rights.is_organizer_of(user, procurement) and rights.may_record_results(user)
    from . import services

    lots = []
    for lot in trading.lots(procurement):
        may_add = (organizer and services.refusal(procurement, lot) is None
                   and services.open_result(lot, procurement.round) is None)
        lots.append({"lot": lot, "results": [r for r in rows if r.lot_id == lot.pk],
                     "new_url": f"{reverse('awards:new')}?lot_id={lot.pk}" if may_add else ""})
    if not rows and not any(x["new_url"] for x in lots):
        return None
    return {"lots": lots}


# ---- the contracts issue's input -------------------------------------------------------------------------


def awarded_for_contracts(procurement) -> list[dict]:
    """One row per winner per lot of the confirmed results (the latest of each lot): what the contracts issue
    turns into contracts. For a 统招分签 plan, one row per responding unit with its share of the lot, the award
    split in proportion to what each unit's response took of the lot's lines (the last unit takes the rounding)."""
    results = (Result.objects.filter(procurement=procurement, status=Status.APPROVED, confirmed_at__isnull=False)
               .select_related("lot", "unit", "winner").order_by("lot__seq", "-id"))
    seen, out = set(), []
    plan = procurement.plan
    shares_by_lot = _joint_shares(procurement) if plan.joint_project_id else {}
    for r in results:
        if r.lot_id in seen:
            continue
        seen.add(r.lot_id)
        base = {"result_id": r.pk, "result_number": r.number, "lot_id": r.lot_id, "lot_seq": r.lot.seq,
                "lot_name": r.lot.name, "supplier_id": r.winner_id, "supplier_name": r.winner_name,
                "credit_code": r.winner_credit_code, "notice_number": r.notice_number,
                "self_purchase": r.self_purchase}
        shares = shares_by_lot.get(r.lot_id)
        if not shares:
            out.append({**base, "unit_id": r.unit_id, "unit_name": r.unit.name, "amount": r.winner_amount,
                        "share": Decimal("1")})
            continue
        total = sum(shares.values(), Decimal("0"))
        left = r.winner_amount
        units = Unit.objects.in_bulk(list(shares))
        for i, (unit_id, taken) in enumerate(shares.items()):
            last = i == len(shares) - 1
            amount = left if last else (r.winner_amount * taken / total).quantize(CENT, ROUND_HALF_UP)
            left -= amount
            out.append({**base, "unit_id": unit_id, "unit_name": units[unit_id].name, "amount": amount,
                        "share": (taken / total).quantize(Decimal("0.0001"))})
    return out


def _joint_shares(procurement) -> dict[int, dict[int, Decimal]]:
    """{lot id: {unit id: amount its response took of the lot's lines}} of a 统招分签 procurement."""
    plan = procurement.plan
    collected = joint_selectors.summary(plan.joint_project)
    source = {ln.seq: ln.source_line_id for ln in plan_selectors.plan_lines(plan)}
    taken = {r.unit_id: joint_selectors.response_lines(r) for r in collected.responses}
    out: dict[int, dict[int, Decimal]] = {}
    for lot_id, lines in trading.lot_lines(procurement).items():
        per_unit: dict[int, Decimal] = {}
        for ln in lines:
            joint_line = source.get(ln.plan_line_seq)
            for unit_id, rows in taken.items():
                if (rl := rows.get(joint_line)) is not None:
                    per_unit[unit_id] = per_unit.get(unit_id, Decimal("0")) + rl.amount
        out[lot_id] = {u: a for u, a in per_unit.items() if a > 0}
    return out


# ---- 预中标（成交）异常处理 ----------------------------------------------------------------------------------


def _names(rows) -> str:
    return " > ".join(f"{r['rank']}.{r['supplier_name']}" if isinstance(r, dict) else f"{r.rank}.{r.supplier_name}"
                      for r in sorted(rows, key=lambda r: r["rank"] if isinstance(r, dict) else r.rank))


def exception_diff(req, result) -> list[dict]:
    """Old → new of an exception: while pending, the result as it is against the proposal; once approved the
    result already holds the new values, so the old ones are read from the request's snapshot."""
    p = req.proposed or {}
    rows = p.get("candidates") or []
    winner = next((r for r in rows if r["rank"] == int(p.get("winner_rank") or 1)), None)
    old = p.get("old") or {"method": result.procurement_method, "ranking": _names(candidates(result)),
                           "winner": result.winner_name,
                           "amount": str(result.winner_amount) if result.winner_amount is not None else ""}
    return [{"label": "采购方式", "old": method_label(old["method"]), "new": method_label(p.get("procurement_method", ""))},
            {"label": "候选人排序", "old": old["ranking"], "new": _names(rows)},
            {"label": "中标（成交）供应商", "old": old["winner"], "new": winner["supplier_name"] if winner else ""},
            {"label": "中标（成交）金额（元）", "old": format_yuan(Decimal(old["amount"])) if old["amount"] else "",
             "new": format_yuan(Decimal(winner["amount"])) if winner else ""}]


def exception_form_context(request, ctx, table) -> dict:
    req, target = ctx.get("req"), ctx["target"]
    if request.method == "POST":
        rows = table.rows_from(request.POST)
    elif req is not None:
        rows = [{k: ("" if v is None else v) for k, v in r.items()} for r in (req.proposed or {}).get("candidates", [])]
    else:
        rows = [{c.name: getattr(x, c.name) for c in table.columns} for x in candidates(target)]
    return {"table": table, "rows": rows, "line_errors": ctx.get("errors") or {}}


def exception_detail_context(user, ctx) -> dict:
    from . import services

    req = ctx["req"]
    return {"substantive": services.is_substantive(req) if req.status != Status.APPROVED else None,
            "proposed_rows": (req.proposed or {}).get("candidates", [])}


def requests_visible(user) -> QuerySet:
    return scoped(ResultRequest.objects.select_related("unit", "organizer", "result", "result__procurement",
                                                       "result__lot"), user, SCOPE)


# ---- the public 结果公告 ---------------------------------------------------------------------------------------


def published() -> QuerySet:
    return (Result.objects.filter(status=Status.APPROVED, stage=PUBLISHED_STAGE, self_purchase=False)
            .select_related("unit", "organizer", "procurement", "lot"))


def published_one(pk) -> Result:
    result = published().filter(pk=pk).first()
    if result is None:
        raise Http404("结果公告不存在")
    return result


def public_context(result) -> dict:
    return {"r": result, "candidates": candidates(result), "method_text": method_label(result.procurement_method),
            "words": amount_in_words(result.winner_amount)}
