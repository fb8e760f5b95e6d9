"""Pages of the requests on a project that are projects' own: the context of the kit's request pages (line tables,
fund moves, attachments, the old → new diff), the 「更多」 panel of a project, 项目申请审核 and 实施形式变更.

The request pages themselves (新增, 编辑, 详情, 提交 / 撤回 / 审核 / 放弃) are the kit's (workflow.kit.requests),
declared in projects/request_kinds. Scope through access.scope (out of scope = 404); a wrong role = 403.
"""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from access import rights
from access.decorators import requires
from core.errors import BusinessError, FieldErrors, NotAllowed
from core.listing import Column, ListSpec, Tab, render_list
from workflow.selectors import awaiting_review

from . import line_tables, selectors, services
from . import request_kinds as rq
from .flows import PROJECT_REQUEST
from .models import ImplementationForm
from .request_forms import (
    FormChangeFilterForm,
    FormChangeForm,
)

FORM_LABELS = dict(ImplementationForm.choices)


@login_required
def request_buttons(request, project_pk):
    """The 「更多」 panel of a project detail page (loaded into _request_buttons.html)."""
    project = selectors.get_project(request.user, project_pk)
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


@login_required
@require_POST
def request_money_check(request, project_pk, kind):
    """htmx: the computed cells of a request's form on the project (金额, 可用金额 with the project's own holding,
    使用后剩余, 项目占用, the totals), swapped out of band into their places. Out of scope: 404."""
    project = selectors.get_project(request.user, project_pk)
    if kind not in rq.KINDS:
        raise Http404("申请类型不存在")
    if not rights.is_clerk_of(request.user, project):
        raise PermissionDenied
    return render(request, "partials/line_cells.html",
                  {"tables": line_tables.request_live(project, kind, request.POST)})


# ---- 项目申请审核: the requests waiting for this 需求领导 (or, in a unit without one, 审核岗) ----------------------


@requires(rights.may_review_project_requests)
def request_review_list(request):
    user = request.user
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


@requires(rights.may_change_implementation_form)
def form_change_list(request):
    user = request.user
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
        tabs=[Tab("open", "可变更", live & ~selectors.used_q()), Tab("all", "全部", Q())],
        form_class=FormChangeFilterForm, apply_filters=_filter_form_change, export_name="实施形式变更",
        row_actions=lambda req, p: [("查看", reverse("projects:detail", args=[p.pk]))]
        + ([("变更实施形式", reverse("projects:form_change", args=[p.pk]))] if services.can_change_form(req.user, p) else []),
    )
    qs = selectors.form_change_candidates(user)
    return render_list(request, qs, spec)


@login_required
def form_change(request, project_pk):
    user = request.user
    project = selectors.get_project(user, project_pk)
    if not rights.is_clerk_of(user, project):
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
