"""Reads of 采购项目立项, always scoped. Written to stay fast at 1 000 000 projects.

For the benchmark and the other project work, the entry points are:

- `visible_q(user) -> Q` — the rows a user may see, on the project's own columns (no join), built by
  access.scope from the declared scope columns (projects/apps.py): own unit (`unit_id = …`), the subordinate
  tree for a competent unit (`unit_id IN (…)`, the ids read from the small unit table by its materialized
  path), the jurisdiction for a regulator (`region_path IN (…)`, the region paths read from the region table).
  Equality lists keep every filter an index lookup on (unit, status, -id) / (region_path, status, -id)
  whatever the database collation.
- `projects_for(user, *, tab=None, filters=None) -> QuerySet` — the unit-side list (采购项目立项): what the user
  sees through their unit, tab 'todo' (待处理: not yet approved) or 'done' (已办结: approved), ordered by -id.
- `region_projects(user, *, tab=None, filters=None) -> QuerySet` — the regulator's 项目查询: every project of
  units in the regulator's region, ordered by -id.
- `paginate(qs, *, page=1, after=None, per_page=20) -> ProjectPage` — one page without COUNT: by page number
  (OFFSET) or, with `after=<id>`, by keyset (`id < after`, constant time at any depth). Fetches per_page + 1
  rows to know whether there is a next page.
- `tab_counts(qs_by_tab, cap=None) -> dict` — one COUNT per tab; with `cap`, counting stops at cap + 1 rows
  (LIMIT inside the count) so a province-wide tab costs at most `cap` index entries; the page shows "cap+".
- `fund_table(unit, funds, total)` / `posted_fund_lines(post)` / `fund_live(unit, post, total)` — 项目资金构成 as
  the 立项 form draws, parses and recomputes it live, for another app's form that makes a project (统招分签响应).
- `used_q()` / `live_uses_by(by)` / `uses(project)` — which documents use a project (ProjectUse): a filter
  for "used now" (`~used_q()`: unused), the projects a document uses now, a project's 使用情况 for its page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse

from access import scope
from core.listing import key_after, page_number
from core.models import Category
from workflow import engine
from workflow.models import Status

from .forms import fund_lines_from
from .models import ContentLine, FundLine, Project, ProjectRequest, ProjectUse
from .models import used_q as _used_q

TODO, DONE, REVOKED, ALL = "todo", "done", "revoked", "all"
TABS = {TODO: "待处理", DONE: "已办结", REVOKED: "已撤销"}  # the unit side's tabs; the regulator's add 全部
TODO_STATUSES = [s for s in Status.values if s != Status.APPROVED]
REGION_COUNT_CAP = 10000


def _pending_revoke_ids():
    """Projects whose 撤销 is waiting for the 需求领导: still in hand, so listed under 待处理 (with 撤回)."""
    return ProjectRequest.objects.filter(kind=ProjectRequest.KIND_REVOKE, status=Status.PENDING).values("project_id")


def _tab_q(tab: str | None) -> Q:
    if tab == DONE:  # a revoked project is never 已办结
        return Q(status=Status.APPROVED, revoked_at__isnull=True) & ~Q(pk__in=_pending_revoke_ids())
    if tab == REVOKED:
        return Q(status=Status.APPROVED, revoked_at__isnull=False)
    if tab == TODO:
        # an equality list: index (…, status, -id) lookups; plus the few with a pending 撤销
        return Q(status__in=TODO_STATUSES) | Q(pk__in=_pending_revoke_ids())
    return Q()


def pending_revokes(projects) -> dict:
    """{project id: its pending 撤销 request} for a page of projects."""
    return {r.project_id: r for r in ProjectRequest.objects.filter(
        project__in=[p.pk for p in projects], kind=ProjectRequest.KIND_REVOKE, status=Status.PENDING)}


def _region_paths(region_path: str) -> list[str]:
    return scope.region_paths_below(region_path)


def _unit_ids(user) -> list[int]:
    """The units a user sees through their unit: their own, plus the subordinate tree for a competent unit."""
    return scope.unit_ids(user)


def unit_side_q(user) -> Q:
    """Projects of the user's unit (and of its subordinates for a competent unit)."""
    return scope.unit_side_q(user, Project)


def region_q(user) -> Q:
    """Projects of units in the regulator's region (and the regions below it): the declared `region_path` copy."""
    return scope.region_q(user, Project)


def visible_q(user) -> Q:
    return scope.scope_q(user, Project)


def visible(user) -> QuerySet:
    return Project.objects.filter(visible_q(user))


def get_project(user, pk) -> Project:
    """A project in the user's scope, or Http404 (out of scope looks exactly like missing)."""
    project = (visible(user).select_related("unit", "unit__region", "created_by", "submitted_by")
               .filter(pk=pk).first())
    if project is None:
        raise Http404("记录不存在或不在您的权限范围内")
    return project


def apply_filters(qs: QuerySet, filters: dict | None) -> QuerySet:
    """Query form: 项目名称 (contains), 项目编号 (prefix or contains), 预算年度, 实施形式, 采购类别, 单位."""
    f = filters or {}
    if f.get("name"):
        qs = qs.filter(name__contains=f["name"].strip())
    if f.get("number"):
        number = f["number"].strip()
        qs = qs.filter(number__startswith=number) if number.upper().startswith("ZC-") else \
            qs.filter(number__contains=number)
    if f.get("fiscal_year"):
        qs = qs.filter(fiscal_year=f["fiscal_year"])
    if f.get("implementation_form"):
        qs = qs.filter(implementation_form=f["implementation_form"])
    if f.get("procurement_kind"):
        qs = qs.filter(procurement_kind=f["procurement_kind"])
    if f.get("unit_name"):
        qs = qs.filter(unit__name__contains=f["unit_name"].strip())
    return qs


def projects_for(user, *, tab: str | None = None, filters: dict | None = None) -> QuerySet:
    """采购项目立项 list: the projects the user sees through their unit, newest first."""
    qs = Project.objects.filter(unit_side_q(user)).filter(_tab_q(tab))
    return apply_filters(qs, filters).select_related("unit").order_by("-id")


def region_projects(user, *, tab: str | None = None, filters: dict | None = None) -> QuerySet:
    """项目查询 (regulator): the projects of the regulator's region, newest first. Empty for non-regulators."""
    qs = Project.objects.filter(region_q(user)).filter(_tab_q(tab))
    return apply_filters(qs, filters).select_related("unit").order_by("-id")


# ---- paging --------------------------------------------------------------------------------------------------


@dataclass
class ProjectPage:
    rows: list
    per_page: int
    number: int | None = None        # page number (None in keyset mode)
    after: int | None = None         # the keyset cursor this page started after
    has_next: bool = False
    next_after: int | None = None    # cursor for the next page (id of the last row)
    total: int | None = None
    total_capped: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def start_index(self) -> int:
        return ((self.number or 1) - 1) * self.per_page + 1 if self.after is None else 1

    @property
    def has_previous(self) -> bool:
        return self.after is not None or (self.number or 1) > 1

    @property
    def num_pages(self) -> int | None:
        if self.total is None or self.total_capped:
            return None
        return max(1, -(-self.total // self.per_page))


def paginate(qs: QuerySet, *, page=1, after=None, per_page: int = 20) -> ProjectPage:
    """A page of `qs` (ordered by -id): keyset when `after` is given, else by page number. No COUNT here."""
    after = key_after(after)  # bounded: an id beyond the integer range is no id
    if after is not None:
        rows = list(qs.filter(id__lt=after)[: per_page + 1])
        result = ProjectPage(rows=rows[:per_page], per_page=per_page, after=after)
    else:
        number = page_number(page)
        offset = (number - 1) * per_page
        rows = list(qs[offset: offset + per_page + 1])
        result = ProjectPage(rows=rows[:per_page], per_page=per_page, number=number)
    result.has_next = len(rows) > per_page
    result.next_after = result.rows[-1].pk if result.has_next else None
    return result


def capped_count(qs: QuerySet, cap: int | None = None) -> tuple[int, bool]:
    """(count, capped): with `cap`, counts at most cap + 1 rows."""
    qs = qs.order_by()
    if cap is None:
        return qs.count(), False
    n = qs.values("pk")[: cap + 1].count()
    return (cap, True) if n > cap else (n, False)


def tab_counts(qs_for_tab, tabs=tuple(TABS), cap: int | None = None) -> dict[str, tuple[int, bool]]:
    """{tab: (count, capped)} — one COUNT per tab (`qs_for_tab(tab)` gives the tab's queryset)."""
    return {tab: capped_count(qs_for_tab(tab), cap) for tab in tabs}


# ---- a project's parts (the project itself was read through the scope above) --------------------------------


def content_lines(project) -> QuerySet:
    return ContentLine.objects.filter(project=project, is_active=True).select_related("category").order_by("seq")


def fund_lines(project) -> QuerySet:
    return FundLine.objects.filter(project=project, is_active=True).select_related("indicator").order_by("id")


def fund_table(unit, funds: list[dict], total) -> dict:
    """项目资金构成 as the 立项 form draws it, for another app's form that makes a project (统招分签响应):
    {table, rows, total, note, warning} for `{% line_table %}` — the line-table component's table with the
    unit's usable indicators, 可用金额 / 使用后剩余 of the rows (over-use marked with the save's message), the
    资金合计 and whether it equals `total`, the 项目金额. The live answer is fund_live's."""
    from . import line_tables  # it reads through this module

    return line_tables.fund_table(unit, funds, total)


def posted_fund_lines(post) -> list[dict]:
    """The rows of a fund_table as the form posted them (fund-indicator, fund-amount), as typed."""
    return fund_lines_from(post)


def fund_live(unit, post, total) -> dict:
    """fund_table's computed cells for a live answer (partials/line_cells.html), from the posted rows."""
    from . import line_tables

    return line_tables.fund_live(unit, post, total)


def requests_of(project) -> QuerySet:
    return ProjectRequest.objects.filter(project=project).order_by("-id")


def leaf_categories(kind: str | None = None) -> QuerySet:
    qs = Category.objects.filter(is_leaf=True)
    return (qs.filter(kind=kind) if kind else qs).order_by("code")


def form_change_candidates(user) -> QuerySet:
    """实施形式变更: the approved projects of the clerk's own unit (each row knows whether it is used)."""
    return Project.objects.filter(unit_id=user.unit_id, status=Status.APPROVED).with_use().order_by("-id")


# ---- uses (ProjectUse: which documents use a project) ------------------------------------------------------


def used_q() -> Q:
    """Projects some document uses now (an EXISTS on the partial index of live uses); `~used_q()`: unused."""
    return _used_q()


def live_uses_by(by: str) -> QuerySet:
    """The projects a document (`by`, e.g. 'plans.plan:12') uses now, through the partial index on `by`."""
    return Project.objects.filter(pk__in=ProjectUse.objects.filter(by=by, released_at__isnull=True)
                                  .values("project_id"))


def uses(project) -> list[ProjectUse]:
    """使用情况: every use of the project, live and released, oldest first; each with `display` (the label the
    marking module gave, else the document itself, else its key) and `url` (its detail page when the kit
    knows one)."""
    rows = list(ProjectUse.objects.filter(project=project).order_by("since", "id"))
    for use in rows:
        use.display, use.url = _document_of(use.by, use.label)
    return rows


def _document_of(by: str, label: str) -> tuple[str, str | None]:
    label_lower, _, pk = by.partition(":")
    app_label, _, model_name = label_lower.partition(".")
    if not (pk.isdigit() and app_label and model_name):
        return label or by, None
    try:
        model = apps.get_model(app_label, model_name)
    except (LookupError, ValueError):
        return label or by, None
    flow = next((f for f in engine.FLOWS.values() if f.model is model and f.url_name), None)
    url = None
    if flow is not None:
        try:
            url = reverse(flow.url_name, args=[int(pk)])
        except NoReverseMatch:
            url = None
    if label:
        return label, url
    obj = model._default_manager.filter(pk=pk).first()
    return (f"{model._meta.verbose_name} {obj}" if obj is not None else by), url
