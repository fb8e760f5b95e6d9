"""Pages of the requests on a project (撤销, 变更, 资金替换/追加/回收, 结项) and of 实施形式变更.

Thin: parse, call projects.requests, render. Scope through access.scope (out of scope = 404); a wrong role on
a visible row = 403.
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from access.scope import get_or_404
from budgets import ledger
from budgets.models import BudgetIndicator
from core.errors import BusinessError, FieldErrors, NotAllowed
from core.listing import Column, ListSpec, Tab, render_list
from orgs.models import Role
from workflow import engine
from workflow.models import Status
from workflow.views import handle_action

from . import requests as rq
from . import selectors
from .models import ImplementationForm, Project, ProjectRequest
from .request_forms import (
    ChangeForm,
    FormChangeFilterForm,
    FormChangeForm,
    RequestForm,
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


def _request(user, pk) -> ProjectRequest:
    return get_or_404(ProjectRequest.objects.select_related("project__unit", "unit", "created_by"), user, pk=pk)


def _clerk_of(user, project):
    if not rq.is_unit_clerk(user, project):
        raise PermissionDenied


def project_state(project: Project) -> str:
    if project.revoked_at:
        return "已撤销"
    if project.closed_at:
        return "已结项"
    if project.used_by:
        return "已使用"
    if project.status == Status.APPROVED:
        return "未使用"
    return project.status_text


# ---- the form page (新增 / 编辑) ------------------------------------------------------------------------------


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


def _change_initial(project: Project) -> tuple[dict, list[dict], list[dict]]:
    values = {n: getattr(project, n) for n in rq.CHANGE_FIELDS}
    lines = [{"category": str(ln.category_id), "item_name": ln.item_name, "quantity": rq._qty(ln.quantity),
              "measure_unit": ln.measure_unit, "unit_price": str(ln.unit_price)}
             for ln in selectors.content_lines(project)]
    funds = [{"indicator": str(ind), "amount": str(amount)} for ind, amount in rq.active_fund_lines(project).items()]
    return values, lines, funds


def _stored_change(req: ProjectRequest) -> tuple[dict, list[dict], list[dict]]:
    """A saved 变更 shown back in the form: the project's values overlaid with the proposal."""
    values, lines, funds = _change_initial(req.project)
    p = req.proposed or {}
    values.update({n: p[n] for n in rq.CHANGE_FIELDS if n in p})
    if p.get("content_lines") is not None:
        lines = [{**ln, "category": str(ln["category"])} for ln in p["content_lines"]]
    if p.get("fund_lines") is not None:
        funds = [{"indicator": str(f["indicator"]), "amount": f["amount"]} for f in p["fund_lines"]]
    return values, lines, funds


def _form_page(request, *, project: Project, kind: str, req: ProjectRequest | None):
    user = request.user
    post = request.POST if request.method == "POST" else None
    form = RequestForm(post, kind=kind, project=project, initial={"reason": req.reason, "budget_office": req.budget_office}
                       if req else None)
    change_form, lines, funds, moves = None, [], [], []
    if kind == ProjectRequest.KIND_CHANGE:
        values, lines, funds = _stored_change(req) if req else _change_initial(project)
        change_form = ChangeForm(post, initial=values)
    elif kind in rq.FUND_KINDS:
        moves = ([{"from_indicator": str(m.from_indicator_id or ""), "indicator": str(m.indicator_id),
                   "amount": str(m.amount)} for m in req.fund_moves.all()] if req else [])
    adjusts_lines = kind in (ProjectRequest.KIND_FUND_ADD, ProjectRequest.KIND_FUND_RECLAIM)
    if adjusts_lines:  # the 采购内容清单 follows the money in the same request
        stored = (req.proposed or {}).get("content_lines") if req else None
        lines = ([{**ln, "category": str(ln["category"])} for ln in stored] if stored is not None
                 else _change_initial(project)[1])
    errors: dict = {}
    if post is not None:
        if change_form is not None or adjusts_lines:
            lines = lines_from(post)
        if change_form is not None:
            funds = funds_from(post)
        if kind in rq.FUND_KINDS:
            moves = moves_from(post, kind)
    if post is not None and form.is_valid() and (change_form is None or change_form.is_valid()):
        submit = bool(post.get("submit"))
        proposed = None
        if change_form is not None:
            proposed = {**{n: change_form.cleaned_data.get(n, "") for n in ChangeForm.base_fields},
                        "content_lines": lines, "fund_lines": funds}
        elif adjusts_lines:
            proposed = {"content_lines": lines}
        data = {"reason": form.cleaned_data["reason"], "budget_office": form.cleaned_data.get("budget_office", ""),
                "proposed": proposed, "moves": moves, "attachment_ids": post.getlist("attachment_ids")}
        try:
            with transaction.atomic():  # 保存并提交: both or neither
                if req is None:
                    saved = rq.request_create(actor=user, project=project, kind=kind, **data)
                else:
                    saved = rq.request_update(actor=user, request=req, version=post.get("version") or None, **data)
                if submit:
                    saved = engine.submit(saved, user)
        except FieldErrors as exc:
            errors = exc.errors
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except BusinessError as exc:
            if exc.field:
                errors = {exc.field: exc.message}
            else:
                messages.error(request, exc.message)
        else:
            waiting = "需求领导" if saved.current_node == "leader" else "审核岗"
            messages.success(request, f"已提交，等待{waiting}审核。" if submit else "已保存。")
            return redirect("projects:request_detail", pk=saved.pk)
        for name, msg in errors.items():
            for f in (form, change_form):
                if f is not None and name in f.fields:
                    f.add_error(name, msg)
    elif post is None and kind in rq.FUND_KINDS and not moves:
        moves = _prefill_moves(project, kind)
    usable, held_rows = _indicator_rows(project)
    purpose = rq.REQUIRED_ATTACHMENTS.get(kind, "")
    ctx = {
        "attachment_purpose": purpose,
        "attachments": rq.request_attachments(req, purpose) if req is not None and purpose else [],
        "pending": (_pending_attachments(user, post.getlist("attachment_ids")) if post is not None and purpose
                    else []),
        "project": project, "kind": kind, "kind_label": rq.KINDS[kind], "req": req, "form": form,
        "change_form": change_form, "errors": errors, "state": project_state(project),
        "top_errors": [m for k, m in errors.items() if "." not in k and k not in form.fields
                       and (change_form is None or k not in change_form.fields)],
        "lines": list(zip(lines, row_errors(errors, "content_lines", len(lines)), strict=True)),
        "funds": list(zip(funds, row_errors(errors, "fund_lines", len(funds)), strict=True)),
        "moves": list(zip(moves, row_errors(errors, "moves", len(moves)), strict=True)),
        "usable": usable, "held_rows": held_rows,
        "categories": selectors.leaf_categories(project.procurement_kind),
        "is_fund": kind in rq.FUND_KINDS, "show_lines": change_form is not None or adjusts_lines,
    }
    return render(request, "projects/request_form.html", ctx)


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


@login_required
def request_new(request, project_pk, kind):
    if kind not in rq.KINDS:
        raise Http404("申请类型不存在")
    project = _project(request.user, project_pk)
    _clerk_of(request.user, project)
    refusal = rq.project_refusal(project, kind)
    other = rq.open_request(project)
    if refusal or other is not None:
        return render(request, "projects/request_refused.html", {
            "project": project, "kind_label": rq.KINDS[kind], "refusal": refusal, "other": other,
            "state": project_state(project)})
    return _form_page(request, project=project, kind=kind, req=None)


@login_required
def request_edit(request, pk):
    req = _request(request.user, pk)
    if "edit" not in engine.available_actions(request.user, req):
        raise PermissionDenied
    return _form_page(request, project=req.project, kind=req.kind, req=req)


# ---- detail and actions ----------------------------------------------------------------------------------


def _move_rows(req: ProjectRequest):
    """The request's fund lines with what the project holds and what the indicator still has, as of now."""
    held = rq.project_held(req.project)
    rows = []
    for m in req.fund_moves.select_related("indicator", "from_indicator"):
        m.held_from = held.get(m.from_indicator_id, ZERO) if m.from_indicator_id else None
        m.held_now = held.get(m.indicator_id, ZERO)
        rows.append(m)
    return rows


@login_required
def request_detail(request, pk):
    req = _request(request.user, pk)
    actions = engine.available_actions(request.user, req)
    return render(request, "projects/request_detail.html", {
        "doc": req, "req": req, "project": req.project, "actions": actions, "timeline": engine.timeline(req),
        "diff": rq.change_diff(req) if req.kind in LINE_KINDS else None,
        "moves": _move_rows(req) if req.kind in rq.FUND_KINDS else [],
        "moves_total": sum((m.amount for m in req.fund_moves.all()), ZERO),
        "state": project_state(req.project),
        "can_discard": req.status == Status.DRAFT and rq.is_unit_clerk(request.user, req.project),
        "held_by_request": ledger.held(ledger.holder_key(req)),
        "attachments": rq.request_attachments(req).select_related("uploaded_by"),
    })


@login_required
def request_action(request, pk, action):
    req = _request(request.user, pk)
    return handle_action(request, req, action, reverse("projects:request_detail", args=[pk]))


@login_required
@require_POST
def request_discard(request, pk):
    req = _request(request.user, pk)
    if not (req.status == Status.DRAFT and rq.is_unit_clerk(request.user, req.project)):
        raise PermissionDenied
    try:
        rq.request_discard(actor=request.user, request=req, version=request.POST.get("version") or None)
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "申请已放弃。")
    return redirect("projects:request_detail", pk=pk)


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
        "can_change_form": rq.can_change_form(user, project),
        "state": project_state(project),
    }


# ---- 项目申请审核: the requests waiting for this 需求领导 (or, in a unit without one, 审核岗) ----------------------


@login_required
def request_review_list(request):
    from workflow.selectors import awaiting_review

    from .flows import PROJECT_REQUEST

    user = request.user
    if not (user.unit_id is not None and user.has_role(Role.LEADER, Role.REVIEWER)):
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


def _require_clerk(user):
    if not (user.has_role(Role.CLERK) and user.unit_id is not None):
        raise PermissionDenied


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
    _require_clerk(user)
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
            Column("项目状态", project_state, kind="status"),
            Column("办结时间", "approved_at", kind="datetime"),
        ],
        tabs=[Tab("open", "可变更", live & Q(used_by="")), Tab("all", "全部", Q())],
        form_class=FormChangeFilterForm, apply_filters=_filter_form_change, export_name="实施形式变更",
        row_actions=lambda req, p: [("查看", reverse("projects:detail", args=[p.pk]))]
        + ([("变更实施形式", reverse("projects:form_change", args=[p.pk]))] if rq.can_change_form(req.user, p) else []),
    )
    qs = selectors.form_change_candidates(user)
    return render_list(request, qs, spec)


@login_required
def form_change(request, project_pk):
    user = request.user
    project = _project(user, project_pk)
    _clerk_of(user, project)
    refusal = rq._form_change_refusal(project)
    form = FormChangeForm(request.POST or None, initial={"implementation_form": project.implementation_form})
    if request.method == "POST" and not refusal and form.is_valid():
        new = form.cleaned_data["implementation_form"]
        try:
            rq.implementation_form_change(actor=user, project=project, form=new)
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
        "project": project, "form": form, "refusal": refusal, "state": project_state(project),
        "history": [{"at": h.at, "actor": h.actor, "old": FORM_LABELS.get(h.before.get("implementation_form"), ""),
                     "new": FORM_LABELS.get(h.after.get("implementation_form"), "")}
                    for h in rq.form_change_history(project).select_related("actor")],
        "limit": _limit(project),
    })


def _limit(project):
    from . import services

    try:
        return services.decentralized_limit(project.unit, project.procurement_kind, services.rule_date(project))
    except BusinessError:
        return None
