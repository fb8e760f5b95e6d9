"""The regulator's 一体化 pages: 一体化预算管理, 一体化单位基本信息 (with 一体化隶属关系), 接收消息日志, 重置预算匹配.

Thin: check the role, read through selectors (scoped to the regulator's region), call a service, render.
"""

import json

from django.contrib import messages
from django.db.models import F, Q
from django.shortcuts import render
from django.urls import reverse

from access import rights
from access.decorators import requires
from core.errors import BusinessError
from core.listing import Column, ListSpec, Tab, render_list

from . import lists, selectors, services
from .forms import (
    PlatformSubordinationFilterForm,
    PlatformUnitFilterForm,
    RematchSearchForm,
)
from .models import InboundMessage


@requires(rights.may_view_integration)
def indicator_messages(request):
    """一体化预算管理: the indicators the budget platform pushed, as messages."""
    return render_list(request, selectors.messages(request.user, InboundMessage.KIND_INDICATOR),
                       lists.indicator_message_spec())


@requires(rights.may_view_integration)
def message_list(request):
    """接收消息日志: every inbound message of every kind, refused ones included."""
    return render_list(request, selectors.messages(request.user), lists.message_spec())


@requires(rights.may_view_integration)
def message_detail(request, pk):
    msg = selectors.message_or_404(request.user, pk)
    try:
        pretty = json.dumps(json.loads(msg.body), ensure_ascii=False, indent=2)
    except (ValueError, RecursionError):  # an excerpt, or nesting too deep to pretty-print
        pretty = msg.body
    result = msg.result or {}
    back = ("integration:indicator_messages" if msg.kind == InboundMessage.KIND_INDICATOR
            else "integration:message_list")
    return render(request, "integration/message_detail.html", {
        "msg": msg, "pretty_body": pretty, "records": result.get("records") or [],
        "field_errors": sorted((result.get("errors") or {}).items()), "original_id": result.get("original_id"),
        "action_label": lists.ACTION_LABELS.get(msg.action, msg.action), "back": back,
    })


# ---- 一体化单位基本信息 / 一体化隶属关系 ------------------------------------------------------------------------


def _unit_check(u) -> str:
    if not u.zc_unit_id:
        return "政采系统无此单位"
    return "一致" if u.zc_budget_code == u.agency_code else f"不一致（政采：{u.zc_budget_code or '未填'}）"


def _filter_units(qs, data):
    if data.get("agency_name"):
        qs = qs.filter(agency_name__contains=data["agency_name"].strip())
    if data.get("agency_code"):
        qs = qs.filter(agency_code__startswith=data["agency_code"].strip())
    if data.get("credit_code"):
        qs = qs.filter(credit_code__startswith=data["credit_code"].strip().upper())
    if data.get("fiscal_year"):
        qs = qs.filter(fiscal_year=data["fiscal_year"])
    return qs


def _zc_unit_link(row):
    return reverse("registry:unit_detail", args=[row.zc_unit_id]) if row.zc_unit_id else None


@requires(rights.may_view_integration)
def unit_list(request):
    """一体化单位基本信息: the platform's unit records and whether 政采's unit agrees on the 单位预算编码."""
    spec = ListSpec(
        title="一体化单位基本信息", breadcrumb=["政府采购", "计划管理", "一体化单位基本信息"],
        columns=[
            Column("单位预算编码", "agency_code"),
            Column("单位名称", "agency_name"),
            Column("统一社会信用代码", "credit_code"),
            Column("财政区划", "mof_div_code"),
            Column("预算年度", "fiscal_year"),
            Column("是否有效", "is_valid"),
            Column("政采系统单位", "zc_unit_name", link=_zc_unit_link),
            Column("单位预算编码核对", _unit_check, kind="status"),
            Column("更新时间", lambda u: u.updated_at or u.received_at, kind="datetime"),
        ],
        tabs=[Tab("all", "全部"),
              Tab("agree", "编码一致", Q(zc_unit_id__isnull=False, zc_budget_code=F("agency_code"))),
              Tab("differ", "编码不一致", Q(zc_unit_id__isnull=False) & ~Q(zc_budget_code=F("agency_code"))),
              Tab("missing", "政采系统无此单位", Q(zc_unit_id__isnull=True))],
        form_class=PlatformUnitFilterForm, apply_filters=_filter_units, export_name="一体化单位基本信息",
        toolbar=[("一体化隶属关系", reverse("integration:subordination_list"))],
    )
    qs = selectors.platform_units(request.user).order_by("mof_div_code", "agency_code", "-fiscal_year", "id")
    return render_list(request, qs, spec)


def _sub_check(s) -> str:
    if not s.zc_unit_id:
        return "政采系统无此单位"
    if s.zc_competent_code == s.super_agency_code:
        return "一致"
    if s.zc_pending_code and s.zc_pending_code == s.super_agency_code:
        return "不一致（政采隶属关系申请待主管单位确认）"
    return "不一致"


def _filter_subs(qs, data):
    if data.get("agency_code"):
        qs = qs.filter(agency_code__startswith=data["agency_code"].strip())
    if data.get("super_agency_code"):
        qs = qs.filter(super_agency_code__startswith=data["super_agency_code"].strip())
    return qs


@requires(rights.may_view_integration)
def subordination_list(request):
    """一体化隶属关系: what the platform says, next to 政采's own link. Never changes orgs by itself."""
    spec = ListSpec(
        title="一体化隶属关系", breadcrumb=["政府采购", "计划管理", "一体化单位基本信息", "一体化隶属关系"],
        columns=[
            Column("单位预算编码", "agency_code"),
            Column("单位名称（一体化）", "agency_name"),
            Column("上级单位预算编码", "super_agency_code"),
            Column("上级单位名称（一体化）", "super_agency_name"),
            Column("政采系统单位", "zc_unit_name", link=_zc_unit_link),
            Column("政采系统主管预算单位", lambda s: s.zc_competent_name or ("—" if s.zc_unit_id else "")),
            Column("核对结果", _sub_check, kind="status"),
            Column("是否有效", "is_valid"),
            Column("更新时间", "updated_at", kind="datetime"),
        ],
        tabs=[Tab("all", "全部"),
              Tab("agree", "一致", Q(zc_unit_id__isnull=False, zc_competent_code=F("super_agency_code"))),
              Tab("differ", "不一致", Q(zc_unit_id__isnull=False) & ~Q(zc_competent_code=F("super_agency_code"))),
              Tab("missing", "政采系统无此单位", Q(zc_unit_id__isnull=True))],
        form_class=PlatformSubordinationFilterForm, apply_filters=_filter_subs, export_name="一体化隶属关系",
        toolbar=[("一体化单位基本信息", reverse("integration:unit_list"))],
    )
    return render_list(request, selectors.platform_subordinations(request.user).order_by("agency_code"), spec)


# ---- 重置预算匹配 ----------------------------------------------------------------------------------------


@requires(rights.may_view_integration)
def rematch(request):
    """重置预算匹配: pick a unit of the region and re-link the platform's indicators to it by its current code."""
    form = RematchSearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    result, done_unit = None, None
    if request.method == "POST":
        done_unit = selectors.rematch_unit_or_404(request.user, request.POST.get("unit"))
        try:
            result = services.rematch_unit(actor=request.user, unit=done_unit)
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            linked = sum(r["status"] == "linked" for r in result)
            unlinked = sum(r["status"] == "unlinked" for r in result)
            skipped = sum(r["status"] == "skipped" for r in result)
            if result:
                messages.success(request, f"已为「{done_unit.name}」（单位预算编码 {done_unit.budget_code}）重置预算匹配："
                                          f"匹配 {linked} 条，解除 {unlinked} 条，未改动 {skipped} 条。")
            else:
                messages.info(request, f"「{done_unit.name}」的预算指标均已正确匹配，没有需要调整的记录。")
    candidates = selectors.rematch_candidates(request.user, q)[:50] if q else []
    return render(request, "integration/rematch.html", {
        "form": form, "q": q, "candidates": candidates, "result": result, "done_unit": done_unit,
        "unmatched": selectors.unmatched_indicators(request.user),
    })
