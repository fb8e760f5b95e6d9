"""系统管理 pages of the kernel's tables: 规则参数 and 工作日调整. They live in the shell, above access: the page
decides with access.rights and hands core's service and selector the answer (core asks nothing above it)."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse

from access import rights
from access.decorators import requires
from core import selectors
from core.errors import FieldErrors, NotAllowed
from core.forms import ParameterFilterForm, ParameterForm, WorkdayForm
from core.listing import Column, ListSpec, render_list
from core.models import WorkdayAdjustment
from core.services import parameter_add, workday_set


def _parameters(user):
    return selectors.parameters_for(user, every=rights.is_admin(user))


def _filter_params(qs, data):
    if data.get("name"):
        qs = qs.filter(Q(name__contains=data["name"]) | Q(label__contains=data["name"]))
    if data.get("region_code"):
        qs = qs.filter(region_code=data["region_code"])
    return qs


@requires(rights.may_keep_parameters)
def parameter_list(request):
    spec = ListSpec(
        title="规则参数", breadcrumb=["系统管理", "规则参数"], export_name="规则参数", per_page=30,
        columns=[Column("参数名", "name"), Column("参数说明", "label"),
                 Column("适用区划", lambda p: p.region_code or "全国"),
                 Column("级次", lambda p: {"province": "省级", "city": "市级", "county": "县级"}.get(p.level, "所有")),
                 Column("生效日期", "effective_from", kind="date"), Column("取值", "value"), Column("单位", "unit"),
                 Column("依据", "source"), Column("可信度", "confidence")],
        form_class=ParameterFilterForm, apply_filters=_filter_params,
        toolbar=[("新增参数版本", reverse("settings:parameter_new"))],
        row_actions=lambda req, p: [("新增版本", reverse("settings:parameter_new") + f"?from={p.pk}")],
    )
    return render_list(request, _parameters(request.user), spec)


@requires(rights.may_keep_parameters)
def parameter_new(request):
    initial = {}
    if request.GET.get("from"):
        src = _parameters(request.user).filter(pk=request.GET["from"]).first()
        if src:
            initial = {f: getattr(src, f) for f in ["name", "label", "region_code", "level", "kind", "value", "unit",
                                                    "source"]}
    form = ParameterForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            allowed = rights.may_set_parameters(request.user, form.cleaned_data.get("region_code") or "")
            parameter_add(actor=request.user, data=form.cleaned_data, allowed=allowed)
        except FieldErrors as exc:
            for k, v in exc.errors.items():
                form.add_error(k, v)
        except NotAllowed as exc:
            form.add_error("region_code", exc.message)
        else:
            messages.success(request, "参数已新增，自生效日期起生效。")
            return redirect("settings:parameter_list")
    return render(request, "portal/simple_form.html", {
        "form": form, "title": "新增参数版本", "crumbs": ["系统管理", "规则参数", "新增参数版本"],
        "back": reverse("settings:parameter_list"),
        "help": "参数不修改旧值：新增一个带生效日期的新版本，单据按其日期取当时有效的取值。"})


@requires(rights.may_set_workdays)
def workday_list(request):
    spec = ListSpec(
        title="工作日调整", breadcrumb=["系统管理", "工作日调整"], export_name="工作日调整",
        columns=[Column("日期", "date", kind="date"),
                 Column("调整为", lambda w: "上班" if w.is_working_day else "休息"),
                 Column("说明", "reason"), Column("录入人", "created_by"), Column("录入时间", "created_at", kind="datetime")],
        toolbar=[("新增调整", reverse("settings:workday_new"))],
    )
    return render_list(request, WorkdayAdjustment.objects.select_related("created_by"), spec)


@requires(rights.may_set_workdays)
def workday_new(request):
    form = WorkdayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workday_set(actor=request.user, allowed=rights.may_set_workdays(request.user), **form.cleaned_data)
        except FieldErrors as exc:
            for k, v in exc.errors.items():
                form.add_error(k, v)
        else:
            messages.success(request, "已保存。")
            return redirect("settings:workday_list")
    return render(request, "portal/simple_form.html", {
        "form": form, "title": "新增工作日调整", "crumbs": ["系统管理", "工作日调整", "新增调整"],
        "back": reverse("settings:workday_list"),
        "help": "用于补充日历包尚未收录的国务院办公厅节假日安排（放假或调休上班）。"})
