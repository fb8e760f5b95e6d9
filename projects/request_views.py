"""Pages of the requests on a project that are projects' own: the context of the kit's request pages (line tables,
fund moves, attachments, the old → new diff), the 「更多」 panel of a project, 项目申请审核 and 实施形式变更.

The request pages themselves (新增, 编辑, 详情, 提交 / 撤回 / 审核 / 放弃) are the kit's (workflow.kit.requests),
declared in projects/request_kinds. Scope through access.scope (out of scope = 404); a wrong role = 403.
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse

from access.scope import get_or_404
from budgets import ledger
from budgets.models import BudgetIndicator
from core.errors import BusinessError, FieldErrors, NotAllowed
from core.listing import Column, ListSpec, Tab, render_list

from . import request_kinds as rq
from . import rights, selectors, services
from .models import ImplementationForm, Project, ProjectRequest
from .request_forms import (
    FormChangeFilterForm,
    FormChangeForm,
    funds_from,
    lines_from,
    moves_from,
    row_errors,
)

ZERO = Decimal("0")
# requests whose proposal carries a new 采购内容清单 (shown old → new)
LINE_KINDS = (ProjectRequest.KIND_CHANGE, ProjectRequest.KIND_FUND_ADD, ProjectRequest.KIND_FUND_RECLAIM)
FORM_LABELS = dict(ImplementationForm.choices)


def _project(user, pk) -> Project:
    return get_or_404(Project.objects.select_related("unit__region"), user, pk=pk)


def _indicator_rows(project: Project):
    held = rq.project_held(project)
    usable = list(rq.unit_indicators(project))
    for ind in usable:
        ind.held = held.get(ind.pk, ZERO)
        ind.room = ind.available + ind.held  # what a 变更 of the fund lines may use: own holding included
    held_rows = []
    for ind in BudgetIndicator.objects.filter(pk__in=held).order_by("bgt_id"):
        ind.held = held[ind.pk]
        held_rows.append(ind)
    return usable, held_rows


def form_context(request, ctx: dict) -> dict:
    """The kit's request form page, as projects/request_form.html shows it: the line tables (posted rows shown
    back as posted), the fund moves, the required attachment."""
    project, k, req, errors = ctx["target"], ctx["kind"], ctx["req"], ctx["errors"]
    post = request.POST if request.method == "POST" else None
    kind = k.code
    lines, funds, moves = [], [], []
    change_form = None
    if kind == ProjectRequest.KIND_CHANGE:
        _values, lines, funds = rq.stored_change(req) if req else rq.change_initial(project)
    elif kind in rq.FUND_KINDS:
        moves = ([{"from_indicator": str(m.from_indicator_id or ""), "indicator": str(m.indicator_id),
                   "amount": str(m.amount)} for m in req.fund_moves.all()] if req else [])
    adjusts_lines = kind in (ProjectRequest.KIND_FUND_ADD, ProjectRequest.KIND_FUND_RECLAIM)
    if adjusts_lines:  # the 采购内容清单 follows the money in the same request
        stored = (req.proposed or {}).get("content_lines") if req else None
        lines = ([{**ln, "category": str(ln["category"])} for ln in stored] if stored is not None
                 else rq.change_initial(project)[1])
    if post is not None:
        if kind == ProjectRequest.KIND_CHANGE or adjusts_lines:
            lines = lines_from(post)
        if kind == ProjectRequest.KIND_CHANGE:
            funds = funds_from(post)
        if kind in rq.FUND_KINDS:
            moves = moves_from(post, kind)
    elif kind in rq.FUND_KINDS and not moves:
        moves = _prefill_moves(project, kind)
    base, extra = ctx["form"], ctx["extra"]  # the kit's forms: 原因, and the kind's own fields
    if kind == ProjectRequest.KIND_CHANGE:
        change_form, fields = extra, list(base)
    else:
        fields = list(base) + (list(extra) if extra is not None else [])
    known = set(base.fields) | set(extra.fields if extra is not None else ())
    usable, held_rows = _indicator_rows(project)
    purpose = rq.REQUIRED_ATTACHMENTS.get(kind, "")
    return {
        "attachment_purpose": purpose,
        "attachments": rq.request_attachments(req, purpose) if req is not None and purpose else [],
        "pending": (_pending_attachments(request.user, post.getlist("attachment_ids")) if post is not None and purpose
                    else []),
        "project": project, "kind": kind, "kind_label": k.label, "fields": fields, "change_form": change_form,
        "state": rq.project_state(project),
        "top_errors": [m for n, m in errors.items() if "." not in n and n not in known] + list(base.non_field_errors()),
        "lines": list(zip(lines, row_errors(errors, "content_lines", len(lines)), strict=True)),
        "funds": list(zip(funds, row_errors(errors, "fund_lines", len(funds)), strict=True)),
        "moves": list(zip(moves, row_errors(errors, "moves", len(moves)), strict=True)),
        "usable": usable, "held_rows": held_rows,
        "categories": selectors.leaf_categories(project.procurement_kind),
        "is_fund": kind in rq.FUND_KINDS, "show_lines": change_form is not None or adjusts_lines,
    }


def _pending_attachments(user, ids):
    """Uploads posted with a form that was not saved: shown back so they are not lost."""
    from attachments.models import Attachment

    wanted = [int(i) for i in ids if str(i).isdigit()]
    return list(Attachment.objects.filter(pk__in=wanted, unit_id=user.unit_id, is_deleted=False,
                                          object_id__isnull=True))


def _prefill_moves(project: Project, kind: str) -> list[dict]:
    """回收 / 替换 start from the project's fund composition (FJ 2.2.4); 追加 from one empty row."""
    held = rq.project_held(project)
    if kind == ProjectRequest.KIND_FUND_RECLAIM:
        return [{"from_indicator": "", "indicator": str(i), "amount": ""} for i in held]
    if kind == ProjectRequest.KIND_FUND_REPLACE:
        return [{"from_indicator": str(i), "indicator": "", "amount": ""} for i in held]
    return [{"from_indicator": "", "indicator": "", "amount": ""}]


# ---- detail ----------------------------------------------------------------------------------------------------


def _move_rows(req: ProjectRequest):
    """The request's fund lines with what the project holds and what the indicator still has, as of now."""
    held = rq.project_held(req.project)
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
        "diff": rq.change_diff(req) if req.kind in LINE_KINDS else None,
        "moves": _move_rows(req) if req.kind in rq.FUND_KINDS else [],
        "moves_total": sum((m.amount for m in req.fund_moves.all()), ZERO),
        "state": rq.project_state(project),
        "held_by_request": ledger.held(ledger.holder_key(req)),
        "attachments": rq.request_attachments(req).select_related("uploaded_by"),
    }


@login_required
def request_buttons(request, project_pk):
    """The 「更多」 panel of a project detail page (loaded into _request_buttons.html)."""
    project = _project(request.user, project_pk)
    return render(request, "projects/request_buttons_body.html", buttons_context(request.user, project))


def buttons_context(user, project):
    """What request_buttons_body.html needs; a project page may pass it to render the panel inline."""
    return {
        "project": project, "request_panel": True,
        "kinds": [(k, rq.KINDS[k]) for k in rq.allowed_requests(user, project)],
        "open_request": rq.open_request(project),
        "past_requests": selectors.requests_of(project)[:20],
        "can_change_form": services.can_change_form(user, project),
        "state": rq.project_state(project),
    }


# ---- 项目申请审核: the requests waiting for this 需求领导 (or, in a unit without one, 审核岗) ----------------------


@login_required
def request_review_list(request):
    from workflow.selectors import awaiting_review

    from .flows import PROJECT_REQUEST

    user = request.user
    if not rights.request_reviewer(user):
        raise PermissionDenied
    qs = (awaiting_review(user, PROJECT_REQUEST).select_related("project", "submitted_by")
          .order_by("-submitted_at", "-id"))
    spec = ListSpec(
        title="项目申请审核", breadcrumb=["采购项目管理", "项目申请审核"],
        columns=[
            Column("申请编号", "number", link=lambda r: reverse("projects:request_detail", args=[r.pk])),
            Column("申请类型", "get_kind_display"),
            Column("项目编号", "project.number"),
            Column("项目名称", "project.name"),
            Column("项目金额（元）", "project.total_amount", kind="money"),
            Column("提交人", "submitted_by"),
            Column("提交时间", "submitted_at", kind="datetime"),
        ],
        export_name="项目申请审核",
        row_actions=lambda req, r: [("审核", reverse("projects:request_detail", args=[r.pk]))],
    )
    return render_list(request, qs, spec)


# ---- 实施形式变更 ----------------------------------------------------------------------------------------------


def _filter_form_change(qs, data):
    if data.get("name"):
        qs = qs.filter(name__contains=data["name"])
    if data.get("number"):
        qs = qs.filter(number__contains=data["number"])
    if data.get("implementation_form"):
        qs = qs.filter(implementation_form=data["implementation_form"])
    return qs


@login_required
def form_change_list(request):
    user = request.user
    if not rights.any_clerk(user):
        raise PermissionDenied
    live = Q(revoked_at__isnull=True, closed_at__isnull=True)
    spec = ListSpec(
        title="实施形式变更", breadcrumb=["采购项目管理", "实施形式变更"],
        columns=[
            Column("项目编号", "number", link=lambda p: reverse("projects:detail", args=[p.pk])),
            Column("项目名称", "name"),
            Column("实施形式", "get_implementation_form_display"),
            Column("采购类别", "get_procurement_kind_display"),
            Column("项目金额（元）", "total_amount", kind="money"),
            Column("是否政府采购", "is_gov_procurement"),
            Column("项目状态", rq.project_state, kind="status"),
            Column("办结时间", "approved_at", kind="datetime"),
        ],
        tabs=[Tab("open", "可变更", live & Q(used_by="")), Tab("all", "全部", Q())],
        form_class=FormChangeFilterForm, apply_filters=_filter_form_change, export_name="实施形式变更",
        row_actions=lambda req, p: [("查看", reverse("projects:detail", args=[p.pk]))]
        + ([("变更实施形式", reverse("projects:form_change", args=[p.pk]))] if services.can_change_form(req.user, p) else []),
    )
    qs = selectors.form_change_candidates(user)
    return render_list(request, qs, spec)


@login_required
def form_change(request, project_pk):
    user = request.user
    project = _project(user, project_pk)
    if not rights.unit_clerk_of(user, project):
        raise PermissionDenied
    refusal = services.form_change_refusal(project)
    form = FormChangeForm(request.POST or None, initial={"implementation_form": project.implementation_form})
    if request.method == "POST" and not refusal and form.is_valid():
        new = form.cleaned_data["implementation_form"]
        try:
            services.implementation_form_change(actor=user, project=project, form=new)
        except FieldErrors as exc:
            for name, msg in exc.errors.items():
                form.add_error(name if name in form.fields else None, msg)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except BusinessError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"实施形式已变更为「{FORM_LABELS[new]}」。")
            return redirect("projects:form_change_list")
    return render(request, "projects/request_form_change.html", {
        "project": project, "form": form, "refusal": refusal, "state": rq.project_state(project),
        "history": [{"at": h.at, "actor": h.actor, "old": FORM_LABELS.get(h.before.get("implementation_form"), ""),
                     "new": FORM_LABELS.get(h.after.get("implementation_form"), "")}
                    for h in services.form_change_history(project).select_related("actor")],
        "limit": _limit(project),
    })


def _limit(project):
    try:
        return services.decentralized_limit(project.unit, project.procurement_kind, services.rule_date(project))
    except BusinessError:
        return None
