"""What an approved request does to the project and its money. Every movement goes through budgets.ledger:
a 追加 / 替换 (and a 变更 that raises fund lines) reserved its extra money under the request itself at 提交; approval
moves it to the project."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from budgets import ledger

from ..models import ContentLine, FundLine, Project, ProjectRequest
from .rules import CHANGE_FIELDS, ZERO, active_fund_lines, project_held


def release_request(req: ProjectRequest, actor, reason: str) -> None:
    if ledger.held(ledger.holder_key(req)):
        ledger.release(actor=actor, holder=ledger.holder_key(req), reason=reason)



def _set_fund_lines(project: Project, target: dict[int, Decimal]) -> None:
    """Make the active fund lines equal `target`: changed lines are deactivated and replaced, never deleted."""
    current = {ln.indicator_id: ln for ln in FundLine.objects.filter(project=project, is_active=True)}
    for ind, line in current.items():
        if target.get(ind, ZERO) != line.amount:
            line.is_active = False
            line.save(update_fields=["is_active"])
    for ind, amount in target.items():
        if amount > 0 and (ind not in current or current[ind].amount != amount):
            FundLine.objects.create(project=project, indicator_id=ind, amount=amount)


def apply_funds(req: ProjectRequest, project: Project, actor) -> None:
    holder = ledger.holder_key(project)
    target = active_fund_lines(project)
    give_back: dict[int, Decimal] = defaultdict(lambda: ZERO)
    take: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for m in req.fund_moves.all():
        if req.kind == ProjectRequest.KIND_FUND_RECLAIM:
            give_back[m.indicator_id] += m.amount
        else:
            take[m.indicator_id] += m.amount
            if req.kind == ProjectRequest.KIND_FUND_REPLACE:
                give_back[m.from_indicator_id] += m.amount
    if take:  # the request's reservation becomes the project's
        ledger.release(actor=actor, holder=ledger.holder_key(req), amounts=dict(take),
                       reason=f"{req.get_kind_display()}转入项目 {req.number}")
        ledger.reserve(actor=actor, holder=holder, amounts=dict(take),
                       reason=f"{req.get_kind_display()} {req.number}")
    if give_back:
        ledger.release(actor=actor, holder=holder, amounts=dict(give_back),
                       reason=f"{req.get_kind_display()} {req.number}")
    for ind, amt in take.items():
        target[ind] = target.get(ind, ZERO) + amt
    for ind, amt in give_back.items():
        target[ind] = target.get(ind, ZERO) - amt
    _set_fund_lines(project, {k: v for k, v in target.items() if v > 0})
    project.total_amount = sum((v for v in target.values() if v > 0), ZERO)
    p = req.proposed or {}
    if p.get("content_lines") is not None:  # 追加 / 回收: the lines agree with the new 项目金额 (checked above)
        _replace_lines(project, p["content_lines"])
        project.is_gov_procurement = p.get("is_gov_procurement", project.is_gov_procurement)


def _replace_lines(project: Project, lines: list[dict]) -> None:
    ContentLine.objects.filter(project=project, is_active=True).update(is_active=False)  # kept, never deleted
    for seq, ln in enumerate(lines, start=1):
        ContentLine.objects.create(project=project, seq=seq, category_id=ln["category"],
                                   item_name=ln["item_name"], quantity=Decimal(ln["quantity"]),
                                   measure_unit=ln["measure_unit"], unit_price=Decimal(ln["unit_price"]),
                                   amount=Decimal(ln["amount"]))


def apply_change(req: ProjectRequest, project: Project, actor) -> None:
    p = req.proposed or {}
    for name in CHANGE_FIELDS:
        if name in p:
            setattr(project, name, p[name])
    if p.get("content_lines") is not None:
        _replace_lines(project, p["content_lines"])
        project.total_amount = sum((Decimal(ln["amount"]) for ln in p["content_lines"]), ZERO)
        if "is_gov_procurement" in p:
            project.is_gov_procurement = p["is_gov_procurement"]
    if p.get("fund_lines") is not None:
        holder = ledger.holder_key(project)
        new = {f["indicator"]: Decimal(f["amount"]) for f in p["fund_lines"]}
        release_request(req, actor, f"变更转入项目 {req.number}")
        if project_held(project):
            ledger.release(actor=actor, holder=holder, reason=f"项目变更 {req.number}（重新占用）")
        ledger.reserve(actor=actor, holder=holder, amounts=new, reason=f"项目变更 {req.number}")
        _set_fund_lines(project, new)
        project.total_amount = sum(new.values(), ZERO)

