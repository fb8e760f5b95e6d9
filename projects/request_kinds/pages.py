"""What projects' own request pages show around the kit's (templates projects/request_form.html and
request_detail.html): the line tables (posted rows shown back as posted), the fund moves with what is held now,
the required attachment, the old → new of the lines. Read only."""

from decimal import Decimal

from django.urls import reverse

from attachments.models import Attachment
from budgets import ledger
from budgets import selectors as budget_selectors

from .. import line_tables, selectors, services
from ..models import Project, ProjectRequest
from ..request_forms import funds_from, lines_from, moves_from
from .rules import (
    CHANGE_FIELDS,
    FUND_KINDS,
    active_fund_lines,
    change_diff,
    project_held,
    qty,
)

ZERO = Decimal("0")
# requests whose proposal carries a new 采购内容清单 (shown old → new)
LINE_KINDS = (ProjectRequest.KIND_CHANGE, ProjectRequest.KIND_FUND_ADD, ProjectRequest.KIND_FUND_RECLAIM)


# ---- the project as the forms start from it ---------------------------------------------------------------------------------


def change_initial(project) -> tuple[dict, list[dict], list[dict]]:
    values = {n: getattr(project, n) for n in CHANGE_FIELDS}
    lines = [{"category": str(ln.category_id), "item_name": ln.item_name, "quantity": qty(ln.quantity),
              "measure_unit": ln.measure_unit, "unit_price": str(ln.unit_price)}
             for ln in selectors.content_lines(project)]
    funds = [{"indicator": str(ind), "amount": str(amount)} for ind, amount in active_fund_lines(project).items()]
    return values, lines, funds


def stored_change(req) -> tuple[dict, list[dict], list[dict]]:
    """A saved 变更 shown back in the form: the project's values overlaid with the proposal."""
    values, lines, funds = change_initial(req.project)
    p = req.proposed or {}
    values.update({n: p[n] for n in CHANGE_FIELDS if n in p})
    if p.get("content_lines") is not None:
        lines = [{**ln, "category": str(ln["category"])} for ln in p["content_lines"]]
    if p.get("fund_lines") is not None:
        funds = [{"indicator": str(f["indicator"]), "amount": f["amount"]} for f in p["fund_lines"]]
    return values, lines, funds


def project_state(project) -> str:
    if project.revoked_at:
        return "已撤销"
    if project.closed_at:
        return "已结项"
    if project.is_used:
        return "已使用"
    if project.status == "approved":
        return "未使用"
    return project.status_text


def _held_rows(project: Project):
    held = project_held(project)
    held_rows = []
    for ind in budget_selectors.indicators_by_id(held).order_by("bgt_id"):
        ind.held = held[ind.pk]
        held_rows.append(ind)
    return held_rows


def form_context(request, ctx: dict) -> dict:
    """The kit's request form page, as projects/request_form.html shows it: the line tables (posted rows shown
    back as posted), the fund moves, the required attachment."""
    project, k, req, errors = ctx["target"], ctx["kind"], ctx["req"], ctx["errors"]
    post = request.POST if request.method == "POST" else None
    kind = k.code
    lines, funds, moves = [], [], []
    change_form = None
    if kind == ProjectRequest.KIND_CHANGE:
        _values, lines, funds = stored_change(req) if req else change_initial(project)
    elif kind in FUND_KINDS:
        moves = ([{"from_indicator": str(m.from_indicator_id or ""), "indicator": str(m.indicator_id),
                   "amount": str(m.amount)} for m in req.fund_moves.all()] if req else [])
    adjusts_lines = kind in (ProjectRequest.KIND_FUND_ADD, ProjectRequest.KIND_FUND_RECLAIM)
    if adjusts_lines:  # the 采购内容清单 follows the money in the same request
        stored = (req.proposed or {}).get("content_lines") if req else None
        lines = ([{**ln, "category": str(ln["category"])} for ln in stored] if stored is not None
                 else change_initial(project)[1])
    if post is not None:
        if kind == ProjectRequest.KIND_CHANGE or adjusts_lines:
            lines = lines_from(post)
        if kind == ProjectRequest.KIND_CHANGE:
            funds = funds_from(post)
        if kind in FUND_KINDS:
            moves = moves_from(post, kind)
    elif kind in FUND_KINDS and not moves:
        moves = _prefill_moves(project, kind)
    base, extra = ctx["form"], ctx["extra"]  # the kit's forms: 原因, and the kind's own fields
    if kind == ProjectRequest.KIND_CHANGE:
        change_form, fields = extra, list(base)
    else:
        fields = list(base) + (list(extra) if extra is not None else [])
    known = set(base.fields) | set(extra.fields if extra is not None else ())
    purpose = k.attachment
    return {
        "attachment_purpose": purpose,
        "attachments": services.linked_attachments(req, purpose) if req is not None and purpose else [],
        "pending": (_pending_attachments(request.user, post.getlist("attachment_ids")) if post is not None and purpose
                    else []),
        "project": project, "kind": kind, "kind_label": k.label, "fields": fields, "change_form": change_form,
        "state": project_state(project),
        "top_errors": [m for n, m in errors.items() if "." not in n and n not in known] + list(base.non_field_errors()),
        # the inline tables, drawn by the line-table component (projects/line_tables.py)
        "tables": line_tables.request_tables(
            project, kind, lines=lines if change_form is not None or adjusts_lines else None,
            funds=funds if kind == ProjectRequest.KIND_CHANGE else None, moves=moves if kind in FUND_KINDS else None,
            live=reverse("projects:request_money_check", args=[project.pk, kind])),
        "held_rows": _held_rows(project) if kind in FUND_KINDS else [], "is_fund": kind in FUND_KINDS,
    }


def _pending_attachments(user, ids):
    """Uploads posted with a form that was not saved: shown back so they are not lost."""
    wanted = [int(i) for i in ids if str(i).isdigit()]
    return list(Attachment.objects.filter(pk__in=wanted, unit_id=user.unit_id, is_deleted=False,
                                          object_id__isnull=True))


def _prefill_moves(project: Project, kind: str) -> list[dict]:
    """回收 / 替换 start from the project's fund composition (FJ 2.2.4); 追加 from one empty row."""
    held = project_held(project)
    if kind == ProjectRequest.KIND_FUND_RECLAIM:
        return [{"from_indicator": "", "indicator": str(i), "amount": ""} for i in held]
    if kind == ProjectRequest.KIND_FUND_REPLACE:
        return [{"from_indicator": str(i), "indicator": "", "amount": ""} for i in held]
    return [{"from_indicator": "", "indicator": "", "amount": ""}]


# ---- detail ----------------------------------------------------------------------------------------------------


def _move_rows(req: ProjectRequest):
    """The request's fund lines with what the project holds and what the indicator still has, as of now."""
    held = project_held(req.project)
    rows = []
    for m in req.fund_moves.select_related("indicator", "from_indicator"):
        m.held_from = held.get(m.from_indicator_id, ZERO) if m.from_indicator_id else None
        m.held_now = held.get(m.indicator_id, ZERO)
        rows.append(m)
    return rows


def detail_context(request, ctx: dict) -> dict:
    """The kit's request detail page, as projects/request_detail.html shows it: the old → new of the lines,
    the fund moves with what is held now, the attachments."""
    req, project = ctx["req"], ctx["target"]
    return {
        "project": project, "kind": req.kind,
        "diff": change_diff(req) if req.kind in LINE_KINDS else None,
        "moves": _move_rows(req) if req.kind in FUND_KINDS else [],
        "moves_total": sum((m.amount for m in req.fund_moves.all()), ZERO),
        "state": project_state(project),
        "held_by_request": ledger.held(ledger.holder_key(req)),
        "attachments": services.linked_attachments(req).select_related("uploaded_by"),
    }
