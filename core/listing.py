"""List pages: query form → status tabs with counts → toolbar → table → pagination, and 导出为Excel.

Views declare columns, tabs and a filter form; this module does the paging and the export so every list
looks and behaves the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.shortcuts import render
from django.utils import timezone

MAX_PAGE = 10**6  # page numbers and keyset ids beyond this are clamped: SQLite overflows on 2**63
MAX_KEY = 2**63 - 1


def page_number(value, default: int = 1, maximum: int = MAX_PAGE) -> int:
    """A ?page= as typed: a positive int, clamped to `maximum`; anything else is `default`."""
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()):
        return default
    n = int(text) if len(text) <= 18 else maximum  # no need to read a 400-digit number to know it is large
    return default if n < 1 else min(n, maximum)


def key_after(value) -> int | None:
    """A keyset ?after=<id> as typed: a positive id within the database's integers, else None."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19 or not 1 <= int(text) <= MAX_KEY:
        return None
    return int(text)


@dataclass
class Column:
    label: str
    value: Callable | str
    kind: str = "text"  # text | money | date | datetime | status
    link: Callable | None = None  # row -> url

    def get(self, row):
        if callable(self.value):
            return self.value(row)
        obj = row
        for part in self.value.split("."):
            obj = getattr(obj, part, None)
            if obj is None:
                return None
        return obj() if callable(obj) else obj


@dataclass
class Tab:
    key: str
    label: str
    q: Q = field(default_factory=Q)


@dataclass
class ListSpec:
    title: str
    columns: list[Column]
    tabs: list[Tab] = field(default_factory=list)
    form_class: type | None = None
    apply_filters: Callable[[QuerySet, dict], QuerySet] | None = None
    row_actions: Callable | None = None  # (request, row) -> [(label, url, css)]
    toolbar: list[tuple[str, str]] = field(default_factory=list)  # (label, url)
    export_name: str = "导出"
    per_page: int = 20
    breadcrumb: list[str] = field(default_factory=list)


def _cell_text(col: Column, value) -> str:
    if value is None:
        return ""
    if col.kind == "money":
        return f"{Decimal(value):,.2f}"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def render_list(request, qs: QuerySet, spec: ListSpec, template: str = "partials/list_page.html", extra=None):
    form = spec.form_class(request.GET or None) if spec.form_class else None
    if form is not None and form.is_valid() and spec.apply_filters:
        qs = spec.apply_filters(qs, form.cleaned_data)
    tabs = []
    active = request.GET.get("tab") or (spec.tabs[0].key if spec.tabs else "")
    base = qs
    for tab in spec.tabs:
        tabs.append({"key": tab.key, "label": tab.label, "count": base.filter(tab.q).count(),
                     "active": tab.key == active})
        if tab.key == active:
            qs = base.filter(tab.q)
    if request.GET.get("export") == "xlsx":
        from . import exports  # not at import time: it loads models and the task queue

        return exports.export_response(request, qs, spec)
    page = Paginator(qs, spec.per_page).get_page(page_number(request.GET.get("page")))
    rows = []
    for obj in page.object_list:
        cells = []
        for col in spec.columns:
            value = col.get(obj)
            cells.append({"text": _cell_text(col, value), "kind": col.kind,
                          "url": col.link(obj) if col.link else None})
        rows.append({"obj": obj, "cells": cells,
                     "actions": spec.row_actions(request, obj) if spec.row_actions else []})
    query = request.GET.copy()
    query.pop("page", None)
    tab_query = query.copy()
    tab_query.pop("tab", None)
    context = {"spec": spec, "form": form, "tabs": tabs, "page": page, "rows": rows,
               "query": query.urlencode(), "tab_query": tab_query.urlencode(), "active_tab": active}
    context.update(extra or {})
    return render(request, template, context)


def export_xlsx(qs: QuerySet, spec: ListSpec):
    """Kept for list views that call it directly; the export lives in core/exports.py."""
    from . import exports

    return exports.export_xlsx(qs, spec)


# ---- filter dropdowns ---------------------------------------------------------------------------------------


def region_choices(user) -> QuerySet:
    """Regions a list page's 所属区划 dropdown offers: the user's scope, never the whole country. A regulator
    its region and below, anyone else their unit's region; the administrator every region."""
    from orgs.models import Region, Role

    if not user.is_authenticated:
        return Region.objects.none()
    if user.is_superuser or user.has_role(Role.ADMIN):
        return Region.objects.all()
    unit = user.unit
    if unit is None:
        return Region.objects.none()
    if user.is_regulator:
        return Region.objects.filter(path__startswith=unit.region_path)
    return Region.objects.filter(pk=unit.region_id)
