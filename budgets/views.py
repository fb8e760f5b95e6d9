"""采购预算管理 pages: 指标预算查询, 采购预算查询, the regulator's 预算管理 (虚拟预算). Thin: parse, call a
selector or a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.errors import FieldErrors, NotAllowed
from core.listing import render_list
from orgs.models import Role, Unit

from . import lists, selectors, services
from .forms import (
    BudgetFilterForm,
    BudgetOfficeForm,
    IndicatorFilterForm,
    VirtualBudgetForm,
    include_subordinates,
    unit_option,
)
from .models import BudgetIndicator

LIST_TEMPLATE = "budgets/list.html"


def _unit_staff(user) -> bool:
    """Purchaser staff: the users the 采购预算管理 menu is for."""
    return (user.unit is not None and user.unit.kind == Unit.KIND_PURCHASER
            and user.has_role(Role.CLERK, Role.REVIEWER, Role.LEADER, Role.COMPETENT))


def _require_unit_staff(user):
    if not _unit_staff(user):
        raise PermissionDenied


def _require_regulator(user):
    if not user.is_regulator:
        raise PermissionDenied


@login_required
def indicator_list(request):
    _require_unit_staff(request.user)
    qs = selectors.indicators(request.user, include_subordinates=include_subordinates(IndicatorFilterForm, request.GET))
    return render_list(request, qs, lists.indicator_spec(), template=LIST_TEMPLATE, extra={
        "help": "一体化平台同步到本系统的预算指标；可用金额 = 指标金额 − 已被采购项目占用的金额。"})


@login_required
def budget_list(request):
    _require_unit_staff(request.user)
    qs = selectors.procurement_budgets(request.user,
                                       include_subordinates=include_subordinates(BudgetFilterForm, request.GET))
    return render_list(request, qs, lists.budget_spec(), template=LIST_TEMPLATE, extra={
        "help": "系统中的全部采购预算：一体化同步的指标和监管部门录入的虚拟预算；默认包含下级单位。"})


def _field_rows(ind):
    rows = []
    for name, wire in selectors.PLATFORM_FIELDS:
        field = BudgetIndicator._meta.get_field(name)
        value = getattr(ind, name)
        kind = "money" if name in ("amount", "cur_amt") else ""
        if isinstance(value, bool):
            value = "是" if value else "否"
        elif name == "fund_type_code" and value:
            value = f"{value} {selectors.fund_type_label(value)}"
        rows.append({"label": field.verbose_name, "wire": wire, "value": value, "kind": kind})
    return rows


@login_required
def indicator_detail(request, pk):
    user = request.user
    if not (_unit_staff(user) or user.is_regulator):
        raise PermissionDenied
    ind = selectors.indicator_for(user, pk)
    if ind is None:
        raise Http404("记录不存在或不在您的权限范围内")
    holders = selectors.holders(ind)
    ledger = selectors.ledger_rows(ind)
    return render(request, "budgets/indicator_detail.html", {
        "ind": ind, "fields": _field_rows(ind), "holders": holders, "ledger": ledger,
        "ledger_total": selectors.ledger_total(ind),
        "fund_type_label": selectors.fund_type_label(ind.fund_type_code),
        "scenario_label": selectors.VIRTUAL_SCENARIO_LABELS.get(ind.virtual_scenario, ""),
        "overdrawn": -ind.available if ind.available < 0 else None,
        "back": reverse("budgets:virtual_list") if user.is_regulator else reverse("budgets:indicator_list"),
    })


@login_required
def virtual_list(request):
    _require_regulator(request.user)
    spec = lists.virtual_spec(toolbar=[("新增预算", reverse("budgets:virtual_new"))])
    return render_list(request, selectors.virtual_budgets(request.user), spec, template=LIST_TEMPLATE, extra={
        "help": "监管部门为本辖区已入库的采购单位新增的虚拟预算（一体化平台尚未下达等场景）。"})


@login_required
def virtual_new(request):
    user = request.user
    _require_regulator(user)
    form = VirtualBudgetForm(request.POST or None, purchasers=selectors.region_purchasers(user))
    if request.method == "POST" and form.is_valid():
        try:
            ind = services.virtual_budget_create(actor=user, data=form.cleaned_data)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except FieldErrors as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, f"已新增预算 {ind.bgt_id}。")
            return redirect("budgets:indicator_detail", pk=ind.pk)
    elif request.method == "POST":
        # the service's rules on what did parse, so every error shows in this one round
        form.add_service_errors(services.validate_virtual_budget(user, form.cleaned_data)[1])
    units = selectors.virtual_budget_units(user)
    return render(request, "budgets/virtual_form.html", {
        "form": form, "unit_options": [unit_option(u) for u in units], "scenarios": selectors.VIRTUAL_SCENARIOS,
    })


# ---- 指标管理处室 ---------------------------------------------------------------------------------------------


@login_required
def office_list(request):
    """指标管理处室 of the regulator's region: list, add (POST), and the regions above read-only."""
    user = request.user
    _require_regulator(user)
    form = BudgetOfficeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            office = services.budget_office_add(actor=user, **form.cleaned_data)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except FieldErrors as exc:
            for name, msg in exc.errors.items():
                form.add_error(name if name in form.fields else None, msg)
        else:
            messages.success(request, f"已新增指标管理处室「{office.name}」。")
            return redirect("budgets:office_list")
    return render(request, "budgets/offices.html", {
        "form": form, "offices": selectors.regulated_offices(user), "inherited": selectors.inherited_offices(user),
        "region": user.unit.region,
    })


def _office_action(request, pk, verb, done: str):
    user = request.user
    _require_regulator(user)
    office = selectors.office_for(user, pk)
    if office is None:
        raise Http404("记录不存在或不在您的权限范围内")
    try:
        verb(actor=user, office=office)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except FieldErrors as exc:
        messages.error(request, "；".join(exc.errors.values()))
    else:
        messages.success(request, f"已{done}「{office.name}」。")
    return redirect("budgets:office_list")


@login_required
@require_POST
def office_deactivate(request, pk):
    return _office_action(request, pk, services.budget_office_deactivate, "停用")


@login_required
@require_POST
def office_activate(request, pk):
    return _office_action(request, pk, services.budget_office_activate, "启用")
