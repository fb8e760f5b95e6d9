"""采购预算管理 pages: 指标预算查询, 采购预算查询, the regulator's 预算管理 (虚拟预算). Thin: parse, call a
selector or a service, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from access import rights
from access.decorators import requires
from core.errors import FieldErrors, NotAllowed
from core.listing import render_list

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


@requires(rights.may_view_indicators)
def indicator_list(request):
    qs = selectors.indicators(request.user, include_subordinates=include_subordinates(IndicatorFilterForm, request.GET))
    return render_list(request, qs, lists.indicator_spec(), template=LIST_TEMPLATE, extra={
        "help": "一体化平台同步到本系统的预算指标；可用金额 = 指标金额 − 已被采购项目占用的金额。"})


@requires(rights.may_view_indicators)
def budget_list(request):
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


def _back(user, ind) -> str:
    if rights.may_view_region_indicators(user) and ind.source == BudgetIndicator.SOURCE_PLATFORM:
        return reverse("budgets:region_indicator_list")
    if rights.may_keep_virtual_budgets(user):
        return reverse("budgets:virtual_list")
    return reverse("budgets:indicator_list")


@requires(rights.may_read_indicator)
def indicator_detail(request, pk):
    user = request.user
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
        "back": _back(user, ind),
    })


@requires(rights.may_view_region_indicators)
def region_indicator_list(request):
    return render_list(request, selectors.region_indicators(request.user), lists.region_indicator_spec(),
                       template=LIST_TEMPLATE, extra={
                           "help": "一体化平台推送的本辖区预算指标（含尚未匹配到采购单位的）；"
                                   "已占用 = 采购项目等单据占用的金额，可用金额 = 指标金额 − 已占用。"})


@requires(rights.may_keep_virtual_budgets)
def virtual_list(request):
    spec = lists.virtual_spec(toolbar=[("新增预算", reverse("budgets:virtual_new"))])
    return render_list(request, selectors.virtual_budgets(request.user), spec, template=LIST_TEMPLATE, extra={
        "help": "监管部门为本辖区已入库的采购单位新增的虚拟预算（一体化平台尚未下达等场景）。"})


@requires(rights.may_keep_virtual_budgets)
def virtual_new(request):
    user = request.user
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


@requires(rights.may_keep_budget_offices)
def office_list(request):
    """指标管理处室 of the regulator's region: list, add (POST), and the regions above read-only."""
    user = request.user
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


@requires(rights.may_keep_budget_offices)
@require_POST
def office_deactivate(request, pk):
    return _office_action(request, pk, services.budget_office_deactivate, "停用")


@requires(rights.may_keep_budget_offices)
@require_POST
def office_activate(request, pk):
    return _office_action(request, pk, services.budget_office_activate, "启用")
