"""导出为Excel for every list page: streamed with constant memory, in the background above a row count.

A list view answers `?export=xlsx` with `export_response(request, qs, spec)` (`render_list` does it for every
page built on it). Up to `EXPORT_SYNC_MAX_ROWS` rows the workbook is written during the request. Above it the
request creates a `JobProgress` row and enqueues `export_list(job_id)` (one transaction), and redirects to the
job's page, which polls until the file is ready and then offers the download.

The background task does not need the view to register anything: it replays the list request — the same URL,
the same query, as the same user (built with RequestFactory) — with the job set in a context variable, so the
view rebuilds its own queryset through its own scope and filter code, and `export_response` writes the file
for the job instead of answering. Any list page therefore gets background export for free, and a user who has
meanwhile lost access to the list gets 失败, not the rows.

Rows are written with XlsxWriter's `constant_memory` to a temporary file (not `in_memory`, which silently turns
`constant_memory` off), read from `qs.iterator(chunk_size=…)`; columns that are plain field paths are fetched
with `values_list()` instead of building model instances. The finished file goes to the default storage under
EXPORT_DIR (any host can serve it); `delete_expired_exports` (a periodic job) removes old ones.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import operator
import re
import secrets
import tempfile
from dataclasses import dataclass
from importlib import import_module
from urllib.parse import quote

import xlsxwriter
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.db.models import QuerySet, signals
from django.db.models.base import ModelState
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.test import RequestFactory
from django.urls import Resolver404, resolve
from django.utils import timezone
from django_tasks import task

from . import jobs
from .listing import cell_text
from .models import JobProgress

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 2000
KIND = "export"
_job: contextvars.ContextVar[JobProgress | None] = contextvars.ContextVar("zhengcai_export_job", default=None)


# ---- the request ----------------------------------------------------------------------------------------------


def export_response(request, qs: QuerySet, spec) -> HttpResponse:
    """The answer to `?export=xlsx` of a list page: the workbook, or a redirect to a background job."""
    job = _job.get()
    if job is not None:  # replayed by export_list: write the job's file
        write_job_file(job, qs, spec)
        return HttpResponse(status=204)
    limit = settings.EXPORT_SYNC_MAX_ROWS
    if request.user.is_authenticated and capped_count(qs, limit) > limit:
        return redirect(start_export(request, spec))
    return workbook_response(qs, spec)


def export_xlsx(qs: QuerySet, spec) -> HttpResponse:
    """The request-less entry that list views used before `export_response`: written during the request
    (or, replayed by a background job, for the job). Prefer `export_response(request, qs, spec)`."""
    job = _job.get()
    if job is not None:
        write_job_file(job, qs, spec)
        return HttpResponse(status=204)
    return workbook_response(qs, spec)


def capped_count(qs: QuerySet, limit: int) -> int:
    """min(rows, limit + 1), without counting a million rows to learn that there are more than `limit`."""
    if qs.query.is_sliced:
        return qs.count()
    return qs.order_by()[: limit + 1].count()


def download_name(spec) -> str:
    return f"{spec.export_name}_{timezone.localdate():%Y%m%d}.xlsx"


def workbook_response(qs: QuerySet, spec) -> HttpResponse:
    """Write the workbook to a temporary file with constant memory and answer with it. The rows here are at
    most EXPORT_SYNC_MAX_ROWS (larger exports go to the background), so the answer carries the file's bytes
    (a few hundred KB) rather than streaming it: that keeps `response.content` for the tests and the scope
    matrix, which read every export."""
    with tempfile.TemporaryFile(suffix=".xlsx") as tmp:
        write_workbook(tmp, qs, spec)
        tmp.seek(0)
        resp = HttpResponse(tmp.read(), content_type=CONTENT_TYPE)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(download_name(spec))}"
    return resp


def start_export(request, spec) -> JobProgress:
    """A background export of the list this request shows, for its user. An identical export of the same
    user still queued or running is reused (a double click makes one job, not two)."""
    query = request.GET.copy()
    for key in ("page", "after", "before", "last"):  # the export holds every row, not a page
        query.pop(key, None)
    query["export"] = "xlsx"
    params = {"path": request.path, "query": query.urlencode(), "host": request.get_host()}
    same = JobProgress.objects.filter(owner=request.user, kind=KIND, params=params,
                                      state__in=[JobProgress.QUEUED, JobProgress.RUNNING]).first()
    if same is not None:
        return same
    return jobs.start_job(export_list, owner=request.user, kind=KIND, label=f"导出：{spec.title}", params=params)


# ---- the background task ----------------------------------------------------------------------------------------


class ExportRefused(Exception):
    """The replayed list refused the owner, or is not a list that exports: no retry."""


@task()
@jobs.retrying(attempts=3, backoff=30)
def export_list(job_id: int) -> str:
    """Rebuild the owner's list and write it to the storage (see the module's docstring)."""
    job = JobProgress.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or job.state == JobProgress.DONE:
        return "nothing to do"
    progress = jobs.Progress(job)
    progress.start()
    try:
        replay(job)
    except ExportRefused as exc:
        progress.fail(str(exc), permanent=True)
        return "refused"
    except Exception as exc:
        progress.fail(f"导出出错（{type(exc).__name__}）")
        raise
    job.refresh_from_db(fields=["result_name", "state"])
    return job.result_name


def replay(job: JobProgress) -> None:
    """Call the list view of `job.params` as its owner, with the job set, so it writes the job's file."""
    owner = job.owner
    if not owner.is_active:
        raise ExportRefused("发起人账号已停用，导出取消")
    path, query = job.params.get("path", ""), job.params.get("query", "")
    try:
        match = resolve(path)
    except Resolver404:
        raise ExportRefused("列表页面已不存在，导出取消") from None
    request = RequestFactory().get(path, data=None, QUERY_STRING=query,
                                   HTTP_HOST=job.params.get("host") or settings.ALLOWED_HOSTS[0])
    request.user = owner
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    from django.contrib.messages.storage import default_storage as message_storage
    from django_htmx.middleware import HtmxDetails

    request._messages = message_storage(request)
    request.htmx = HtmxDetails(request)
    token = _job.set(job)
    try:
        match.func(request, *match.args, **match.kwargs)
    except (PermissionDenied, Http404):
        raise ExportRefused("无权导出该列表（权限已变更），导出取消") from None
    finally:
        _job.reset(token)
    if not JobProgress.objects.filter(pk=job.pk).exclude(result_name="").exists():
        raise ExportRefused("该页面不支持导出")


def write_job_file(job: JobProgress, qs: QuerySet, spec) -> str:
    """Write the export to a temporary file, then into the storage; record it on the job (已完成)."""
    progress = jobs.Progress(job)
    total = qs.count()
    progress.set_total(total)
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        write_workbook(tmp, qs, spec, progress=progress.advance)
        tmp.seek(0)
        name = default_storage.save(
            f"{settings.EXPORT_DIR}/{timezone.localdate():%Y%m%d}/{job.pk}-{secrets.token_hex(8)}.xlsx", File(tmp))
    progress.finish(result_name=name, download_name=download_name(spec), message=f"共导出 {total} 行")
    return name


# ---- the workbook ------------------------------------------------------------------------------------------------


def _sheet_name(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "_", title)[:31] or "Sheet1"


@dataclass
class _Plan:
    """How to read the rows: `values_list(*fields)` and a per-column getter of a tuple, or None (instances)."""

    fields: list[str] | None
    getters: list


_DISPLAY = re.compile(r"^get_(\w+)_display$")


def _field_path(model, dotted: str):
    """'unit.name' → ('unit__name', field) if it is a chain of relations ending in a concrete field."""
    parts = dotted.split(".")
    field = None
    for i, part in enumerate(parts):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        if i < len(parts) - 1:
            if not (field.many_to_one or field.one_to_one) or field.related_model is None:
                return None
            model = field.related_model
        elif field.is_relation or not getattr(field, "concrete", False):
            return None
    return "__".join(parts), field


def _relation_path(model, parts: list[str]) -> str | None:
    """['unit', 'region'] → 'unit__region' if each is a forward many-to-one / one-to-one relation."""
    for part in parts:
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        if not (field.many_to_one or field.one_to_one) or field.related_model is None or field.auto_created:
            return None
        model = field.related_model
    return "__".join(parts) or None


def plan(qs: QuerySet, columns) -> _Plan:
    """values_list() when every column is a field path (or a field's get_X_display); model instances else."""
    fields, labels = [], []
    for col in columns:
        if callable(col.value):
            return _Plan(None, [])
        found, choices = _field_path(qs.model, col.value), None
        if found is None:
            m = _DISPLAY.match(col.value.split(".")[-1])
            head = col.value.split(".")[:-1]
            found = _field_path(qs.model, ".".join([*head, m.group(1)])) if m else None
            if found is None or not found[1].choices:
                return _Plan(None, [])
            choices = {k: str(v) for k, v in found[1].flatchoices}
        fields.append(found[0])
        labels.append(choices)
    return _Plan(fields, [_getter(i, choices) for i, choices in enumerate(labels)])


def _getter(i: int, choices: dict | None):
    if choices is None:
        return operator.itemgetter(i)
    return lambda row: choices.get(row[i], row[i])


def rows(qs: QuerySet, columns):
    """The export's cell values, row by row, read in chunks."""
    p = plan(qs, columns)
    if p.fields is not None:
        getters = p.getters
        for row in qs.values_list(*p.fields).iterator(chunk_size=CHUNK):
            yield [g(row) for g in getters]
        return
    # instances: follow the dotted relations in the same query, not one query per row
    related = sorted({path for c in columns if isinstance(c.value, str)
                      for path in [_relation_path(qs.model, c.value.split(".")[:-1])] if path})
    if related and qs.query.select_related is not True:
        qs = qs.select_related(*related)
    source = _fast_source(qs)
    if source is None:
        get = [_instance_getter(qs.model, c) for c in columns]
        for obj in qs.iterator(chunk_size=CHUNK):
            yield [g(obj) for g in get]
        return
    # one values_list() row per record: field columns read the tuple, the others the object built from it
    paths, pairs = source
    get = [_tuple_getter(qs.model, c, paths) or _on_object(_instance_getter(qs.model, c)) for c in columns]
    for row, obj in pairs:
        yield [g(row, obj) for g in get]


def _on_object(getter):
    return lambda row, obj: getter(obj)


def _tuple_getter(model, col, paths: list[str]):
    """A getter of the values_list() row for a field column (or its get_X_display), else None."""
    if callable(col.value):
        return None
    found = _field_path(model, col.value)
    if found is not None:
        path = found[0] if "__" in found[0] else found[1].attname
        if path not in paths:
            return None
        i = paths.index(path)
        return lambda row, obj: row[i]
    m = _DISPLAY.match(col.value)
    found = _field_path(model, m.group(1)) if m else None
    if found is None or not found[1].choices or found[1].attname not in paths:
        return None
    labels = {k: str(v) for k, v in found[1].flatchoices}
    i = paths.index(found[1].attname)
    return lambda row, obj: labels.get(row[i], row[i])


def instances(qs: QuerySet):
    """qs.iterator() for an export: the same objects, built without Model.__init__ (see _fast_source)."""
    source = _fast_source(qs)
    if source is None:
        yield from qs.iterator(chunk_size=CHUNK)
        return
    for _row, obj in source[1]:
        yield obj


def _fast_source(qs: QuerySet):
    """(paths, iterator of (values_list row, object)) for a plain query (concrete fields, select_related one
    level deep, no init signals), the objects built without Model.__init__ and its signals, which cost as much
    as writing the cells; None for any other query (the caller uses qs.iterator())."""
    model = qs.model
    related = qs.query.select_related
    plain = (not signals.pre_init.has_listeners(model) and not signals.post_init.has_listeners(model)
             and not qs.query.deferred_loading[0] and not qs.query.annotations and not qs.query.extra
             and not getattr(qs, "_prefetch_related_lookups", ()) and related is not True)
    rels = []
    for name, sub in (related or {}).items():
        if not plain:
            break
        field = model._meta.get_field(name)
        if sub or not field.many_to_one or signals.post_init.has_listeners(field.related_model) \
                or signals.pre_init.has_listeners(field.related_model):
            plain = False
            break
        rels.append((name, field.related_model, [f.attname for f in field.related_model._meta.concrete_fields]))
    if not plain:
        return None
    local = [f.attname for f in model._meta.concrete_fields]
    paths = local + [f"{name}__{a}" for name, _, attnames in rels for a in attnames]

    def pairs():
        db, new, n = qs.db, model.__new__, len(local)
        for row in qs.values_list(*paths).iterator(chunk_size=CHUNK):
            obj = new(model)
            obj.__dict__.update(zip(local, row[:n], strict=True))
            state = obj._state = ModelState()
            state.adding, state.db = False, db
            start = n
            for name, rel_model, attnames in rels:
                values = row[start:start + len(attnames)]
                start += len(attnames)
                if values[attnames.index(rel_model._meta.pk.attname)] is None:  # a LEFT JOIN without a row
                    state.fields_cache[name] = None
                    continue
                rel = rel_model.__new__(rel_model)
                rel.__dict__.update(zip(attnames, values, strict=True))
                rel._state = ModelState()
                rel._state.adding, rel._state.db = False, db
                state.fields_cache[name] = rel
            yield row, obj

    return paths, pairs()


def _instance_getter(model, col):
    """Column.get, precompiled where the column is a field: a plain attribute read, a null-safe chain, or a
    choices dict for get_X_display (Django's own get_X_display hashes the value on every call)."""
    if callable(col.value):
        return col.get
    if _field_path(model, col.value) is not None:
        parts = col.value.split(".")
        if len(parts) == 1:
            return operator.attrgetter(parts[0])

        def chain(obj, parts=parts):
            for part in parts:
                obj = getattr(obj, part, None)
                if obj is None:
                    return None
            return obj
        return chain
    m = _DISPLAY.match(col.value)
    found = _field_path(model, m.group(1)) if m else None
    if found is not None and found[1].choices:
        labels = {k: str(v) for k, v in found[1].flatchoices}
        attname = found[1].attname

        def display(obj):
            value = getattr(obj, attname)
            return labels.get(value, value)
        return display
    return col.get


def write_workbook(target, qs: QuerySet, spec, *, progress=None) -> int:
    """All rows of `qs` under the spec's Chinese headers into `target` (a path or a binary file), constant
    memory. Money is a number with a #,##0.00 format; everything else the text the list shows."""
    wb = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_numbers": False,
                                      "strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet(_sheet_name(spec.title))
    head = wb.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1})
    money = wb.add_format({"num_format": "#,##0.00"})
    columns = spec.columns
    kinds = [c.kind for c in columns]
    for c, col in enumerate(columns):
        ws.write_string(0, c, col.label, head)
        ws.set_column(c, c, 14 if col.kind in ("money", "date") else 24)
    write_string, write_number = ws.write_string, ws.write_number
    n = 0
    for n, values in enumerate(rows(qs, columns), start=1):
        for c, value in enumerate(values):
            kind = kinds[c]
            if value is None:
                continue
            if kind == "money":
                write_number(n, c, float(value), money)
            elif type(value) is str:
                write_string(n, c, value)
            else:
                write_string(n, c, cell_text(kind, value))
        if progress is not None and not n % CHUNK:
            progress(n)
    wb.close()
    return n


# ---- housekeeping ---------------------------------------------------------------------------------------------------


def delete_expired_exports() -> str:
    """Periodic: remove export files older than EXPORT_KEEP_DAYS from the storage (the job rows stay, saying
    so). Export files are copies of list pages, not business records."""
    cutoff = timezone.now() - dt.timedelta(days=settings.EXPORT_KEEP_DAYS)
    removed = 0
    for job in JobProgress.objects.filter(kind=KIND, finished_at__lt=cutoff).exclude(result_name=""):
        default_storage.delete(job.result_name)
        JobProgress.objects.filter(pk=job.pk).update(result_name="", message="文件已过期删除，请重新导出")
        removed += 1
    # files no job points to any more (a run that failed after saving): by the date folder they were put in
    try:
        folders = default_storage.listdir(settings.EXPORT_DIR)[0]
    except FileNotFoundError:
        folders = []
    for folder in folders:
        if re.fullmatch(r"\d{8}", folder) and folder < f"{timezone.localtime(cutoff):%Y%m%d}":
            for name in default_storage.listdir(f"{settings.EXPORT_DIR}/{folder}")[1]:
                path = f"{settings.EXPORT_DIR}/{folder}/{name}"
                if not JobProgress.objects.filter(result_name=path).exists():
                    default_storage.delete(path)
                    removed += 1
    return f"删除过期导出文件 {removed} 个"
