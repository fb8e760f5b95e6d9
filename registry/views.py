"""主体管理 pages. Thin: parse, call a service or selector, render."""

import functools

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
from access.scope import get_or_404
from core.errors import BusinessError, FieldErrors
from core.listing import Column, ListSpec, Tab, render_list
from orgs.models import Role
from orgs.selectors import CODE_FIELDS, code_owners
from orgs.signals import platform_record_for
from workflow import engine
from workflow.kit.editing import save_and_submit
from workflow.models import Status

from . import selectors, services
from .forms import (
    RegistrationFilterForm,
    RegistrationForm,
    SubordinationFilterForm,
    SubordinationRequestForm,
    UnitFilterForm,
)
from .models import Subordination, UnitRegistration

# ---- 用户库基本信息（采购单位） ------------------------------------------------------------------------------


def _current_registration(unit):
    return selectors.unit_registrations(unit).first()


@requires(rights.may_keep_registration)
def my_registration(request):
    user = request.user
    reg = _current_registration(user.unit)
    editing = request.GET.get("edit") == "1" or request.method == "POST"
    can_edit = user.has_role(Role.CLERK) and (reg is None or reg.is_editable or reg.status == Status.APPROVED)
    if not editing and reg is not None:
        return redirect("registry:registration_detail", pk=reg.pk)
    if not can_edit:
        if reg is None:  # a reviewer or competent user before the clerk has filled anything in
            return render(request, "registry/registration_none.html", {"unit": user.unit})
        raise PermissionDenied
    if reg is not None and reg.status == Status.APPROVED:
        reg = None  # changing approved information starts a new registration
    initial = services.registration_prefill(user.unit) if reg is None else {
        f: getattr(reg, f) for f in services.REGISTRATION_FIELDS}
    form = RegistrationForm(request.POST or None, initial=initial, unit=user.unit)
    errors = {}
    if request.method == "POST" and form.is_valid():
        try:
            submit = bool(request.POST.get("submit"))
            saved = save_and_submit(  # both or neither: a refused submit saves nothing
                lambda: services.registration_save(actor=user, data=form.cleaned_data, registration=reg,
                                                   version=request.POST.get("version") or None),
                actor=user, submit=submit)
            if submit:
                messages.success(request, "已提交，等待辖区监管部门审核。")
            else:
                messages.success(request, "已保存。")
            return redirect("registry:registration_detail", pk=saved.pk)
        except FieldErrors as exc:
            errors = exc.errors
        except BusinessError as exc:
            messages.error(request, exc.message)
    elif request.method == "POST":
        errors = services.validate_registration(form.cleaned_data, user.unit)  # every error in one round
    form.add_service_errors(errors)
    return render(request, "registry/registration_form.html", {"form": form, "reg": reg})


REG_COLUMNS = [
    Column("单据编号", "number", link=lambda r: reverse("registry:registration_detail", args=[r.pk])),
    Column("单位名称", "name"),
    Column("统一社会信用代码", "credit_code"),
    Column("单位预算编码", "budget_code"),
    Column("所属区划", "region.name"),
    Column("状态", "status_text", kind="status"),
    Column("提交时间", "submitted_at", kind="datetime"),
]


def _filter_registrations(qs, data):
    if data.get("name"):
        qs = qs.filter(name__contains=data["name"])
    if data.get("number"):
        qs = qs.filter(number__contains=data["number"])
    return qs


@requires(rights.may_review_registrations)
def registration_review_list(request):
    spec = ListSpec(
        title="审核采购单位信息", breadcrumb=["主体管理", "招标人管理", "采购单位", "审核采购单位信息"],
        columns=REG_COLUMNS, form_class=RegistrationFilterForm, apply_filters=_filter_registrations,
        tabs=[Tab("todo", "待处理", Q(status=Status.PENDING)),
              Tab("returned", "已退回", Q(status=Status.DRAFT, last_action="reject")),
              Tab("done", "已办结", Q(status=Status.APPROVED))],
        row_actions=lambda req, r: [("审核" if "approve" in engine.available_actions(req.user, r) else "查看",
                                     reverse("registry:registration_detail", args=[r.pk]))],
        export_name="采购单位用户库基本信息",
    )
    return render_list(request, selectors.registrations(request.user).order_by("-submitted_at", "-id"), spec)


@login_required
def registration_detail(request, pk):
    reg = get_or_404(UnitRegistration.objects.select_related("unit", "region"), request.user, pk=pk)
    actions = engine.available_actions(request.user, reg)
    reviewing = request.user.is_regulator or "approve" in actions
    platform = platform_record_for(reg.credit_code) if reviewing else None
    # a code already naming another unit is a claim on its indicators: shown, never as "一致"
    taken = [{"label": CODE_FIELDS[f], "code": getattr(reg, f),
              "owner": owner.name if selectors.visible_units(request.user).filter(pk=owner.pk).exists() else ""}
             for f, owner in code_owners(credit_code=reg.credit_code, budget_code=reg.budget_code,
                                         exclude_unit_id=reg.unit_id).items()] if reviewing else []
    can_change = (request.user.has_role(Role.CLERK) and request.user.unit_id == reg.unit_id
                  and reg.status == Status.APPROVED and reg == _current_registration(reg.unit))
    return render(request, "registry/registration_detail.html", {
        "doc": reg, "actions": actions, "timeline": engine.timeline(reg), "platform": platform,
        "can_change": can_change, "taken": taken,
    })


def registration_get(user, pk):
    return get_or_404(UnitRegistration.objects.all(), user, pk=pk)


# ---- 查看采购单位信息 -----------------------------------------------------------------------------------


def _filter_units(qs, data):
    if data.get("name"):
        qs = qs.filter(name__contains=data["name"])
    if data.get("credit_code"):
        qs = qs.filter(credit_code__startswith=data["credit_code"].upper())
    if data.get("region"):
        qs = qs.filter(region_path__startswith=data["region"].path)
    if data.get("level"):
        qs = qs.filter(level=data["level"])
    return qs


@requires(rights.may_review_registrations)
def member_list(request):
    spec = ListSpec(
        title="查看采购单位信息", breadcrumb=["主体管理", "招标人管理", "采购单位", "查看采购单位信息"],
        columns=[
            Column("单位名称", "name", link=lambda u: reverse("registry:unit_detail", args=[u.pk])),
            Column("统一社会信用代码", "credit_code"),
            Column("单位预算编码", "budget_code"),
            Column("单位级次", "get_level_display"),
            Column("所属区划", "region.name"),
            Column("主管预算单位", "competent.name"),
            Column("入库时间", "member_since", kind="datetime"),
        ],
        form_class=functools.partial(UnitFilterForm, user=request.user), apply_filters=_filter_units,
        export_name="采购单位信息",
        row_actions=lambda req, u: [("查看", reverse("registry:unit_detail", args=[u.pk]))],
    )
    return render_list(request, selectors.member_units(request.user).order_by("region__code", "name"), spec)


@login_required
def unit_detail(request, pk):
    unit = _unit_or_404(request.user, pk)
    return render(request, "registry/unit_detail.html", {
        "unit": unit,
        "subordinates": selectors.visible_units(request.user).filter(competent=unit).order_by("name"),
        "registrations": selectors.unit_registrations(unit)[:10],
    })


def _unit_or_404(user, pk):
    unit = selectors.visible_units(user).filter(pk=pk).first()
    if unit is None:
        raise Http404("记录不存在或不在您的权限范围内")
    return unit


# ---- 隶属关系 -----------------------------------------------------------------------------------------------


@requires(rights.may_set_subordination)
def my_subordination(request):
    user = request.user
    candidates = selectors.competent_candidates(user.unit)
    form = SubordinationRequestForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            sub = services.subordination_request(actor=user, **form.cleaned_data)
        except BusinessError as exc:
            if exc.field == "competent_unit":
                form.add_error("competent_unit", exc.message)
            else:
                messages.error(request, exc.message)
        else:
            messages.success(request, f"已提交，等待「{sub.competent_unit.name}」确认。")
            return redirect("registry:subordination_detail", pk=sub.pk)
    history = Subordination.objects.filter(unit=user.unit).select_related("competent_unit").order_by("-id")
    pending = history.filter(status=Status.PENDING).first()
    return render(request, "registry/my_subordination.html", {
        "form": form, "history": history[:20], "pending": pending, "unit": user.unit,
    })


SUB_COLUMNS = [
    Column("单据编号", "number", link=lambda s: reverse("registry:subordination_detail", args=[s.pk])),
    Column("下级单位", "unit.name"),
    Column("所属区划", "unit.region.name"),
    Column("主管预算单位", "competent_unit.name"),
    Column("状态", lambda s: "已解除" if s.dissolved_at else s.status_text, kind="status"),
    Column("申请时间", "submitted_at", kind="datetime"),
    Column("确认时间", "approved_at", kind="datetime"),
]


def _filter_subs(qs, data):
    if data.get("unit_name"):
        qs = qs.filter(unit__name__contains=data["unit_name"])
    if data.get("competent_name"):
        qs = qs.filter(competent_unit__name__contains=data["competent_name"])
    return qs


@requires(rights.may_confirm_subordinates)
def subordination_confirm_list(request):
    spec = ListSpec(
        title="下级单位隶属确认", breadcrumb=["单位管理", "下级单位隶属确认"], columns=SUB_COLUMNS,
        form_class=SubordinationFilterForm, apply_filters=_filter_subs, export_name="隶属关系",
        tabs=[Tab("todo", "待处理", Q(status=Status.PENDING)),
              Tab("done", "已办结", Q(status=Status.APPROVED))],
        row_actions=lambda req, s: [("确认" if "approve" in engine.available_actions(req.user, s) else "查看",
                                     reverse("registry:subordination_detail", args=[s.pk]))],
    )
    qs = selectors.subordinations(request.user).filter(competent_unit=request.user.unit).order_by("-id")
    return render_list(request, qs, spec)


@requires(rights.may_review_registrations)
def subordination_list(request):
    spec = ListSpec(
        title="查看/解除隶属关系", breadcrumb=["主体管理", "查看/解除隶属关系"], columns=SUB_COLUMNS,
        form_class=SubordinationFilterForm, apply_filters=_filter_subs, export_name="隶属关系",
        tabs=[Tab("active", "已确认", Q(status=Status.APPROVED, dissolved_at__isnull=True)),
              Tab("pending", "待确认", Q(status=Status.PENDING)),
              Tab("dissolved", "已解除", Q(dissolved_at__isnull=False))],
        row_actions=lambda req, s: [("查看", reverse("registry:subordination_detail", args=[s.pk]))]
        + ([("解除", reverse("registry:subordination_detail", args=[s.pk]) + "#dissolve", "danger")]
           if services.can_dissolve(req.user, s) else []),
    )
    return render_list(request, selectors.subordinations(request.user).order_by("-id"), spec)


@login_required
def subordination_detail(request, pk):
    sub = get_or_404(Subordination.objects.select_related("unit", "competent_unit"), request.user,
                     unit_fields=("unit", "competent_unit"), pk=pk)
    return render(request, "registry/subordination_detail.html", {
        "doc": sub, "actions": engine.available_actions(request.user, sub), "timeline": engine.timeline(sub),
        "can_dissolve": services.can_dissolve(request.user, sub),
    })


def subordination_get(user, pk):
    return get_or_404(Subordination.objects.all(), user, unit_fields=("unit", "competent_unit"), pk=pk)


@login_required
@require_POST
def subordination_dissolve(request, pk):
    sub = get_or_404(Subordination.objects.select_related("unit"), request.user,
                     unit_fields=("unit", "competent_unit"), pk=pk)
    if not services.can_dissolve(request.user, sub):
        raise PermissionDenied
    try:
        services.subordination_dissolve(actor=request.user, subordination=sub, reason=request.POST.get("reason", ""),
                                        version=request.POST.get("version") or None)
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "隶属关系已解除。")
    return redirect("registry:subordination_detail", pk=pk)
