"""采购项目立项 pages. Thin: parse, call a selector or a service (or the approval engine), render."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from access import rights
from access.decorators import requires
from attachments.models import Attachment
from attachments.selectors import attachments_for
from budgets import ledger
from core.errors import BusinessError, FieldErrors, NotAllowed, StaleError
from core.listing import Column, ListSpec, export_xlsx
from core.models import Category
from core.validation import parse_id
from orgs.models import Role
from workflow import engine
from workflow.kit import editing
from workflow.models import Status

from . import line_tables, selectors, services
from .forms import (
    ProjectFilterForm,
    RegionProjectFilterForm,
    content_lines_from,
    fund_lines_from,
    ids_from,
    values_from,
)
from .models import ImplementationForm, Project

FORM_LABELS = dict(ImplementationForm.choices)
FORM_HELP = {
    ImplementationForm.GENERAL: "通过采购计划委托代理机构或集中采购机构组织实施的项目。",
    ImplementationForm.MALL: "在网上超市下单采购；仅限货物、服务类，单个项目金额不超过网上超市上限。",
    ImplementationForm.RENEWAL: "服务类合同到期后续签（一签多年等），仅限服务类项目。",
    ImplementationForm.SELF: "未达到分散采购限额、不属于政府采购的项目，由单位自行采购。",
    ImplementationForm.JOINT_RESPONSE: "响应牵头单位发起的统招分签项目：点击【选择】查看本单位受邀且在响应时间内的项目。",
}


EXPORT_COLUMNS = [
    Column("项目编号", "number"),
    Column("项目名称", "name"),
    Column("采购单位", "unit.name"),
    Column("预算年度", "fiscal_year"),
    Column("实施形式", "get_implementation_form_display"),
    Column("采购类别", "get_procurement_kind_display"),
    Column("项目金额（元）", "total_amount", kind="money"),
    Column("是否政府采购", "is_gov_procurement"),
    Column("状态", "status_text", kind="status"),
    Column("预计采购时间", lambda p: f"{p.expected_month:%Y-%m}" if p.expected_month else ""),
    Column("采购需求概况", "demand_summary"),
    Column("提交时间", "submitted_at", kind="datetime"),
    Column("办结时间", "approved_at", kind="datetime"),
]


def _filters(form):
    return form.cleaned_data if form.is_bound and form.is_valid() else {}


def _list_context(request, *, tabs: dict, active: str, qs, counts: dict, form, title, breadcrumb, export_name):
    if request.GET.get("export") == "xlsx":
        return export_xlsx(qs, ListSpec(title=title, columns=EXPORT_COLUMNS, export_name=export_name))
    page = selectors.paginate(qs, page=request.GET.get("page"), after=request.GET.get("after"))
    total, capped = counts[active]
    page.total, page.total_capped = total, capped
    query = request.GET.copy()
    for k in ("page", "after", "export"):
        query.pop(k, None)
    tab_query = query.copy()
    tab_query.pop("tab", None)
    user = request.user
    # one reverse per row: edit/ and the action URLs hang below the detail URL (projects/urls.py)
    revokes = selectors.pending_revokes(page.rows)
    rows = [{"p": p, "actions": engine.available_actions(user, p), "url": reverse("projects:detail", args=[p.pk]),
             "revoke": revokes.get(p.pk),
             "revoke_withdraw": p.pk in revokes and "withdraw" in engine.available_actions(user, revokes[p.pk])}
            for p in page.rows]
    return {"title": title, "breadcrumb": breadcrumb, "form": form, "page": page, "rows": rows,
            "tabs": [{"key": k, "label": label, "count": counts[k][0], "capped": counts[k][1], "active": k == active}
                     for k, label in tabs.items()],
            "active_tab": active, "query": query.urlencode(), "tab_query": tab_query.urlencode()}


@requires(rights.may_view_projects)
def project_list(request):
    """采购项目立项: the unit's projects, 待处理 (not yet approved) / 已办结 (approved)."""
    user = request.user
    form = ProjectFilterForm(request.GET or None)
    filters = _filters(form)
    active = request.GET.get("tab") if request.GET.get("tab") in selectors.TABS else selectors.TODO
    counts = selectors.tab_counts(lambda t: selectors.projects_for(user, tab=t, filters=filters))
    ctx = _list_context(request, tabs=selectors.TABS, active=active, counts=counts, form=form,
                        qs=selectors.projects_for(user, tab=active, filters=filters),
                        title="采购项目立项", breadcrumb=["采购项目管理", "采购项目立项"], export_name="采购项目立项")
    if not isinstance(ctx, dict):
        return ctx
    ctx.update({"can_create": user.has_role(Role.CLERK), "show_unit": user.has_role(Role.COMPETENT),
                "region_view": False})
    return render(request, "projects/list.html", ctx)


REGION_TABS = {selectors.ALL: "全部", selectors.DONE: "已办结", selectors.TODO: "办理中", selectors.REVOKED: "已撤销"}


@requires(rights.may_query_region_projects)
def region_list(request):
    """项目查询 (regulator): every project of the region, read-only."""
    user = request.user
    form = RegionProjectFilterForm(request.GET or None)
    filters = _filters(form)
    active = request.GET.get("tab") if request.GET.get("tab") in REGION_TABS else selectors.ALL
    counts = selectors.tab_counts(lambda t: selectors.region_projects(user, tab=t, filters=filters),
                                  tabs=tuple(REGION_TABS), cap=selectors.REGION_COUNT_CAP)
    ctx = _list_context(request, tabs=REGION_TABS, active=active, counts=counts, form=form,
                        qs=selectors.region_projects(user, tab=active, filters=filters),
                        title="项目查询", breadcrumb=["政府采购", "计划管理", "项目查询"], export_name="采购项目")
    if not isinstance(ctx, dict):
        return ctx
    ctx.update({"can_create": False, "show_unit": True, "region_view": True})
    return render(request, "projects/list.html", ctx)


# ---- 新增: choose the 实施形式 first -----------------------------------------------------------------------------


@requires(rights.may_start_project)
def project_new_choose(request):
    user = request.user
    chooser = services.JOINT_RESPONSE_HOOKS.get("chooser")
    forms = [{"code": code, "label": FORM_LABELS[code], "help": FORM_HELP[code],
              "enabled": code in services.CREATE_FORMS or (code == ImplementationForm.JOINT_RESPONSE and bool(chooser)),
              "popup": code == ImplementationForm.JOINT_RESPONSE} for code in ImplementationForm.values]
    # 统招分签采购 → 选择 opens the joint app's popup (FJ 2.1.3): its invitations, 关闭 / 不响应 / 响应
    return render(request, "projects/choose_form.html", {"forms": forms, "unit": user.unit,
                                                         "joint_popup": chooser(request) if chooser else ""})


# ---- the form page ---------------------------------------------------------------------------------------------


def _limits(unit):
    out = {}
    for kind in (Category.KIND_GOODS, Category.KIND_WORKS):
        try:
            out[kind] = services.decentralized_limit(unit, kind)
        except BusinessError:
            out[kind] = None
    return out


def _pending_attachments(user, ids):
    wanted = [n for n in (parse_id(i) for i in ids) if n is not None]
    return list(Attachment.objects.filter(pk__in=wanted, unit_id=user.unit_id, is_deleted=False,
                                          object_id__isnull=True))


def _form_page(request, *, project: Project | None, form_code: str):
    user = request.user
    unit = user.unit
    errors: dict = {}
    if request.method == "POST":
        values = values_from(request.POST)
        lines = content_lines_from(request.POST)
        funds = fund_lines_from(request.POST)
        cumulative_ids = ids_from(request.POST, "cumulative_attachment_ids")
        attachment_ids = ids_from(request.POST, "attachment_ids")
        submit = bool(request.POST.get("submit"))
        try:  # 保存并提交: both or neither — a refused 提交 saves nothing and the form keeps the input
            saved = editing.save_and_submit(lambda: services.project_save(
                actor=user, project=project, version=request.POST.get("version") or None,
                data={**values, "implementation_form": form_code, "cumulative_attachment_ids": cumulative_ids,
                      "attachment_ids": attachment_ids},
                content_lines=lines, fund_lines=funds), actor=user, submit=submit)
        except FieldErrors as exc:
            errors = exc.errors  # shown beside the fields and in the summary at the top
        except BusinessError as exc:
            if submit and not isinstance(exc, NotAllowed | StaleError):
                errors = {"submit": f"未能提交（未保存）：{exc.message}"}
            else:
                messages.error(request, exc.message)
        else:
            messages.success(request, "已提交，等待审核岗审核。" if submit else "已保存。")
            return redirect("projects:detail", pk=saved.pk)
        pending = _pending_attachments(user, cumulative_ids + attachment_ids)
    else:
        if project is not None:
            values = {n: getattr(project, n) for n in ("name", "fiscal_year", "procurement_kind", "summary",
                                                       "demand_summary", "contact_name", "contact_phone",
                                                       "cumulative_reason", "is_gov_procurement")}
            values["expected_month"] = f"{project.expected_month:%Y-%m}" if project.expected_month else ""
            # the clerk's declaration is the cumulative case only (a 是 forced by the rules is not theirs)
            values["is_gov_procurement"] = project.is_gov_procurement and bool(project.cumulative_reason)
            lines = [{"category": str(ln.category_id), "item_name": ln.item_name,
                      "quantity": f"{ln.quantity.normalize():f}", "measure_unit": ln.measure_unit,
                      "unit_price": f"{ln.unit_price:f}"}
                     for ln in selectors.content_lines(project)]
            funds = [{"indicator": str(f.indicator_id), "amount": f"{f.amount:f}"}
                     for f in selectors.fund_lines(project)]
        else:
            values = {"fiscal_year": timezone.localdate().year, "is_gov_procurement": False,
                      "contact_name": user.full_name or "", "contact_phone": user.phone or ""}
            lines, funds = [{}], [{}]
        pending = []
    summary = list(errors.values())
    return render(request, "projects/form.html", {
        "project": project, "form_code": form_code, "form_label": FORM_LABELS[form_code],
        "form_help": FORM_HELP[form_code], "values": values, "errors": errors, "error_summary": summary,
        "tables": line_tables.project_tables(unit, lines or [{}], funds or [{}]),
        "kinds": Category.KINDS, "limits": _limits(unit), "unit": unit, "pending": pending,
        "gov": _gov_context(unit, values, lines, on=services.rule_date(project) if project else None),
        "cumulative_attachments": (services.linked_attachments(project, services.CUMULATIVE_PURPOSE)
                                   if project else []),
        "other_attachments": (services.linked_attachments(project).exclude(purpose=services.CUMULATIVE_PURPOSE)
                              if project else []),
        "cumulative_purpose": services.CUMULATIVE_PURPOSE, "attachment_purpose": services.ATTACHMENT_PURPOSE,
    })


def _gov_context(unit, values: dict, lines: list[dict], on=None) -> dict:
    """是否政府采购 as the save will decide it (services.gov_check), for projects/_gov_field.html."""
    kind = values.get("procurement_kind") or ""
    declared = values.get("is_gov_procurement") in (True, "1")
    ctx = {"declared": declared, "forced": False, "cumulative": declared,
           "explain": "请选择采购类别后按分散采购限额与集中采购目录判断。"}
    if kind not in dict(Category.KINDS):
        return ctx
    total, categories = services.line_total(lines)
    try:
        check = services.gov_check(unit=unit, kind=kind, total=total, declared=declared, categories=categories,
                                   on=on)
    except BusinessError as exc:  # a missing rule parameter: say so, decide nothing
        return {**ctx, "explain": exc.message}
    # 累计达到限额标准相关说明 is asked for a 是 the clerk declared, not for one the rules force
    return {**ctx, "forced": check["forced"], "cumulative": declared and not check["forced"],
            "explain": services.gov_explain(check, total)}


@requires(rights.may_start_project)
@require_POST
def gov_check(request):
    """htmx: the 是否政府采购 field re-rendered from the posted form by the same check as 保存, and the 实施形式
    hint (out of band) from the same rule the save applies (services.check_implementation_form)."""
    user = request.user
    values = values_from(request.POST)
    lines = content_lines_from(request.POST)
    gov = _gov_context(user.unit, values, lines)
    return render(request, "projects/_gov_field.html", {
        "gov": gov, "errors": {}, "live": True,
        "form_hint": _form_hint(user.unit, request.POST.get("implementation_form", ""), values, lines, gov)})


def _form_hint(unit, form_code: str, values: dict, lines: list[dict], gov: dict) -> str:
    """Why the chosen 实施形式 would be refused at 保存 ('' when it would pass or cannot be judged yet)."""
    kind = values.get("procurement_kind") or ""
    if form_code not in FORM_LABELS or kind not in dict(Category.KINDS):
        return ""
    total, categories = services.line_total(lines)
    probe = Project(unit=unit, procurement_kind=kind, total_amount=total,
                    is_gov_procurement=gov["forced"] or gov["declared"])
    probe.catalogue_categories = categories
    try:
        services.check_implementation_form(probe, form_code)
    except BusinessError as exc:
        return exc.message
    return ""


@requires(rights.may_start_project)
@require_POST
def money_check(request):
    """htmx: the computed cells of the posted 立项 form — each line's 金额, each fund line's 可用金额 and
    使用后剩余 from the budget ledger (the user's unit's indicators only), the totals and whether they agree —
    swapped out of band into their places (partials/line_cells.html)."""
    return render(request, "partials/line_cells.html",
                  {"tables": line_tables.project_live(request.user.unit, request.POST)})


@requires(rights.may_start_project)
def project_new(request, form):
    user = request.user
    if form not in FORM_LABELS:
        raise Http404("实施形式不存在")
    if form not in services.CREATE_FORMS:
        messages.error(request, "统招分签采购项目须在统招分签响应中生成，暂不能直接新增。")
        return redirect("projects:new_choose")
    if not user.unit.is_member:
        messages.error(request, "本单位尚未通过用户库基本信息审核，不能立项。")
        return redirect("projects:new_choose")
    return _form_page(request, project=None, form_code=form)


@login_required
def project_edit(request, pk):
    project = selectors.get_project(request.user, pk)
    if "edit" not in engine.available_actions(request.user, project):
        raise PermissionDenied
    if project.implementation_form == ImplementationForm.JOINT_RESPONSE:  # its lines follow the joint project's
        return redirect(services.joint_response_hook("edit_url")(project))
    return _form_page(request, project=project, form_code=project.implementation_form)


# ---- detail and actions --------------------------------------------------------------------------------------


@login_required
def project_detail(request, pk):
    user = request.user
    project = selectors.get_project(user, pk)
    actions = engine.available_actions(user, project)
    held = ledger.held(ledger.holder_key(project))
    funds = list(selectors.fund_lines(project))
    for f in funds:
        f.held = held.get(f.indicator_id, Decimal("0"))
    lines = list(selectors.content_lines(project))
    uses = selectors.uses(project)
    # the page reads is_used / used_at many times (request buttons, kinds' rules): once, from the rows just read
    project.use_since = min((u.since for u in uses if u.is_live), default=None)
    return render(request, "projects/detail.html", {
        "doc": project, "project": project, "actions": actions, "timeline": engine.timeline(project),
        "lines": lines, "lines_total": sum((ln.amount for ln in lines), Decimal("0")),  # 合计 sums the rows shown
        "funds": funds, "held_total": sum(held.values(), Decimal("0")),
        "cumulative_attachments": attachments_for(user, project).filter(purpose=services.CUMULATIVE_PURPOSE),
        "other_attachments": attachments_for(user, project).exclude(purpose=services.CUMULATIVE_PURPOSE),
        "open_review": request.GET.get("review") == "1" and "approve" in actions,
        "is_approved": project.status == Status.APPROVED,
        "limit": _safe_limit(project),
        "uses": uses,
    })


def _safe_limit(project):
    try:
        return services.decentralized_limit(project.unit, project.procurement_kind, services.rule_date(project))
    except BusinessError:
        return None
