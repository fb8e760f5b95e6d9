"""A document type declared once; its list, 新增/编辑 form, detail page, engine buttons, requests and JSON API
generated here.

    SAMPLE = DocumentType(flow=FLOW, namespace="samples", title="示例单据", section="示例",
                          form=SampleForm, columns=[Column("名称", "name")], may_list=rights.is_unit_staff,
                          may_create=rights.is_clerk)
    urlpatterns = SAMPLE.urls()          # in the app's urls.py (app_name = SAMPLE.namespace)
    router = SAMPLE.api_router()         # in the app's api.py

A document whose save is more than setting fields (lines, money) passes `save=` — its own service — and
keeps the rest. Rights are predicates (user) / (user, doc) from access.rights or the app.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from ninja import Router, Schema
from ninja import Status as Http

from access import rights as access_rights
from access.decorators import requires
from access.scope import get_or_404, scoped
from attachments import visibility
from core.api import ErrorOut, actor
from core.errors import BusinessError, FieldErrors, NotAllowed
from core.lines import LineTable
from core.listing import Column, ListSpec, Tab, api_list, list_openapi, list_schema, render_list
from core.money import format_yuan

from .. import engine
from ..models import Status
from . import actions, editing

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


DOCUMENT_TYPES: dict[str, "DocumentType"] = {}


@dataclass(frozen=True)
class LineSpec:
    """An inline table of the document: the line-table component (core.lines.LineTable) and where its rows
    live — a model with a foreign key `fk` to the document, `seq` and `is_active` (replaced lines are kept)."""
    table: LineTable
    model: type
    fk: str

    def current(self, doc):
        return self.model.objects.filter(**{self.fk: doc}, is_active=True).order_by("seq")

    def values(self, doc) -> list[dict]:
        return [{c.name: getattr(ln, c.name) for c in self.table.columns} for ln in self.current(doc)]

    def write(self, doc, rows: list[dict]) -> None:
        self.current(doc).update(is_active=False)
        self.model.objects.bulk_create(self.model(**{self.fk: doc}, seq=i, **row) for i, row in enumerate(rows, 1))


class DocumentOut(Schema):
    """The fields every engine document (workflow.models.Reviewable) has in the API. The generated
    `<Namespace>Out` of a DocumentType is this plus actions, fields, lines and timeline; a hand-written
    API of an engine document (registry's 用户库基本信息, 隶属关系) builds its schemas on it. It reads the
    document itself or `document_fields(doc)`'s dict."""

    id: int
    number: str
    unit_id: int
    unit_name: str
    status: str
    status_text: str
    current_node: str
    stage: str
    version: int
    submitted_by: str | None
    submitted_at: datetime.datetime | None
    approved_at: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_unit_name(obj):
        return obj["unit_name"] if isinstance(obj, dict) else obj.unit.name

    @staticmethod
    def resolve_submitted_by(obj):
        if isinstance(obj, dict):
            return obj["submitted_by"]
        return str(obj.submitted_by) if obj.submitted_by_id else None


def document_fields(doc) -> dict:
    """DocumentOut's fields of `doc`, as a dict."""
    return {"id": doc.pk, "number": doc.number, "unit_id": doc.unit_id, "unit_name": doc.unit.name,
            "status": doc.status, "status_text": doc.status_text, "current_node": doc.current_node,
            "stage": doc.stage, "version": doc.version,
            "submitted_by": str(doc.submitted_by) if doc.submitted_by_id else None,
            "submitted_at": doc.submitted_at, "approved_at": doc.approved_at, "created_at": doc.created_at,
            "updated_at": doc.updated_at}


def always(user) -> bool:
    return user.is_authenticated


@dataclass
class DocumentType:
    flow: engine.Flow
    namespace: str                          # URL namespace and API path segment
    title: str                              # 中文名: list title, breadcrumbs, Excel name
    section: str                            # the menu section above it (breadcrumb)
    form: type                              # the clerk's fields: a core.forms.Form named after model fields
    columns: list[Column]                   # list columns after 单据编号
    form_kwargs: Callable | None = None     # (user) -> extra keyword arguments of the form (user-dependent choices)
    may_list: Callable = always             # (user) -> bool: who opens the list
    may_create: Callable = always           # (user) -> bool: who sees 新增 (the engine still checks the place)
    filter_form: type | None = None
    apply_filters: Callable | None = None
    tabs: list[Tab] | Callable | None = None  # default: by engine state, plus the flow's stages; or (user) -> tabs
    detail_fields: list[str] | None = None  # default: the form's fields
    select_related: tuple[str, ...] = ("unit", "created_by")
    scope_fields: tuple[str, ...] = ("unit",)
    save: Callable | None = None            # (actor, doc|None, data, version) -> doc: the app's own service
    # (actor, doc|None, data) -> data: the document's own rules on the cleaned fields and lines before the kit's
    # save, in its transaction (FieldErrors keyed like the form's fields and the lines' cells)
    clean: Callable | None = None
    form_context: Callable | None = None    # (request, doc|None) -> dict for the form page (a picker's options)
    requests: object | None = None          # a workflow.kit.requests.RequestType
    lines: tuple[LineSpec, ...] = ()        # inline tables (line-table components)
    detail_template: str = "kit/detail.html"
    form_template: str = "kit/form.html"
    extra_context: Callable | None = None   # (request, doc) -> dict for the detail page
    # fields whose first value on 新增 may come from the query string (a panel's link: new/?lot=3)
    initial_from_query: tuple[str, ...] = ()
    form_context: Callable | None = None    # (request, doc) -> dict for the 新增/编辑 page
    # values of a valid draft (or a callable (clerk) -> saved draft): the test kit's builders and the scope
    # matrix make rows of every declared document type from it
    example: object = None

    def __post_init__(self):
        if not self.flow.url_name:  # the inbox links a pending document to its page
            self.flow = engine.register(replace(self.flow, url_name=f"{self.namespace}:detail"))
        self.model = self.flow.model
        if self.requests is not None:
            self.requests.bind(self)
        DOCUMENT_TYPES[self.namespace] = self
        # its attachments (a 评审报告, 采购文件 …) open for whoever reads the document
        visibility.register(self.model, lambda user, pk: self.visible(user).filter(pk=pk).exists())

    # ---- reading ---------------------------------------------------------------------------------------

    def queryset(self):
        return self.model.objects.select_related(*self.select_related)

    def visible(self, user):
        return scoped(self.queryset(), user, self.scope_fields)

    def get(self, user, pk):
        """The scoped read: a row outside the user's scope is a 404, like a missing one."""
        return get_or_404(self.queryset(), user, self.scope_fields, pk=pk)

    def url(self, name: str, *args) -> str:
        return reverse(f"{self.namespace}:{name}", args=args)

    def make_form_kwargs(self, user) -> dict:
        return self.form_kwargs(user) if self.form_kwargs is not None else {}

    def field_names(self) -> list[str]:
        return list(self.form.base_fields)

    def default_tabs(self) -> list[Tab]:
        tabs = [Tab("editing", "编辑中", Q(status__in=(Status.DRAFT, Status.WITHDRAWN)) & ~Q(last_action="discard")),
                Tab("pending", "审核中", Q(status=Status.PENDING))]
        for stage in self.flow.stages:
            tabs += [Tab(stage.code, stage.label, Q(status=Status.APPROVED, stage=stage.code)),
                     Tab(stage.done_code, stage.done_label, Q(status=Status.APPROVED, stage=stage.done_code))]
        if not self.flow.stages:
            tabs.append(Tab("approved", "已办结", Q(status=Status.APPROVED)))
        return tabs + [Tab("all", "全部", Q())]

    def _tabs(self, user) -> list[Tab]:
        if self.tabs is None:
            return self.default_tabs()
        return self.tabs(user) if callable(self.tabs) else self.tabs

    def list_spec(self, request=None) -> ListSpec:
        user = request.user if request is not None else None

        def row_actions(req, doc):
            ops = [("查看", self.url("detail", doc.pk))]
            if "edit" in engine.available_actions(user, doc):
                ops.append(("编辑", self.url("edit", doc.pk)))
            return ops

        return ListSpec(
            title=self.title, breadcrumb=[self.section, self.title], export_name=self.title,
            columns=[Column("单据编号", "number", link=lambda d: self.url("detail", d.pk)), *self.columns,
                     Column("单位", "unit.name"), Column("状态", "status_text", kind="status"),
                     Column("更新时间", "updated_at", kind="datetime")],
            tabs=self._tabs(user),
            form_class=self.filter_form, apply_filters=self.apply_filters, row_actions=row_actions,
            toolbar=[("新增", self.url("new"))] if user is not None and self.may_create(user) else [],
            ordering=("-id",),
        )

    # ---- writing -------------------------------------------------------------------------------------------

    def save_doc(self, user, doc, data: dict, version):
        """保存: the document's own rules (`clean`, whose row locks need it) and the write, in one transaction."""
        with transaction.atomic():
            return self._save_doc(user, doc, data, version)

    def _save_doc(self, user, doc, data: dict, version):
        if self.save is not None:
            return self.save(user, doc, data, version)
        if self.clean is not None:
            data = self.clean(user, doc, dict(data))
        lines = {spec.table.prefix: data.pop(spec.table.prefix, []) for spec in self.lines}

        def write_lines(d):
            for spec in self.lines:
                spec.write(d, lines[spec.table.prefix])

        def snapshot(d):
            return {spec.table.prefix: spec.values(d) for spec in self.lines}

        if doc is None:
            return editing.create(self.model, actor=user, unit=user.unit, values=data, fields=list(data),
                                  write=write_lines)

        def write(d):
            for name, value in data.items():
                setattr(d, name, value)
            write_lines(d)

        return editing.edit(doc, actor=user, version=version, write=write, fields=list(data), snapshot=snapshot)

    def clean_lines(self, posted: dict) -> dict:
        """{prefix: typed rows} of every line table, or FieldErrors with every bad cell of every table."""
        out, errors = {}, {}
        for spec in self.lines:
            try:
                out[spec.table.prefix] = spec.table.clean(posted.get(spec.table.prefix) or [])
            except FieldErrors as exc:
                errors.update(exc.errors)
        if errors:
            raise FieldErrors(errors)
        return out

    # ---- pages ---------------------------------------------------------------------------------------------

    def _require(self, ok: bool):
        if not ok:
            raise PermissionDenied

    def list_view(self, request):
        self._require(self.may_list(request.user))
        return render_list(request, self.visible(request.user), self.list_spec(request))

    def form_view(self, request, pk=None):
        user = request.user
        doc = None
        if pk is None:
            self._require(self.may_create(user))
        else:
            doc = self.get(user, pk)
            self._require("edit" in engine.available_actions(user, doc))
        initial = ({n: getattr(doc, n) for n in self.field_names()} if doc else
                   {n: request.GET[n] for n in self.initial_from_query if n in request.GET} or None)
        form = self.form(request.POST or None, initial=initial, **self.make_form_kwargs(user))
        posted = ({s.table.prefix: s.table.rows_from(request.POST) for s in self.lines} if request.method == "POST"
                  else {s.table.prefix: s.values(doc) if doc else [] for s in self.lines})
        line_errors: dict = {}
        if request.method == "POST" and form.is_valid():
            submit = bool(request.POST.get("submit"))
            try:
                data = {**form.cleaned_data, **self.clean_lines(posted)}
                saved = editing.save_and_submit(
                    lambda: self.save_doc(user, doc, data, request.POST.get("version")), actor=user, submit=submit)
            except FieldErrors as exc:
                line_errors = {k: v for k, v in exc.errors.items() if k.split(".")[0] in posted}
                form.add_service_errors({k: v for k, v in exc.errors.items() if k not in line_errors})
            except NotAllowed as exc:
                raise PermissionDenied(exc.message) from exc
            except BusinessError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, "已保存并提交。" if submit else "已保存。")
                return redirect(self.url("detail", saved.pk))
        return render(request, self.form_template, {
            "dt": self, "doc": doc, "form": form, "line_errors": line_errors,
            "line_tables": [(spec.table, posted[spec.table.prefix]) for spec in self.lines],
            **(self.form_context(request, doc) if self.form_context is not None else {})})

    def detail_view(self, request, pk):
        doc = self.get(request.user, pk)
        names = self.detail_fields or self.field_names()
        fields = [(self.model._meta.get_field(n).verbose_name, _display(doc, n)) for n in names]
        ctx = {"dt": self, "doc": doc, "fields": fields, "actions": engine.available_actions(request.user, doc),
               "labels": engine.action_labels(doc), "timeline": engine.timeline(doc),
               "direct_actions": [a for a in self.flow.direct_actions
                                  if a.code in engine.available_actions(request.user, doc)],
               "stage_actions": [s for s in self.flow.stages
                                 if s.action in engine.available_actions(request.user, doc)],
               "action_url": self.url("detail", doc.pk), "entry_url": engine.entry_url(request.user, doc),
               "line_tables": [(spec.table, spec.values(doc)) for spec in self.lines]}
        if self.requests is not None:
            ctx.update(self.requests.panel(request.user, doc))
        if self.extra_context is not None:
            ctx.update(self.extra_context(request, doc))
        return render(request, self.detail_template, ctx)

    def _list_page(self):
        # a list whose right is a named one of access.rights carries it like @requires (the menu test reads it)
        name = getattr(self.may_list, "__name__", "")
        if access_rights.RIGHTS.get(name) is self.may_list:
            return requires(self.may_list)(self.list_view)
        return login_required(self.list_view)

    def urls(self) -> list:
        """The URL patterns of the document (and of its requests), for the app's urls.py."""
        patterns = [
            path("", self._list_page(), name="list"),
            path("new/", login_required(self.form_view), name="new"),
            path("<int:pk>/", login_required(self.detail_view), name="detail"),
            path("<int:pk>/edit/", login_required(self.form_view), name="edit"),
        ]
        if self.requests is not None:
            patterns += self.requests.urls()
        return patterns + actions.page_urls(self.get, lambda d: self.url("detail", d.pk))

    # ---- API -----------------------------------------------------------------------------------------------

    def out(self, user, doc) -> dict:
        body = {**document_fields(doc), "actions": sorted(engine.available_actions(user, doc)),
                "fields": {n: actions.json_value(getattr(doc, n)) for n in self.field_names()},
                "lines": {spec.table.prefix: [{k: actions.json_value(v) for k, v in row.items()}
                                              for row in spec.values(doc)] for spec in self.lines},
                "timeline": [{"node_label": r.node_label, "action": r.action, "actor": str(r.actor),
                              "opinion": r.opinion, "at": r.at} for r in engine.timeline(doc)]}
        return body

    def api_router(self) -> Router:
        router = Router(tags=[self.title])
        prefix = f"/{self.namespace}"
        dt = self

        class DocOut(DocumentOut):
            actions: list[str]
            fields: dict
            lines: dict
            timeline: list[dict]

        DocOut.__name__ = f"{self.namespace.title()}Out"

        @router.get(prefix, response={200: list_schema(DocOut, f"{self.namespace.title()}PageOut"), **ERRORS},
                    summary=f"{self.title}列表", openapi_extra=list_openapi(self.list_spec()))
        def list_(request):
            user = actor(request)
            if not dt.may_list(user):
                raise NotAllowed()
            body = api_list(request, dt.visible(user), dt.list_spec(request))
            return {**body, "items": [dt.out(user, d) for d in body["items"]]}

        def _data(request) -> dict:
            body = actions.json_object(request)
            form = dt.form(data={k: v for k, v in body.items() if k in dt.form.base_fields},
                           **dt.make_form_kwargs(actor(request)))
            errors = {} if form.is_valid() else actions.form_errors(form)
            try:
                lines = dt.clean_lines({s.table.prefix: _rows(body.get(s.table.prefix)) for s in dt.lines})
            except FieldErrors as exc:
                errors.update(exc.errors)
            if errors:
                raise FieldErrors(errors)
            return {"data": {**form.cleaned_data, **lines}, "version": body.get("version"), "submit": bool(body.get("submit"))}

        body_schema = {"content": {"application/json": {"schema": {"type": "object"}}}, "required": True}

        @router.post(prefix, response={201: DocOut, **ERRORS}, summary=f"新增{self.title}（保存，submit=true 时保存并提交）",
                     openapi_extra={"requestBody": body_schema})
        def create(request):
            user = actor(request)
            if not dt.may_create(user):
                raise NotAllowed()
            parsed = _data(request)
            doc = editing.save_and_submit(lambda: dt.save_doc(user, None, parsed["data"], None), actor=user,
                                          submit=parsed["submit"])
            return Http(201, dt.out(user, dt.get(user, doc.pk)))

        @router.get(prefix + "/{id}", response={200: DocOut, **ERRORS}, summary=f"{self.title}详情")
        def detail(request, id: int):
            user = actor(request)
            return dt.out(user, dt.get(user, id))

        @router.put(prefix + "/{id}", response={200: DocOut, **ERRORS}, summary=f"修改{self.title}（保存）",
                    openapi_extra={"requestBody": body_schema})
        def update(request, id: int):
            user = actor(request)
            doc = dt.get(user, id)
            if "edit" not in engine.available_actions(user, doc):
                raise NotAllowed("您不能修改此单据。")
            parsed = _data(request)
            if parsed["version"] is None:
                raise FieldErrors({"version": "请提供读取时的版本号 version。"})
            saved = editing.save_and_submit(lambda: dt.save_doc(user, doc, parsed["data"], parsed["version"]),
                                            actor=user, submit=parsed["submit"])
            return dt.out(user, dt.get(user, saved.pk))

        for fn, name in ((list_, "list"), (create, "create"), (detail, "detail"), (update, "update")):
            fn.__name__ = f"{self.namespace}_{name}"
        flow_actions = actions.ENGINE_ACTIONS + tuple(s.action for s in self.flow.stages) + tuple(
            a.code for a in self.flow.direct_actions)
        labels = {s.action: s.action_label for s in self.flow.stages}
        labels.update({a.code: a.label for a in self.flow.direct_actions})
        actions.api_actions(router, prefix, self.get, self.out, DocOut, ERRORS, self.title, actions=flow_actions,
                            extra=labels)
        if self.requests is not None:
            self.requests.api(router, DocOut)
        return router


def _display(doc, name: str):
    getter = getattr(doc, f"get_{name}_display", None)
    value = getter() if getter else getattr(doc, name)
    field = doc._meta.get_field(name)
    if isinstance(value, datetime.datetime):  # as people read times: local, to the minute
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    if isinstance(value, Decimal) and getattr(field, "decimal_places", None) == 2:
        return format_yuan(value)  # money: thousands separators, two decimals
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def _rows(value) -> list[dict]:
    """A line table's rows as sent to the API: a list of objects, each cell as text."""
    if not isinstance(value, list):
        return []
    return [{k: "" if v is None else str(v) for k, v in row.items()} for row in value if isinstance(row, dict)]


def inbox_tabs(flow: engine.Flow, *extra: Tab) -> Callable:
    """Tabs 待处理 (the user's open work items on this flow: to edit, review, withdraw or 发布) / 已办结 (documents
    the user acted on that are no longer waiting for them) / the document's `extra` tabs / 全部, as
    `DocumentType(tabs=inbox_tabs(FLOW, Tab("filed", "已备案", …)))`."""
    from django.contrib.contenttypes.models import ContentType

    from ..inbox import items_for
    from ..models import ReviewRecord

    def tabs(user) -> list[Tab]:
        if user is None or not user.is_authenticated:
            return [Tab("todo", "待处理", Q(pk__in=[])), Tab("done", "已办结", Q(pk__in=[])), *extra,
                    Tab("all", "全部", Q())]
        mine = items_for(user).filter(doc_type=flow.doc_type).values("object_id")
        acted = ReviewRecord.objects.filter(actor=user, content_type=ContentType.objects.get_for_model(flow.model))
        return [Tab("todo", "待处理", Q(pk__in=mine)),
                Tab("done", "已办结", Q(pk__in=acted.values("object_id")) & ~Q(pk__in=mine)),
                *extra, Tab("all", "全部", Q())]

    return tabs
