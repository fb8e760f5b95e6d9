"""List pages and API lists: query form → status tabs with counts → toolbar → table → pagination, and 导出为Excel.

A list declares a ListSpec (columns, tabs, a filter form, its ordering); this module does the rest the same way
for the page (`render_list`) and the JSON API (`api_list`):

- counts are capped: at most settings.LIST_COUNT_CAP rows are counted ("共 10000+ 条"), per tab too;
- pages are numbered up to the cap (OFFSET ≤ cap) and continue by keyset beyond it (`?after=<key>`, `?before=`,
  `?last=1`), so a deep page costs what the first one does;
- the order is the spec's sort key plus the primary key as a tie-break, so keyset pages never skip or repeat;
- the API validates its query with the page's own form (same Chinese messages, 422 `{code, message, errors}`).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import F, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.errors import FieldErrors
from core.forms import YesNoField

MAX_PAGE = 10**6  # page numbers and keyset ids beyond this are clamped: SQLite overflows on 2**63
MAX_KEY = 2**63 - 1
MAX_TOKEN = 1000  # a keyset token longer than this is not one of ours
API_LIMIT, API_MAX_LIMIT = 50, 500
PAGING_PARAMS = ("page", "after", "before", "last", "export")

BAD_KEY = "翻页游标不正确，请从第一页重新查询。"
BAD_TAB = "取值不正确，应为：{keys}。"


def count_cap() -> int:
    return settings.LIST_COUNT_CAP


def page_number(value, default: int | None = 1, maximum: int = MAX_PAGE) -> int | None:
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


def capped_count(qs: QuerySet, cap: int | None = None) -> tuple[int, bool]:
    """(count, capped): counts at most cap + 1 rows in a subquery, so a million-row set costs what cap rows do."""
    cap = count_cap() if cap is None else cap
    n = qs.order_by().values("pk")[: cap + 1].count()
    return (cap, True) if n > cap else (n, False)


def count_text(count: int, capped: bool) -> str:
    return f"{count}+" if capped else str(count)


# ---- the sort key -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Part:
    path: str        # an ORM path: "created_at", "region__code", an annotation
    desc: bool
    nullable: bool
    field: Any       # the model field (or an annotation's output field) that parses a token's value
    attr: str        # where the row holds the value (an annotation for paths through relations)


class SortKey:
    """A deterministic order (declared fields + the primary key) and its keyset cursor.

    A cursor is the sort-key values of a row: the bare id when the order is by id alone (so `?after=<id>` of
    the project API keeps working), else base64url JSON. Nullable fields sort NULLS LAST in both directions,
    whatever the database's default, so the keyset conditions below hold on SQLite and PostgreSQL alike.
    """

    def __init__(self, qs: QuerySet, ordering=None):
        model = qs.model
        names = list(ordering or qs.query.order_by or model._meta.ordering or ())
        pk = model._meta.pk.name
        names = [pk if n == "pk" else "-" + pk if n == "-pk" else n for n in names]
        if not all(isinstance(n, str) and n.lstrip("-") and n != "?" for n in names):
            raise ValueError(f"{model.__name__}: a list's ordering must be field names, got {names!r}")
        if not any(n.lstrip("-") == pk for n in names):
            names.append(("-" if names and names[-1].startswith("-") else "") + pk)
        self.model, self.pk = model, pk
        self.parts = [self._part(qs, i, n) for i, n in enumerate(names)]
        # stop at the primary key: what comes after it never decides an order
        cut = next(i for i, p in enumerate(self.parts) if p.path == pk)
        self.parts = self.parts[: cut + 1]
        self.simple = len(self.parts) == 1  # by id alone

    def _part(self, qs, i, name) -> _Part:
        path, desc = name.lstrip("-"), name.startswith("-")
        if path in qs.query.annotations:
            return _Part(path, desc, True, qs.query.annotations[path].output_field, path)
        model, nullable, fld = self.model, False, None
        bits = path.split("__")
        for bit in bits:
            try:
                fld = model._meta.get_field(bit)
            except FieldDoesNotExist as exc:
                raise ValueError(f"{self.model.__name__}: cannot order a list by {path!r}") from exc
            nullable = nullable or bool(getattr(fld, "null", False))
            model = fld.related_model if fld.is_relation else model
        if fld.is_relation:  # order_by("unit") means the unit's own ordering: say "unit_id" or "unit__name"
            raise ValueError(f"{self.model.__name__}: order a list by a column, not the relation {path!r}")
        # a path through a relation is annotated onto the row, so its cursor costs no query
        return _Part(path, desc, nullable, fld, fld.attname if len(bits) == 1 else f"_sort_{i}")

    # -- ordering

    def apply(self, qs: QuerySet, *, reverse: bool = False) -> QuerySet:
        extra = {p.attr: F(p.path) for p in self.parts if p.attr.startswith("_sort_")}
        if extra:
            qs = qs.annotate(**extra)
        order = []
        for p in self.parts:
            desc = p.desc != reverse
            if p.nullable:  # NULLS LAST going forward, so NULLS FIRST when read backward
                nulls = {"nulls_first": True} if reverse else {"nulls_last": True}
                order.append(F(p.path).desc(**nulls) if desc else F(p.path).asc(**nulls))
            else:
                order.append(("-" if desc else "") + p.path)
        return qs.order_by(*order)

    # -- cursors

    def values(self, row) -> list:
        return [getattr(row, p.attr) for p in self.parts]

    def token(self, row) -> str:
        values = self.values(row)
        if self.simple:
            return str(values[0])
        raw = json.dumps([_jsonable(v) for v in values], ensure_ascii=False, separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    def parse(self, token) -> list | None:
        """A cursor as typed back to us: the row values, each parsed by its field and within range; else None."""
        text = str(token or "").strip()
        if not text or len(text) > MAX_TOKEN or not text.isascii():
            return None
        if self.simple and self.parts[0].path == self.pk and isinstance(self.parts[0].field, models.AutoField):
            key = key_after(text)
            return None if key is None else [key]
        if self.simple:
            raw = [text]
        else:
            try:
                raw = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode())
            except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError):
                return None
            if not isinstance(raw, list) or len(raw) != len(self.parts):
                return None
        out = []
        for part, value in zip(self.parts, raw, strict=True):
            ok, parsed = _parse_value(part, value)
            if not ok:
                return None
            out.append(parsed)
        return out

    def beyond(self, values: list, *, backward: bool = False) -> Q:
        """Rows after `values` in this order (before them when `backward`)."""
        terms, equal = [], Q()
        for part, value in zip(self.parts, values, strict=True):
            step = _step(part, value, backward)
            if step is not None:
                terms.append(equal & step)
            equal &= Q(**{f"{part.path}__isnull": True}) if value is None else Q(**{part.path: value})
        if not terms:
            return Q(pk__in=[])
        cond = terms[0]
        for term in terms[1:]:
            cond |= term
        first, value = self.parts[0], values[0]
        if len(terms) > 1 and value is not None and not first.nullable:
            # the leading column's bound, redundant but index-friendly: a range scan instead of an OR filter
            cond &= Q(**{f"{first.path}__{'lte' if first.desc != backward else 'gte'}": value})
        return cond


def _step(part: _Part, value, backward: bool) -> Q | None:
    """Strictly past `value` in one field (None: no row is), NULLS LAST in the forward direction."""
    if value is None:  # nulls are last: nothing is past them forward, every non-null is before them
        return Q(**{f"{part.path}__isnull": False}) if backward else None
    q = Q(**{f"{part.path}__{'lt' if part.desc != backward else 'gt'}": value})
    if part.nullable and not backward:
        q |= Q(**{f"{part.path}__isnull": True})
    return q


def _jsonable(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)  # uuid and the like


def _parse_value(part: _Part, value) -> tuple[bool, Any]:
    if value is None:
        return part.nullable, None
    if isinstance(value, list | dict):
        return False, None
    fld = part.field
    try:
        if isinstance(fld, models.BooleanField):
            if not isinstance(value, bool):
                return False, None
            return True, value
        if isinstance(fld, models.IntegerField | models.AutoField | models.BigAutoField):
            text = str(value)
            if isinstance(value, bool) or not re.fullmatch(r"-?\d{1,19}", text) or abs(int(text)) > MAX_KEY:
                return False, None
            return True, int(text)
        if isinstance(fld, models.DecimalField):
            number = Decimal(str(value))
            if not number.is_finite() or abs(number) >= Decimal(10) ** ((fld.max_digits or 30) - (fld.decimal_places or 0)):
                return False, None
            return True, number
        if isinstance(fld, models.DateTimeField):
            parsed = dt.datetime.fromisoformat(str(value))
            if timezone.is_naive(parsed):
                parsed = timezone.make_aware(parsed, dt.UTC)
            return True, parsed.astimezone(dt.UTC)  # out of range near year 1 or 9999: refused here
        if isinstance(fld, models.DateField):
            return True, dt.date.fromisoformat(str(value))
        if isinstance(fld, models.FloatField):
            number = float(value)
            return (number == number and abs(number) != float("inf")), number
        if not isinstance(value, str):
            return False, None
        return True, fld.to_python(value) if hasattr(fld, "to_python") else value
    except (ValidationError, ValueError, TypeError, ArithmeticError, InvalidOperation, OverflowError):
        return False, None


# ---- a page ---------------------------------------------------------------------------------------------------


@dataclass
class Page:
    """One page of a list. `number` is None where it is not known (a keyset page reached without one)."""

    rows: list
    per_page: int
    count: int
    capped: bool
    number: int | None = None
    keyset: bool = False
    has_next: bool = False
    has_previous: bool = False
    next_after: str | None = None
    prev_before: str | None = None
    numbered_pages: int = 1  # pages reachable by number (offset within the cap)

    @property
    def count_text(self) -> str:
        return count_text(self.count, self.capped)

    @property
    def num_pages(self) -> int | None:
        return None if self.capped else max(1, -(-self.count // self.per_page))

    @property
    def start_index(self) -> int | None:
        return None if self.number is None else (self.number - 1) * self.per_page + 1

    def numbered(self, n: int) -> bool:
        return n <= (self.num_pages or self.numbered_pages)

    def links(self, query: str = "") -> dict[str, str]:
        """首页 / 上一页 / 下一页 / 末页 as query strings (`query`: the filters and the tab, without paging)."""
        def q(**params):
            params = {k: v for k, v in params.items() if v is not None}
            return "?" + "&".join(x for x in (query, urlencode(params)) if x)

        out = {}
        n = self.number
        if self.has_previous:
            out["first"] = q(page=1)
            if n is not None and n > 1 and self.numbered(n - 1):
                out["previous"] = q(page=n - 1)
            elif self.prev_before:
                out["previous"] = q(before=self.prev_before, page=n - 1 if n and n > 1 else None)
        if self.has_next:
            if n is not None and not self.keyset and self.numbered(n + 1):
                out["next"] = q(page=n + 1)
            elif self.next_after:
                out["next"] = q(after=self.next_after, page=n + 1 if n else None)
            last = self.num_pages
            out["last"] = q(page=last) if last else q(last=1)
        return out


def paginate(qs: QuerySet, key: SortKey, params: Mapping, *, per_page: int, count: int, capped: bool,
             strict: bool = False) -> Page:
    """A page of `qs` (its count already known, capped) by `?page=`, `?after=`, `?before=` or `?last=1`.

    Numbered pages stay within the cap (OFFSET ≤ cap); beyond it the page continues by keyset. A bad cursor
    is the first page on a web page and a 422 in the API (`strict`)."""
    cap = count_cap()
    numbered_pages = max(1, cap // per_page)
    page = Page(rows=[], per_page=per_page, count=count, capped=capped, numbered_pages=numbered_pages)
    after, before = params.get("after"), params.get("before")
    after_key = key.parse(after) if after else None
    before_key = key.parse(before) if before and after_key is None else None
    if strict and ((after and after_key is None) or (before and not after and before_key is None)):
        raise FieldErrors({"after" if after else "before": BAD_KEY}, message=BAD_KEY)
    shown = page_number(params.get("page"), default=None)  # a keyset page's number is only shown
    if after_key is not None:
        rows = list(key.apply(qs).filter(key.beyond(after_key))[: per_page + 1])
        page.rows, page.has_next, page.has_previous = rows[:per_page], len(rows) > per_page, True
        page.keyset, page.number = True, shown
    elif before_key is not None:
        rows = list(key.apply(qs, reverse=True).filter(key.beyond(before_key, backward=True))[: per_page + 1])
        page.rows, page.has_previous, page.has_next = rows[:per_page][::-1], len(rows) > per_page, True
        page.keyset, page.number = True, shown if len(rows) > per_page else 1
    elif str(params.get("last") or "") == "1" and capped:
        page.rows = list(key.apply(qs, reverse=True)[:per_page])[::-1]
        page.has_previous, page.keyset = True, True
    else:
        last = page.num_pages or numbered_pages
        asked = last if str(params.get("last") or "") == "1" else page_number(params.get("page"))
        number = min(asked, last)  # beyond the last page: the last page
        offset = (number - 1) * per_page
        rows = list(key.apply(qs)[offset: offset + per_page + 1])
        page.rows, page.number = rows[:per_page], number
        page.has_next, page.has_previous = len(rows) > per_page, number > 1
    if page.rows:
        page.next_after = key.token(page.rows[-1]) if page.has_next else None
        page.prev_before = key.token(page.rows[0]) if page.has_previous else None
    return page


# ---- the spec ---------------------------------------------------------------------------------------------------


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
    # the sort key, e.g. ("-created_at", "-id"); default: the queryset's order_by, else the model's Meta.ordering.
    # The primary key is appended as the tie-break when missing.
    ordering: tuple[str, ...] | None = None

    @property
    def has_row_actions(self) -> bool:
        """Whether the list draws its 操作 column (a template cannot test the callable: it would call it)."""
        return self.row_actions is not None


def cell_text(kind: str, value) -> str:
    """A cell's text as the list page and the Excel export show it (the export writes money as numbers)."""
    if value is None:
        return ""
    if kind == "money":
        return f"{Decimal(value):,.2f}"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


# ---- the one pipeline: filter → tabs → count → page ----------------------------------------------------------


@dataclass
class Listing:
    """A list filtered by its form and tab, counted with the cap, ready to page (page and API alike)."""

    spec: ListSpec
    form: Any
    qs: QuerySet          # filtered, the active tab applied, unordered by us yet
    key: SortKey
    tabs: list[dict]      # [{key, label, count, capped, count_text, active}]
    active_tab: str
    count: int
    capped: bool

    @property
    def ordered(self) -> QuerySet:
        return self.key.apply(self.qs)


def build_listing(qs: QuerySet, spec: ListSpec, params: Mapping, *, strict: bool = False,
                  default_tab: bool = True, count_tabs: bool = True) -> Listing:
    """Filter `qs` by the spec's form (bound to `params`), pick the tab, count every tab with the cap.

    `strict` (the API): an invalid form or an unknown tab raises FieldErrors (422) instead of showing the
    unfiltered list with the errors beside the fields. `default_tab`: no ?tab= means the first tab (a page) or
    every row (the API). `count_tabs`: False counts only the chosen rows (the API shows no tabs)."""
    form = None
    if spec.form_class:
        form = spec.form_class(params or None)
        if form.is_bound and form.is_valid():
            if spec.apply_filters:
                qs = spec.apply_filters(qs, form.cleaned_data)
        elif form.is_bound and strict:
            raise FieldErrors({name: errs[0] for name, errs in form.errors.items()}, message="请求参数不正确。")
    key = SortKey(qs, spec.ordering)
    keys = [t.key for t in spec.tabs]
    asked = params.get("tab") or ""
    if asked and asked not in keys and strict:
        raise FieldErrors({"tab": BAD_TAB.format(keys="、".join(keys))}, message="请求参数不正确。")
    active = asked if asked in keys else (keys[0] if keys and default_tab else "")
    tabs, base = [], qs
    for tab in spec.tabs:
        if tab.key == active:
            qs = base.filter(tab.q)
        if count_tabs:
            count, capped = capped_count(base.filter(tab.q))
            tabs.append({"key": tab.key, "label": tab.label, "count": count, "capped": capped,
                         "count_text": count_text(count, capped), "active": tab.key == active})
    if active and count_tabs:
        count, capped = next((t["count"], t["capped"]) for t in tabs if t["active"])
    else:
        count, capped = capped_count(qs)
    return Listing(spec, form, qs, key, tabs, active, count, capped)


def render_list(request, qs: QuerySet, spec: ListSpec, template: str = "partials/list_page.html", extra=None):
    listing = build_listing(qs, spec, request.GET)
    if request.GET.get("export") == "xlsx":
        from . import exports  # not at import time: it loads models and the task queue

        return exports.export_response(request, listing.ordered, spec)
    page = paginate(listing.qs, listing.key, request.GET, per_page=spec.per_page, count=listing.count,
                    capped=listing.capped)
    rows = []
    for obj in page.rows:
        cells = []
        for col in spec.columns:
            value = col.get(obj)
            cells.append({"text": cell_text(col.kind, value), "kind": col.kind,
                          "url": col.link(obj) if col.link else None})
        rows.append({"obj": obj, "cells": cells,
                     "actions": spec.row_actions(request, obj) if spec.row_actions else []})
    query = request.GET.copy()
    for name in PAGING_PARAMS:
        query.pop(name, None)
    tab_query = query.copy()
    tab_query.pop("tab", None)
    context = {"spec": spec, "form": listing.form, "tabs": listing.tabs, "page": page, "rows": rows,
               "pages": page.links(query.urlencode()), "query": query.urlencode(),
               "tab_query": tab_query.urlencode(), "active_tab": listing.active_tab}
    context.update(extra or {})
    return render(request, template, context)


# ---- the API side of the same pipeline ----------------------------------------------------------------------


def _api_int(params, name: str, default: int, low: int, high: int, message: str) -> int:
    text = str(params.get(name) or "").strip()
    if not text:
        return default
    if not (text.isascii() and text.isdigit()) or len(text) > 18 or not low <= int(text) <= high:
        raise FieldErrors({name: message}, message="请求参数不正确。")
    return int(text)


def api_list(request, qs: QuerySet, spec: ListSpec, params: Mapping | None = None) -> dict:
    """An API list endpoint's body: the spec's form validates the query (422 with the form's Chinese messages),
    ?tab= picks a tab (none: every row), capped count, `?limit=` with `?offset=` within the cap or `?after=`.

    Returns {items, count, count_capped, total (= count), limit, offset, has_next, next_after}; declare the
    response with `list_schema(ItemOut)` and the parameters with `openapi_extra=list_openapi(spec)`."""
    params = request.GET if params is None else params
    cap = count_cap()
    limit = _api_int(params, "limit", API_LIMIT, 1, API_MAX_LIMIT, f"每页条数应为1–{API_MAX_LIMIT}的整数。")
    offset = _api_int(params, "offset", 0, 0, cap, f"跳过条数应为0–{cap}的整数；更深的页请用 next_after 继续翻页。")
    listing = build_listing(qs, spec, params, strict=True, default_tab=False, count_tabs=False)
    after = params.get("after")
    if after:
        if offset:
            raise FieldErrors({"offset": "after 与 offset 不能同时使用。"}, message="请求参数不正确。")
        values = listing.key.parse(after)
        if values is None:
            raise FieldErrors({"after": BAD_KEY}, message="请求参数不正确。")
        rows = list(listing.ordered.filter(listing.key.beyond(values))[: limit + 1])
    else:
        rows = list(listing.ordered[offset: offset + limit + 1])
    has_next = len(rows) > limit
    rows = rows[:limit]
    return {"items": rows, "count": listing.count, "count_capped": listing.capped, "total": listing.count,
            "limit": limit, "offset": offset, "has_next": has_next,
            "next_after": listing.key.token(rows[-1]) if has_next else None}


def list_schema(item, name: str | None = None):
    """The response schema of an `api_list` endpoint whose items are `item`."""
    from ninja import Schema
    from pydantic import Field as PField
    from pydantic import create_model

    return create_model(
        name or f"{item.__name__}Page", __base__=Schema,
        items=(list[item], ...),
        count=(int, PField(description=f"符合条件的条数，最多计到 {count_cap()}")),
        count_capped=(bool, PField(description="为 true 时实际条数多于 count（界面显示为“count+”）")),
        total=(int, PField(description="同 count（旧字段名）")),
        limit=(int, ...), offset=(int, ...),
        has_next=(bool, ...),
        next_after=(str | None, PField(None, description="下一页请求 ?after= 的取值（无下一页时为 null）")),
    )


def _param_schema(f) -> dict:
    if isinstance(f, forms.DecimalField):  # before IntegerField: Django's DecimalField is one
        return {"type": "string", "pattern": r"^-?\d+(\.\d{1,2})?$"}
    if isinstance(f, forms.IntegerField):
        return {"type": "integer"}
    if isinstance(f, forms.DateField):
        return {"type": "string", "format": "date"}
    if isinstance(f, forms.NullBooleanField | forms.BooleanField):
        return {"type": "boolean"}
    if isinstance(f, YesNoField):
        return {"type": "string", "enum": ["true", "false", "1", "0"]}
    if isinstance(f, forms.ChoiceField):
        return {"type": "string", "enum": [str(c) for c, _ in f.choices if c != ""]}
    return {"type": "string", **({"maxLength": f.max_length} if getattr(f, "max_length", None) else {})}


def list_openapi(spec: ListSpec, *, renames: Mapping[str, str] | None = None, extra: list | None = None) -> dict:
    """`openapi_extra` documenting an `api_list` endpoint's query: the form's fields (under the API's names,
    `renames` = {form field: API name}), tab, limit, offset and after."""
    renames = renames or {}
    params = []
    if spec.form_class:
        for name, f in spec.form_class.base_fields.items():
            params.append({"in": "query", "name": renames.get(name, name), "required": False,
                           "description": str(f.label or name), "schema": _param_schema(f)})
    if spec.tabs:
        params.append({"in": "query", "name": "tab", "required": False,
                       "description": "页签：" + "；".join(f"{t.key} {t.label}" for t in spec.tabs) + "（不传为全部）",
                       "schema": {"type": "string", "enum": [t.key for t in spec.tabs]}})
    cap = count_cap()
    params += [
        {"in": "query", "name": "limit", "required": False, "description": f"每页条数（1–{API_MAX_LIMIT}）",
         "schema": {"type": "integer", "minimum": 1, "maximum": API_MAX_LIMIT, "default": API_LIMIT}},
        {"in": "query", "name": "offset", "required": False,
         "description": f"跳过条数（0–{cap}）；更深的页用 after", "schema": {"type": "integer", "minimum": 0,
                                                                      "maximum": cap, "default": 0}},
        {"in": "query", "name": "after", "required": False, "description": "上一页应答的 next_after（键集分页）",
         "schema": {"type": "string", "maxLength": MAX_TOKEN}},
    ]
    return {"parameters": params + list(extra or [])}


def export_xlsx(qs: QuerySet, spec: ListSpec) -> HttpResponse:
    """Kept for list views that call it directly; the export lives in core/exports.py."""
    from . import exports

    return exports.export_xlsx(qs, spec)


