"""The rules of the requests on a project: what a request's content may be (变更 fields and lines, fund moves,
追加 / 回收 lines), read against the locked project. Raise FieldErrors keyed by field, 'content_lines.N.<field>',
'fund_lines.N.<field>' and 'moves.<i>'."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from budgets import ledger
from budgets import selectors as budget_selectors
from core.errors import BusinessError, FieldErrors, NotAllowed, StaleError
from core.models import Category
from core.money import MAX_AMOUNT, MAX_AMOUNT_MESSAGE, parse_decimal
from core.validation import phone_problem

from .. import services
from ..models import ContentLine, FundLine, Project, ProjectRequest

ZERO = Decimal("0")
CENT = Decimal("0.01")
KINDS = dict(ProjectRequest.KINDS)
FUND_KINDS = (ProjectRequest.KIND_FUND_REPLACE, ProjectRequest.KIND_FUND_ADD, ProjectRequest.KIND_FUND_RECLAIM)
CHANGE_FIELDS = {"name": "项目名称", "summary": "项目概况", "contact_name": "联系人", "contact_phone": "联系电话"}

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
    return budget_selectors.usable_indicators(project.unit).order_by("-fiscal_year", "bgt_id")


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
        ln.qty = qty(ln.quantity)
    cats = {c.pk: c for c in Category.objects.filter(pk__in=[ln.get("category") for ln in p.get("content_lines", [])])}
    new_lines = [{**ln, "category_obj": cats.get(ln.get("category")), "qty": ln["quantity"],
                  "unit_price": Decimal(ln["unit_price"]), "amount": Decimal(ln["amount"])}
                 for ln in p.get("content_lines", [])]
    old_funds = list(FundLine.objects.filter(project=project, is_active=True).select_related("indicator"))
    inds = budget_selectors.indicators_by_id(f["indicator"] for f in p.get("fund_lines") or []).in_bulk()
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


def qty(d: Decimal) -> str:
    return format(d.normalize(), "f")


def clean_moves(project: Project, kind: str, moves, *, check_available: bool) -> list[dict]:
    """Normalize and check the lines of a fund request. Raises FieldErrors keyed 'moves' / 'moves.<i>'."""
    errors: dict[str, str] = {}
    rows = []
    for i, raw in enumerate(moves or []):
        ind, frm = services.pk_of(raw.get("indicator")), services.pk_of(raw.get("from_indicator"))
        amt = _amount(raw.get("amount"))
        if ind is None and frm is None and amt is None:
            continue  # an empty row of the table
        rows.append((i, frm, ind, amt))
    if not rows:
        raise FieldErrors({"moves": "请至少填写一行资金明细。"})
    held = project_held(project)
    usable = {i.pk: i for i in unit_indicators(project)}
    all_ids = {r[1] for r in rows if r[1]} | {r[2] for r in rows if r[2]}
    names = budget_selectors.indicators_by_id(all_ids).in_bulk()
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


def clean_proposed(project: Project, proposed: dict | None, *, check_available: bool) -> dict:
    """Normalize and check the proposed values of a 变更: the same line rules as 立项 (projects.services).

    Raises FieldErrors keyed by field, 'content_lines.N.<field>' and 'fund_lines.N.<field>'."""

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
        indicators = budget_selectors.indicators_by_id(
            i for i in (services.pk_of(f.get("indicator")) for f in proposed["fund_lines"]) if i).in_bulk()
        held = project_held(project)
        seen = set()
        raw = [f for f in proposed["fund_lines"] if services.pk_of(f.get("indicator")) or _amount(f.get("amount"))]
        if not raw:
            errors["fund_lines"] = "项目资金构成至少需要选择一个指标。"
        for i, f in enumerate(raw):
            key, n = f"fund_lines.{i}", i + 1
            ind, amt = indicators.get(services.pk_of(f.get("indicator"))), _amount(f.get("amount"))
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
        check_form(like, project.implementation_form, field="content_lines")
    if errors:
        raise FieldErrors(errors)
    return out


def _line_dicts(cleaned: list[dict]) -> list[dict]:
    """Cleaned content lines as stored in a request's proposal."""
    return [{"category": ln["category"].pk, "item_name": ln["item_name"], "quantity": qty(ln["quantity"]),
             "measure_unit": ln["measure_unit"], "unit_price": str(ln["unit_price"].quantize(CENT)),
             "amount": str(ln["amount"].quantize(CENT))} for ln in cleaned]


def clean_fund_content(project: Project, kind: str, moves: list[dict], proposed: dict | None,
                        errors: dict) -> dict:
    """追加 / 回收 change the 项目金额: the clerk adjusts the 采购内容清单 in the same request so that its total is the
    new amount, and the project is derived again from it (是否政府采购, the 实施形式's rules)."""

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
    check_form(like, project.implementation_form, field="moves")
    return out


def _drop_unchanged(project: Project, out: dict) -> None:
    """Keep in the proposal only what differs from the project, so the request shows exactly its change."""
    for name in CHANGE_FIELDS:
        if name in out and out[name] == getattr(project, name):
            del out[name]
    if out.get("content_lines") is not None:
        old = [{"category": ln.category_id, "item_name": ln.item_name, "quantity": qty(ln.quantity),
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


def check_form(project_like, form: str, *, field: str = "implementation_form") -> None:
    """The 实施形式 rules on the project as the request would leave it, as an error of `field`."""
    try:
        reason = services.check_implementation_form(project_like, form)
    except FieldErrors as exc:
        raise FieldErrors({field: next(iter(exc.errors.values()), exc.message)}) from exc
    except BusinessError as exc:
        if isinstance(exc, NotAllowed | StaleError):
            raise
        raise FieldErrors({field: exc.message}) from exc
    if reason:
        raise FieldErrors({field: str(reason)})


def moves_of(req: ProjectRequest) -> list[dict]:
    return [{"from_indicator": m.from_indicator_id, "indicator": m.indicator_id, "amount": m.amount}
            for m in req.fund_moves.all()]


def request_reservation(req: ProjectRequest, project: Project) -> dict[int, Decimal]:
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

