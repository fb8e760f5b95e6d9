"""Requests on an approved project (DESIGN §5): 撤销, 变更, 资金替换/追加/回收, 结项 — each its own document going
clerk → 需求领导 through the engine; its approval applies the change to the project. And 实施形式变更 (2.3).

The rules of a kind are checked when the request is created or saved, again when it is submitted, and again
when the leader approves it: the project may have been used, closed or had its contract filed in between.

Money: a 追加 / 替换 (and a 变更 that raises fund lines) reserves the extra money under the request itself when it
is submitted, so it is there while the leader decides; withdrawing or returning it releases that; approval
moves it to the project. Every movement goes through budgets.ledger.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from audit import services as audit
from budgets import ledger
from budgets.models import BudgetIndicator
from budgets.selectors import budget_office_names
from core import numbers
from core.errors import BusinessError, FieldErrors, NotAllowed, StaleError
from core.models import Category
from core.money import MAX_AMOUNT, MAX_AMOUNT_MESSAGE, parse_decimal
from core.validation import phone_problem
from orgs.models import Role
from workflow import engine
from workflow.models import Status

from .models import ContentLine, FundLine, ImplementationForm, Project, ProjectRequest

ZERO = Decimal("0")
CENT = Decimal("0.01")
KINDS = dict(ProjectRequest.KINDS)
KIND_ORDER = [k for k, _ in ProjectRequest.KINDS]
FUND_KINDS = (ProjectRequest.KIND_FUND_REPLACE, ProjectRequest.KIND_FUND_ADD, ProjectRequest.KIND_FUND_RECLAIM)
UNUSED_ONLY = (ProjectRequest.KIND_REVOKE, ProjectRequest.KIND_CHANGE)
OPEN_STATUSES = (Status.DRAFT, Status.PENDING)  # a withdrawn request is closed unless submitted again
CHANGE_FIELDS = {"name": "项目名称", "summary": "项目概况", "contact_name": "联系人", "contact_phone": "联系电话"}
REQUEST_FIELDS = ["kind", "reason", "budget_office", "proposed"]
CLOSED_FUNDS = "项目已结项，不能进行资金操作。"
OFFICE_NOT_OFFERED = "请从列表中选择指标管理处室。"
# the attachment each kind must carry (FJ 2.2.2 撤销说明, 2.2.5 结项)
REQUIRED_ATTACHMENTS = {ProjectRequest.KIND_REVOKE: "项目撤销说明附件", ProjectRequest.KIND_CLOSE: "项目结项附件"}


# ---- the rules ------------------------------------------------------------------------------------------


def project_refusal(project: Project, kind: str) -> str | None:
    """Why `kind` may not be requested on the project in its current state (None: it may)."""
    label = KINDS.get(kind)
    if label is None:
        return "申请类型不正确。"
    if project.status != Status.APPROVED:
        return "只有已审核通过的项目可以发起撤销、变更、资金调整或结项申请。"
    if project.revoked_at is not None:
        return "项目已撤销，不能再发起申请。"
    if kind in UNUSED_ONLY:
        if project.used_by:
            return f"项目已被使用，不能{label}；使用后只能进行资金替换、追加、回收。"
        if project.closed_at is not None:
            return f"项目已结项，不能{label}。"
    elif kind in FUND_KINDS:
        if project.closed_at is not None:
            return CLOSED_FUNDS
        if not project.used_by:
            return "项目尚未被使用，不能进行资金替换、追加、回收；未使用的项目请通过「变更」调整项目资金构成。"
    elif kind == ProjectRequest.KIND_CLOSE:
        if project.closed_at is not None:
            return "项目已结项，不能重复结项。"
        if project.contract_filed_at is None:
            return "项目合同尚未备案，不能结项。"
    return None


def is_unit_clerk(user, project) -> bool:
    return (user.is_authenticated and user.has_role(Role.CLERK) and user.unit_id is not None
            and user.unit_id == project.unit_id)


def open_request(project: Project, exclude_pk: int | None = None) -> ProjectRequest | None:
    qs = ProjectRequest.objects.filter(project=project, status__in=OPEN_STATUSES)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("-id").first()


def allowed_requests(user, project: Project) -> list[str]:
    """The kinds this user may start on the project now: the buttons shown and the service agree."""
    if not is_unit_clerk(user, project) or open_request(project) is not None:
        return []
    return [k for k in KIND_ORDER if project_refusal(project, k) is None]


def can_change_form(user, project: Project) -> bool:
    return is_unit_clerk(user, project) and _form_change_refusal(project) is None


def _form_change_refusal(project: Project) -> str | None:
    if project.status != Status.APPROVED:
        return "只有已审核通过的项目可以变更实施形式。"
    if project.revoked_at is not None:
        return "项目已撤销，不能变更实施形式。"
    if project.closed_at is not None:
        return "项目已结项，不能变更实施形式。"
    if project.used_by:
        return "项目已被使用，不能变更实施形式。"
    return None


# ---- reading -------------------------------------------------------------------------------------------


def project_held(project: Project) -> dict[int, Decimal]:
    return ledger.held(ledger.holder_key(project))


def active_fund_lines(project: Project) -> dict[int, Decimal]:
    out: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for line in FundLine.objects.filter(project=project, is_active=True):
        out[line.indicator_id] += line.amount
    return dict(out)


def unit_indicators(project: Project):
    """Indicators a request on the project may draw on: the unit's valid, executable ones."""
    return (BudgetIndicator.objects.filter(unit_id=project.unit_id, is_valid=True, is_executable=True)
            .order_by("-fiscal_year", "bgt_id"))


def change_diff(req: ProjectRequest) -> dict:
    """Old → new of a 变更 request: scalar fields, content lines and (if proposed) fund lines."""
    project = req.project
    p = req.proposed or {}
    fields = [{"label": label, "old": getattr(project, name), "new": p.get(name, getattr(project, name)),
               "changed": name in p and p[name] != getattr(project, name)} for name, label in CHANGE_FIELDS.items()]
    if "is_gov_procurement" in p and p["is_gov_procurement"] != project.is_gov_procurement:
        fields.append({"label": "是否政府采购", "old": "是" if project.is_gov_procurement else "否",
                       "new": "是" if p["is_gov_procurement"] else "否", "changed": True})
    old_lines = list(ContentLine.objects.filter(project=project, is_active=True).select_related("category"))
    for ln in old_lines:
        ln.qty = _qty(ln.quantity)
    cats = {c.pk: c for c in Category.objects.filter(pk__in=[ln.get("category") for ln in p.get("content_lines", [])])}
    new_lines = [{**ln, "category_obj": cats.get(ln.get("category")), "qty": ln["quantity"],
                  "unit_price": Decimal(ln["unit_price"]), "amount": Decimal(ln["amount"])}
                 for ln in p.get("content_lines", [])]
    old_funds = list(FundLine.objects.filter(project=project, is_active=True).select_related("indicator"))
    inds = BudgetIndicator.objects.in_bulk([f["indicator"] for f in p.get("fund_lines") or []])
    new_funds = [{"indicator": inds.get(f["indicator"]), "amount": Decimal(f["amount"])}
                 for f in p.get("fund_lines") or []]
    return {
        "fields": fields,
        "fields_changed": any(f["changed"] for f in fields),
        "lines_changed": "content_lines" in p,
        "old_lines": old_lines, "new_lines": new_lines,
        "old_total": sum((ln.amount for ln in old_lines), ZERO),
        "new_total": sum((ln["amount"] for ln in new_lines), ZERO),
        "funds_changed": "fund_lines" in p,
        "old_funds": old_funds, "new_funds": new_funds,
        "old_fund_total": sum((f.amount for f in old_funds), ZERO),
        "new_fund_total": sum((f["amount"] for f in new_funds), ZERO),
    }


# ---- validation of the request's content ---------------------------------------------------------------


_amount = parse_decimal


def _qty(d: Decimal) -> str:
    return format(d.normalize(), "f")


def _pk(value):
    if value in (None, ""):
        return None
    if isinstance(value, BudgetIndicator | Category):
        return value.pk
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _clean_moves(project: Project, kind: str, moves, *, check_available: bool) -> list[dict]:
    """Normalize and check the lines of a fund request. Raises FieldErrors keyed 'moves' / 'moves.<i>'."""
    errors: dict[str, str] = {}
    rows = []
    for i, raw in enumerate(moves or []):
        ind, frm, amt = _pk(raw.get("indicator")), _pk(raw.get("from_indicator")), _amount(raw.get("amount"))
        if ind is None and frm is None and amt is None:
            continue  # an empty row of the table
        rows.append((i, frm, ind, amt))
    if not rows:
        raise FieldErrors({"moves": "请至少填写一行资金明细。"})
    held = project_held(project)
    usable = {i.pk: i for i in unit_indicators(project)}
    all_ids = {r[1] for r in rows if r[1]} | {r[2] for r in rows if r[2]}
    names = BudgetIndicator.objects.in_bulk(list(all_ids))
    out = []
    seen = set()
    taken_from: dict[int, Decimal] = defaultdict(lambda: ZERO)
    added: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for i, frm, ind, amt in rows:
        n = i + 1
        if amt is None or amt <= 0:
            errors[f"moves.{i}"] = f"第{n}行：金额必须大于0。"
            continue
        if amt > MAX_AMOUNT:  # before quantize: 1e27 cannot be quantized
            errors[f"moves.{i}"] = f"第{n}行：{MAX_AMOUNT_MESSAGE}"
            continue
        if amt != amt.quantize(CENT):
            errors[f"moves.{i}"] = f"第{n}行：金额最多两位小数。"
            continue
        if kind == ProjectRequest.KIND_FUND_RECLAIM:
            if ind is None or ind not in held:
                errors[f"moves.{i}"] = f"第{n}行：请选择本项目占用的指标。"
                continue
            taken_from[ind] += amt
            if taken_from[ind] > held[ind]:
                errors[f"moves.{i}"] = (f"第{n}行：回收金额不能超过项目在该指标上的占用金额"
                                        f" {held[ind]:,.2f} 元。")
                continue
        else:
            if ind is None or ind not in usable:
                errors[f"moves.{i}"] = (f"第{n}行：指标「{names[ind]}」已失效、不可执行或不属于本单位。" if ind in names
                                        else f"第{n}行：请选择本单位有效的指标。")
                continue
            if usable[ind].fiscal_year != project.fiscal_year:
                errors[f"moves.{i}"] = (f"第{n}行：指标「{usable[ind]}」属于{usable[ind].fiscal_year}年度，"
                                        f"与项目预算年度（{project.fiscal_year}）不一致。")
                continue
            if kind == ProjectRequest.KIND_FUND_REPLACE:
                if frm is None or frm not in held:
                    errors[f"moves.{i}"] = f"第{n}行：请选择要替换的本项目指标。"
                    continue
                if frm == ind:
                    errors[f"moves.{i}"] = f"第{n}行：替换后的指标不能与原指标相同。"
                    continue
                taken_from[frm] += amt
                if taken_from[frm] > held[frm]:
                    errors[f"moves.{i}"] = (f"第{n}行：替换金额不能超过项目在原指标上的占用金额"
                                            f" {held[frm]:,.2f} 元。")
                    continue
            key = (frm, ind)
            if key in seen:
                errors[f"moves.{i}"] = f"第{n}行：指标重复，请合并为一行。"
                continue
            seen.add(key)
            added[ind] += amt
            if check_available and added[ind] > usable[ind].available:
                errors[f"moves.{i}"] = (f"第{n}行：指标「{usable[ind]}」可用金额 {usable[ind].available:,.2f} 元，"
                                        f"不足 {added[ind]:,.2f} 元。")
                continue
        out.append({"from_indicator": frm if kind == ProjectRequest.KIND_FUND_REPLACE else None,
                    "indicator": ind, "amount": amt})
    if kind == ProjectRequest.KIND_FUND_REPLACE:
        for _i, _frm, ind, _amt in rows:
            if ind in taken_from:
                errors.setdefault("moves", "同一指标不能既被替换又作为替换后的指标。")
    if errors:
        raise FieldErrors(errors)
    return out


def _clean_proposed(project: Project, proposed: dict | None, *, check_available: bool) -> dict:
    """Normalize and check the proposed values of a 变更: the same line rules as 立项 (projects.services).

    Raises FieldErrors keyed by field, 'content_lines.N.<field>' and 'fund_lines.N.<field>'."""
    from . import services

    proposed = proposed or {}
    errors: dict[str, str] = {}
    out: dict = {}
    for name in CHANGE_FIELDS:
        if name in proposed:
            out[name] = (proposed.get(name) or "").strip()
    if "name" in out and not out["name"]:
        errors["name"] = "请填写项目名称。"
    for name, label, size in (("name", "项目名称", 200), ("summary", "项目概况", 2000), ("contact_name", "联系人", 30),
                              ("contact_phone", "联系电话", 30)):
        if len(out.get(name, "")) > size:
            errors[name] = f"{label}不能超过{size}个字。"
    if problem := phone_problem(out.get("contact_phone", "")):
        errors["contact_phone"] = problem

    lines = None
    if "content_lines" in proposed:
        raw = [ln for ln in proposed.get("content_lines") or []
               if any(ln.get(k) not in (None, "") for k in ("category", "item_name", "quantity", "unit_price"))]
        cleaned = services.clean_content_lines(raw, project.procurement_kind, errors)
        if not any(k.startswith("content_lines") for k in errors):
            lines = _line_dicts(cleaned)
            if sum((ln["amount"] for ln in cleaned), ZERO) <= 0:
                errors["content_lines"] = "项目金额（采购内容清单合计）必须大于0。"
    funds = None
    if proposed.get("fund_lines") is not None:
        funds = []
        indicators = BudgetIndicator.objects.in_bulk(
            [i for i in (_pk(f.get("indicator")) for f in proposed["fund_lines"]) if i])
        held = project_held(project)
        seen = set()
        raw = [f for f in proposed["fund_lines"] if _pk(f.get("indicator")) or _amount(f.get("amount"))]
        if not raw:
            errors["fund_lines"] = "项目资金构成至少需要选择一个指标。"
        for i, f in enumerate(raw):
            key, n = f"fund_lines.{i}", i + 1
            ind, amt = indicators.get(_pk(f.get("indicator"))), _amount(f.get("amount"))
            if ind is None:
                errors[f"{key}.indicator"] = f"第{n}行：请选择本单位的指标。"
            elif ind.unit_id != project.unit_id:  # e.g. moved by 重置预算匹配 since the draft was saved
                errors[f"{key}.indicator"] = f"第{n}行：指标「{ind}」不属于本单位，请重新选择。"
                ind = None
            elif ind.pk in seen:
                errors[f"{key}.indicator"] = f"第{n}行：指标「{ind}」重复选择，同一指标只能填写一行。"
            elif not ind.usable:
                errors[f"{key}.indicator"] = f"第{n}行：指标「{ind}」已失效或不可执行，不能使用。"
            elif ind.fiscal_year != project.fiscal_year:
                errors[f"{key}.indicator"] = (f"第{n}行：指标「{ind}」属于{ind.fiscal_year}年度，"
                                              f"与项目预算年度（{project.fiscal_year}）不一致。")
            elif amt is not None and amt > MAX_AMOUNT:  # before quantize: 1e27 cannot be quantized
                errors[f"{key}.amount"] = f"第{n}行：{MAX_AMOUNT_MESSAGE}"
            elif amt is None or amt <= 0 or amt != amt.quantize(CENT):
                errors[f"{key}.amount"] = f"第{n}行：本次使用金额必须大于0，最多两位小数（元）。"
            elif check_available and amt - held.get(ind.pk, ZERO) > ind.available:
                errors[f"{key}.amount"] = (f"第{n}行：指标「{ind}」可用金额 {ind.available:,.2f} 元，"
                                           f"不足新增使用的 {amt - held.get(ind.pk, ZERO):,.2f} 元。")
            else:
                funds.append({"indicator": ind.pk, "amount": str(amt.quantize(CENT))})
            if ind is not None:
                seen.add(ind.pk)
        out["fund_lines"] = funds
    if lines is not None:
        out["content_lines"] = lines
    if not errors:
        content_total = (sum((Decimal(ln["amount"]) for ln in lines), ZERO) if lines is not None
                         else sum((ln.amount for ln in project.content_lines.filter(is_active=True)), ZERO))
        fund_total = (sum((Decimal(f["amount"]) for f in funds), ZERO) if funds is not None
                      else sum(active_fund_lines(project).values(), ZERO))
        if content_total != fund_total:
            errors["fund_lines" if funds is not None else "content_lines"] = (
                f"项目资金构成合计 {fund_total:,.2f} 元与项目金额（采购内容清单合计）{content_total:,.2f} 元不一致。")
    if not errors:
        _drop_unchanged(project, out)
        if not out:
            errors["reason"] = "变更内容与原项目相同，请修改需要变更的内容。"
    if not errors and out.get("content_lines") is not None:
        like = _project_like(project, out)
        out["is_gov_procurement"] = like.is_gov_procurement
        _check_form(like, project.implementation_form, field="content_lines")
    if errors:
        raise FieldErrors(errors)
    return out


def _line_dicts(cleaned: list[dict]) -> list[dict]:
    """Cleaned content lines as stored in a request's proposal."""
    return [{"category": ln["category"].pk, "item_name": ln["item_name"], "quantity": _qty(ln["quantity"]),
             "measure_unit": ln["measure_unit"], "unit_price": str(ln["unit_price"].quantize(CENT)),
             "amount": str(ln["amount"].quantize(CENT))} for ln in cleaned]


def _clean_fund_content(project: Project, kind: str, moves: list[dict], proposed: dict | None,
                        errors: dict) -> dict:
    """追加 / 回收 change the 项目金额: the clerk adjusts the 采购内容清单 in the same request so that its total is the
    new amount, and the project is derived again from it (是否政府采购, the 实施形式's rules)."""
    from . import services

    funds_total = sum(active_fund_lines(project).values(), ZERO)
    moved = sum((m["amount"] for m in moves), ZERO)
    new_total = funds_total + moved if kind == ProjectRequest.KIND_FUND_ADD else funds_total - moved
    if new_total <= 0:
        errors["moves"] = "不能回收项目的全部资金；如项目不再实施，请发起撤销申请。"
        return {}
    raw = [ln for ln in (proposed or {}).get("content_lines") or []
           if any(ln.get(k) not in (None, "") for k in ("category", "item_name", "quantity", "unit_price"))]
    label = KINDS[kind]
    if raw:
        cleaned = services.clean_content_lines(raw, project.procurement_kind, errors)
        if any(k.startswith("content_lines") for k in errors):
            return {}
        lines_total = sum((ln["amount"] for ln in cleaned), ZERO)
    else:
        cleaned, lines_total = [], sum((ln.amount for ln in project.content_lines.filter(is_active=True)), ZERO)
    if not raw or lines_total != new_total:
        errors["content_lines"] = (f"采购内容清单合计 {lines_total:,.2f} 元与{label}后的项目金额 {new_total:,.2f} 元"
                                   "不一致，请在本申请中调整采购内容清单。")
        return {}
    out = {"content_lines": _line_dicts(cleaned)}
    like = _project_like(project, out)
    out["is_gov_procurement"] = like.is_gov_procurement
    _check_form(like, project.implementation_form, field="moves")
    return out


def _drop_unchanged(project: Project, out: dict) -> None:
    """Keep in the proposal only what differs from the project, so the request shows exactly its change."""
    for name in CHANGE_FIELDS:
        if name in out and out[name] == getattr(project, name):
            del out[name]
    if out.get("content_lines") is not None:
        old = [{"category": ln.category_id, "item_name": ln.item_name, "quantity": _qty(ln.quantity),
                "measure_unit": ln.measure_unit, "unit_price": str(ln.unit_price.quantize(CENT)),
                "amount": str(ln.amount.quantize(CENT))}
               for ln in project.content_lines.filter(is_active=True).order_by("seq")]
        if old == out["content_lines"]:
            del out["content_lines"]
    if out.get("fund_lines") is not None:
        new = {f["indicator"]: Decimal(f["amount"]) for f in out["fund_lines"]}
        if new == active_fund_lines(project):
            del out["fund_lines"]


def _project_like(project: Project, out: dict):
    """The project as the 变更 would leave it, for the implementation-form rules: the new 项目金额, and 是否政府采购
    derived again from it (at or above the 限额 it is 是; below it only the unit's cumulative declaration keeps 是)."""
    from . import services

    clone = Project.objects.select_related("unit__region").get(pk=project.pk)
    for name in CHANGE_FIELDS:
        if name in out:
            setattr(clone, name, out[name])
    if out.get("content_lines") is not None:
        clone.total_amount = sum((Decimal(ln["amount"]) for ln in out["content_lines"]), ZERO)
        cats = Category.objects.in_bulk([ln["category"] for ln in out["content_lines"]])
        clone.catalogue_categories = [cats[ln["category"]] for ln in out["content_lines"] if ln["category"] in cats]
        is_gov, forced, _limit = services.derive_gov_procurement(
            unit=clone.unit, kind=clone.procurement_kind, total=clone.total_amount,
            declared=project.is_gov_procurement and bool(project.cumulative_reason), on=services.rule_date(project),
            categories=clone.catalogue_categories)
        clone.is_gov_procurement = is_gov
    return clone


def _check_form(project_like, form: str, *, field: str = "implementation_form") -> None:
    from .services import check_implementation_form

    try:
        reason = check_implementation_form(project_like, form)
    except FieldErrors as exc:
        raise FieldErrors({field: next(iter(exc.errors.values()), exc.message)}) from exc
    except BusinessError as exc:
        if isinstance(exc, NotAllowed | StaleError):
            raise
        raise FieldErrors({field: exc.message}) from exc
    if reason:
        raise FieldErrors({field: str(reason)})


def request_attachments(req: ProjectRequest, purpose: str | None = None):
    from .services import linked_attachments

    return linked_attachments(req, purpose)


def _claim_attachments(actor, kind: str, ids, req: ProjectRequest | None, errors: dict) -> tuple[list, int]:
    """(new uploads to link, how many of the required attachment the request will carry)."""
    from .services import _attachments

    purpose = REQUIRED_ATTACHMENTS.get(kind, "")
    new = _attachments(actor, ids, purpose, req, errors, "attachments", model=ProjectRequest)
    have = (request_attachments(req, purpose).count() if req is not None and purpose else 0) + len(new)
    return new, have


def _check(project: Project, kind: str, *, reason: str, budget_office: str, proposed, moves,
           check_available: bool = True, exclude_pk: int | None = None, check_open: bool = True,
           check_office: bool = True, attachments: int | None = None, errors: dict | None = None):
    """Every rule of the request, on a locked project. Returns (proposed, moves) normalized.
    `attachments`: how many of the kind's required attachment the request carries (None: not checked)."""
    refusal = project_refusal(project, kind)
    if refusal:
        raise BusinessError(refusal, code="request_refused")
    if check_open and (other := open_request(project, exclude_pk=exclude_pk)) is not None:
        raise BusinessError(f"该项目已有未办结的{other.get_kind_display()}申请（{other.number}），"
                            "请先办结或放弃该申请。", code="request_open")
    errors = dict(errors or {})
    if not (reason or "").strip():
        errors["reason"] = f"请填写{KINDS[kind]}原因。"
    if kind in REQUIRED_ATTACHMENTS and attachments is not None and attachments < 1 and "attachments" not in errors:
        errors["attachments"] = f"{KINDS[kind]}申请须上传{REQUIRED_ATTACHMENTS[kind]}。"
    if kind == ProjectRequest.KIND_FUND_ADD and not (budget_office or "").strip():
        errors["budget_office"] = "资金追加须选择指标管理处室。"
    elif (kind == ProjectRequest.KIND_FUND_ADD and check_office
          and budget_office.strip() not in budget_office_names(project.unit.region)):
        errors["budget_office"] = OFFICE_NOT_OFFERED
    clean_moves, clean_proposed = [], {}
    try:
        if kind in FUND_KINDS:
            clean_moves = _clean_moves(project, kind, moves, check_available=check_available)
            if kind != ProjectRequest.KIND_FUND_REPLACE:
                clean_proposed = _clean_fund_content(project, kind, clean_moves, proposed, errors)
        elif kind == ProjectRequest.KIND_CHANGE:
            clean_proposed = _clean_proposed(project, proposed, check_available=check_available)
    except FieldErrors as exc:
        errors = {**exc.errors, **errors}
    if errors:
        raise FieldErrors(errors)
    return clean_proposed, clean_moves


def _lock_project(project_or_pk) -> Project:
    pk = project_or_pk.pk if isinstance(project_or_pk, Project) else project_or_pk
    return Project.objects.select_for_update().select_related("unit__region").get(pk=pk)


def _moves_of(req: ProjectRequest) -> list[dict]:
    return [{"from_indicator": m.from_indicator_id, "indicator": m.indicator_id, "amount": m.amount}
            for m in req.fund_moves.all()]


# ---- writes --------------------------------------------------------------------------------------------


@transaction.atomic
def request_create(*, actor, project: Project, kind: str, reason: str, budget_office: str = "",
                   proposed: dict | None = None, moves: list | None = None,
                   attachment_ids: list | None = None) -> ProjectRequest:
    """A draft request (编辑中) on an approved project, by the project unit's clerk. 撤销 and 结项 carry their
    required attachment (REQUIRED_ATTACHMENTS; uploads with that purpose, linked here)."""
    if kind not in KINDS:
        raise BusinessError("申请类型不正确。", code="bad_kind")
    if not is_unit_clerk(actor, project):
        raise NotAllowed("只有项目所属单位的经办岗可以发起申请。")
    project = _lock_project(project)  # one open request per project
    att_errors: dict = {}
    new_atts, have = _claim_attachments(actor, kind, attachment_ids, None, att_errors)
    clean_proposed, clean_moves = _check(project, kind, reason=reason, budget_office=budget_office,
                                         proposed=proposed, moves=moves, attachments=have, errors=att_errors)
    req = ProjectRequest.objects.create(
        project=project, unit_id=project.unit_id, kind=kind, reason=reason.strip(),
        budget_office=(budget_office or "").strip() if kind == ProjectRequest.KIND_FUND_ADD else "",
        proposed=clean_proposed, created_by=actor,
        number=numbers.issue("project_request", project.unit.region.code, timezone.localdate().year))
    _write_moves(req, clean_moves)
    _link(actor, req, new_atts)
    engine.saved(req, actor, fields=REQUEST_FIELDS)
    return req


def _link(actor, req: ProjectRequest, attachments: list) -> None:
    from attachments import services as attachment_services

    for att in attachments:
        attachment_services.attachment_link(actor=actor, attachment=att, target=req)


@transaction.atomic
def request_update(*, actor, request: ProjectRequest, reason: str, budget_office: str = "",
                   proposed: dict | None = None, moves: list | None = None,
                   version: int | None = None, attachment_ids: list | None = None) -> ProjectRequest:
    """保存 of a draft, returned or withdrawn request (`attachment_ids`: uploads to add)."""
    req = ProjectRequest.objects.select_for_update().get(pk=request.pk)
    if version is not None and req.version != int(version):
        raise StaleError()
    if not is_unit_clerk(actor, req.project):
        raise NotAllowed("只有项目所属单位的经办岗可以修改申请。")
    if not req.is_editable:
        raise BusinessError("申请已提交，不能修改；如需修改请先撤回。", code="not_editable")
    project = _lock_project(req.project_id)
    att_errors: dict = {}
    new_atts, have = _claim_attachments(actor, req.kind, attachment_ids, req, att_errors)
    clean_proposed, clean_moves = _check(project, req.kind, reason=reason, budget_office=budget_office,
                                         proposed=proposed, moves=moves, exclude_pk=req.pk,
                                         check_open=req.status == Status.DRAFT, attachments=have,
                                         errors=att_errors)
    before = {**audit.snapshot(req, REQUEST_FIELDS), "moves": _moves_of(req)}
    req.reason = reason.strip()
    req.budget_office = (budget_office or "").strip() if req.kind == ProjectRequest.KIND_FUND_ADD else ""
    req.proposed = clean_proposed
    req.version += 1
    req.save()
    if req.kind in FUND_KINDS:
        req.fund_moves.update(is_active=False)  # a draft's replaced lines are kept, never deleted
        _write_moves(req, clean_moves)
    _link(actor, req, new_atts)
    engine.saved(req, actor, before=before, fields=REQUEST_FIELDS)
    return req


@transaction.atomic
def request_discard(*, actor, request: ProjectRequest, version: int | None = None) -> ProjectRequest:
    """放弃 an unsubmitted (or returned) request, so that another one may be started. Kept, never deleted."""
    if not is_unit_clerk(actor, request.project):
        raise NotAllowed("只有项目所属单位的经办岗可以放弃申请。")
    req = engine.discard(request, actor, version=version, opinion="放弃申请")
    _release_request(req, actor, "放弃申请")
    return req


def _write_moves(req: ProjectRequest, moves: list[dict]) -> None:
    for m in moves:
        req.fund_moves.create(from_indicator_id=m["from_indicator"], indicator_id=m["indicator"], amount=m["amount"])


def _request_reservation(req: ProjectRequest, project: Project) -> dict[int, Decimal]:
    """What the request reserves under its own name while the leader decides."""
    out: dict[int, Decimal] = defaultdict(lambda: ZERO)
    if req.kind in (ProjectRequest.KIND_FUND_ADD, ProjectRequest.KIND_FUND_REPLACE):
        for m in req.fund_moves.all():
            out[m.indicator_id] += m.amount
    elif req.kind == ProjectRequest.KIND_CHANGE and req.proposed.get("fund_lines") is not None:
        held = project_held(project)
        for f in req.proposed["fund_lines"]:
            extra = Decimal(f["amount"]) - held.get(f["indicator"], ZERO)
            if extra > 0:
                out[f["indicator"]] += extra
    return dict(out)


# ---- engine hooks (projects.flows) ---------------------------------------------------------------------


def request_submitted(req: ProjectRequest, actor) -> None:
    """提交: the rules again, then reserve the extra money under the request (refused when not available)."""
    project = _lock_project(req.project_id)
    _check(project, req.kind, reason=req.reason, budget_office=req.budget_office, proposed=req.proposed,
           moves=_moves_of(req), check_available=False, exclude_pk=req.pk,
           attachments=_required_count(req))
    amounts = _request_reservation(req, project)
    if amounts:
        ledger.reserve(actor=actor, holder=ledger.holder_key(req), amounts=amounts,
                       reason=f"{req.get_kind_display()}申请提交")


def _required_count(req: ProjectRequest) -> int | None:
    purpose = REQUIRED_ATTACHMENTS.get(req.kind)
    return request_attachments(req, purpose).count() if purpose else None


def _release_request(req: ProjectRequest, actor, reason: str) -> None:
    if ledger.held(ledger.holder_key(req)):
        ledger.release(actor=actor, holder=ledger.holder_key(req), reason=reason)


def request_returned(req: ProjectRequest, actor) -> None:
    """撤回 / 审核不通过: the request gives back what it reserved; the project is untouched."""
    _release_request(req, actor, f"{req.get_kind_display()}申请退回")


def request_apply(req: ProjectRequest, actor) -> None:
    """Final approval by the 需求领导: the rules once more, then the effect on the project."""
    project = _lock_project(req.project_id)
    _check(project, req.kind, reason=req.reason, budget_office=req.budget_office, proposed=req.proposed,
           moves=_moves_of(req), check_available=False, exclude_pk=req.pk, check_open=False,
           check_office=False,  # an office deactivated after 提交 does not undo the request
           attachments=_required_count(req))
    before = audit.snapshot(project)
    before_funds = {str(k): v for k, v in active_fund_lines(project).items()}
    holder = ledger.holder_key(project)
    label = f"{req.get_kind_display()}（{req.number}）"
    if req.kind == ProjectRequest.KIND_REVOKE:
        if project_held(project):
            ledger.release(actor=actor, holder=holder, reason=f"项目撤销 {req.number}")
        project.revoked_at = timezone.now()  # the fund lines stay as the record of what it held
    elif req.kind == ProjectRequest.KIND_CLOSE:
        project.closed_at = timezone.now()
    elif req.kind == ProjectRequest.KIND_CHANGE:
        _apply_change(req, project, actor)
    else:
        _apply_funds(req, project, actor)
    project.save()
    audit.record(actor=actor, action=f"project.{req.kind}", obj=project,
                 before={**before, "fund_lines": before_funds},
                 after={**audit.snapshot(project), "request": req.number, "label": label,
                        "fund_lines": {str(k): v for k, v in active_fund_lines(project).items()}})


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


def _apply_funds(req: ProjectRequest, project: Project, actor) -> None:
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


def _apply_change(req: ProjectRequest, project: Project, actor) -> None:
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
        _release_request(req, actor, f"变更转入项目 {req.number}")
        if project_held(project):
            ledger.release(actor=actor, holder=holder, reason=f"项目变更 {req.number}（重新占用）")
        ledger.reserve(actor=actor, holder=holder, amounts=new, reason=f"项目变更 {req.number}")
        _set_fund_lines(project, new)
        project.total_amount = sum(new.values(), ZERO)


# ---- 实施形式变更 (2.3) ----------------------------------------------------------------------------------


@transaction.atomic
def implementation_form_change(*, actor, project: Project, form: str) -> Project:
    """Save a new implementation form after checking that form's rules; a refused form saves nothing."""
    if not is_unit_clerk(actor, project):
        raise NotAllowed("只有项目所属单位的经办岗可以变更实施形式。")
    project = _lock_project(project)
    refusal = _form_change_refusal(project)
    if refusal:
        raise BusinessError(refusal, code="form_change_refused")
    if form not in dict(ImplementationForm.choices):
        raise FieldErrors({"implementation_form": "请选择实施形式。"})
    if form == ImplementationForm.JOINT_RESPONSE:
        raise FieldErrors({"implementation_form": "统招分签采购只能通过响应统招分签项目立项，不能由其他实施形式变更而来。"})
    if form == project.implementation_form:
        raise FieldErrors({"implementation_form": "新的实施形式与原实施形式相同。"})
    _check_form(project, form)
    before = audit.snapshot(project, ["implementation_form"])
    project.implementation_form = form
    project.save(update_fields=["implementation_form", "updated_at"])
    audit.record(actor=actor, action="project.implementation_form_change", obj=project, before=before,
                 after=audit.snapshot(project, ["implementation_form"]))
    return project


def form_change_history(project: Project):
    """The 实施形式变更 audit rows of a project, newest first."""
    from audit.models import AuditLog

    return AuditLog.objects.filter(object_key=audit.object_key(project),
                                   action="project.implementation_form_change").order_by("-id")

