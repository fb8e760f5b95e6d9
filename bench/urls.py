"""The bench's URLconf: the project's, plus the regulator's project list built on core.listing (the kit) and the
same list the way render_list did it before (Django's Paginator: COUNT(*) of every tab and OFFSET), to time
both through the whole stack on the same million rows. Bench only: never in zhengcai.urls."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path

from core.listing import Column, ListSpec, Page, Tab, build_listing, page_number, render_list
from projects import selectors
from zhengcai.urls import urlpatterns as project_urls

SPEC = ListSpec(
    title="项目查询（基准）", breadcrumb=["基准"],
    columns=[Column("项目编号", "number"), Column("项目名称", "name"), Column("采购单位", "unit.name"),
             Column("预算年度", "fiscal_year"), Column("项目金额（元）", "total_amount", kind="money"),
             Column("状态", "status_text", kind="status"), Column("更新时间", "updated_at", kind="datetime")],
    tabs=[Tab("all", "全部"), Tab("todo", "办理中", selectors._tab_q(selectors.TODO)),
          Tab("done", "已办结", selectors._tab_q(selectors.DONE)),
          Tab("revoked", "已撤销", selectors._tab_q(selectors.REVOKED))],
    ordering=("-id",),
)


def _projects(request):
    return selectors.region_projects(request.user).order_by()


def kit_list(request):
    return render_list(request, _projects(request), SPEC)


def legacy_list(request):
    """What render_list did before: a full COUNT(*) per tab, Paginator's COUNT and OFFSET (page number only)."""
    active = request.GET.get("tab") or "all"
    base = _projects(request)
    tabs, qs = [], base
    for tab in SPEC.tabs:
        n = base.filter(tab.q).count()
        tabs.append({"key": tab.key, "label": tab.label, "count": n, "count_text": str(n), "active": tab.key == active})
        if tab.key == active:
            qs = base.filter(tab.q)
    dj = Paginator(qs.order_by("-id"), SPEC.per_page).get_page(page_number(request.GET.get("page")))
    page = Page(rows=list(dj.object_list), per_page=SPEC.per_page, count=dj.paginator.count, capped=False,
                number=dj.number, has_next=dj.has_next(), has_previous=dj.has_previous())
    listing = build_listing(base.filter(pk__in=[]), SPEC, {}, count_tabs=False)  # the form only
    rows = [{"obj": o, "cells": [{"text": str(c.get(o) or ""), "kind": c.kind} for c in SPEC.columns], "actions": []}
            for o in page.rows]
    return render(request, "partials/list_page.html", {
        "spec": SPEC, "form": listing.form, "tabs": tabs, "page": page, "rows": rows, "pages": page.links(),
        "query": "", "tab_query": "", "active_tab": active})


urlpatterns = [path("bench/kit/", kit_list), path("bench/legacy/", legacy_list), *project_urls]
