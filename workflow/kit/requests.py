"""Requests on an approved document: one abstract request document (workflow.models.RequestDocument), a small
class per kind, and the generic services, pages and API around them.

A kind says when it may be asked (`refusal`), how its fields are cleaned (`form` + `clean`), what it holds
while pending (`hold` / `release`), what it does on approval (`apply`) and how its old → new is shown
(`diff`). The rules run when the request is saved, again when it is submitted and again at approval: the
target may have changed in between. One open request per target.

The page and the API read a request through one parser (`RequestType.read`: 原因, the kind's form, the kind's
`parse`). The API's JSON body is first turned into what the page would post (`posted`): fields as values, a
declared line table's row objects as its `<prefix>-<column>` lists, a declared id list as repeated values; so
a kind with line tables or its own `parse` gets the same API as a form kind, with the page's messages and error
keys (`<error_key>.<row>.<column>`), and its body is described in the OpenAPI schema from the same declarations.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from ninja import Field, Schema
from ninja import Status as Http

from access.scope import get_or_404, scoped
from attachments import visibility
from audit import services as audit
from core import numbers
from core.api import actor
from core.errors import BusinessError, FieldErrors, NotAllowed, StaleError
from core.forms import Form
from core.lines import LineColumn, LineTable

from .. import engine
from ..models import Status
from . import actions, editing

OPEN = (Status.DRAFT, Status.PENDING)  # a withdrawn request is closed unless submitted again
FIELDS = ["kind", "reason", "proposed"]


class ReasonForm(Form):
    # not required here: the check's own message (请填写撤销原因。) comes back beside the field
    reason = forms.CharField(label="原因", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


class RequestKind:
    """One kind of request. Subclasses set `code`, `label` and override what they need."""

    code = ""
    label = ""
    form: type[Form] | None = None   # the kind's own fields (beside 原因); cleaned_data → clean()
    # the kind's inline tables (core.lines), read by its own `parse`; in the API "<table.key>": [row objects]
    lines: tuple[LineTable, ...] = ()
    # repeated values the page posts beside the form (uploads' ids): (name, label); in the API a list of ids
    id_lists: tuple[tuple[str, str], ...] = ()
    # the kind's part of a valid API body (fields, lines, ids; 原因 is added): the OpenAPI example and the test
    # kit's builders (None: the kind needs nothing beside 原因; a callable (clerk) -> body when the body needs rows
    # of the clerk, e.g. an uploaded attachment: the builders call it, the OpenAPI shows no example)
    example: dict | Callable | None = None
    api_note: str = ""               # what an API client must know beyond the fields (the OpenAPI description)

    def refusal(self, target) -> str | None:
        """Why the kind may not be asked on the target now (None: it may)."""
        return None

    def clean(self, target, data: dict, *, final: bool) -> dict:
        """The request's content as stored in `proposed` (JSON-safe); raise FieldErrors. `final`: at 提交 or
        审核通过, when availability is not re-checked against what the request itself holds."""
        return {k: actions.json_value(v) for k, v in data.items()}

    def hold(self, req, target, actor) -> None:
        """On 提交: reserve what the request needs while it is reviewed."""

    def release(self, req, target, actor) -> None:
        """On 撤回, 审核不通过 to the clerk, 放弃: give back what `hold` took."""

    def apply(self, req, target, actor) -> None:
        """On final approval: the change to the target (the target row is locked)."""
        raise NotImplementedError

    def diff(self, req, target) -> list[dict]:
        """Old → new rows for the detail page: [{"label", "old", "new"}]."""
        return []

    # ---- extension points for kinds with more than plain fields (line tables, attachments, columns) ----

    def make_form(self, post, target, req):
        """The kind's bound form (None: the kind has no fields beside 原因)."""
        return self.form(post, initial=req.proposed if req else None) if self.form else None

    def parse(self, post, form, target, req) -> dict:
        """The data a page posted (or the API's body as `posted` made it), given to `clean_for`: by default the
        kind's form; a kind with line tables reads them here (`post` has `get` / `getlist`)."""
        return dict(form.cleaned_data) if form is not None else {}

    def clean_for(self, target, data: dict, *, final: bool, actor=None, req=None, approving: bool = False) -> dict:
        """`clean` with its context: the actor (whose uploads may be linked), the request being edited or
        re-checked, and whether this is the approval (some rules only hold until 提交)."""
        return self.clean(target, data, final=final)

    def data_of(self, req) -> dict:
        """A stored request as input to `clean_for` again (at 提交 and 审核通过)."""
        return dict(req.proposed or {})

    def stored(self, cleaned: dict) -> dict:
        """What of the cleaned data goes to `proposed` (the rest is written by `persist`)."""
        return cleaned

    def persist(self, req, cleaned: dict, actor) -> None:
        """After the request row is saved: its own rows and links (lines, attachments, extra columns)."""

    def snapshot(self, req) -> dict:
        """What the audit's before/after of a 保存 should add to the request's fields (its lines)."""
        return {}


REQUEST_TYPES: dict[type, "RequestType"] = {}


@dataclass
class Target:
    """What requests need of their target's type when it is not a DocumentType (a document with its own
    pages): its namespace, names, flow and scoped read."""
    flow: engine.Flow
    namespace: str
    title: str
    section: str
    get: object                       # (user, pk) -> target, 404 outside scope
    scope_fields: tuple[str, ...] = ("unit",)

    @property
    def model(self):
        return self.flow.model


@dataclass
class RequestType:
    flow: engine.Flow                 # the request model's flow (hooks: workflow.kit.requests.submitted …)
    target_field: str                 # the request model's foreign key to its target
    kinds: tuple[RequestKind, ...]
    number_type: str = ""
    may_request: object = None        # (user, target) -> bool; default: the target's submitter
    # the words of the refusals, for a type that names its target (项目 …)
    not_approved: str = "只有已审核通过的单据可以发起申请。"
    open_message: str = "已有未办结的{label}申请（{number}），请先办结或放弃该申请。"
    not_allowed: str = "只有单据所属单位的经办岗可以发起申请。"
    # pages: the kit's templates unless the type brings its own; the context hooks add what they show
    form_template: str = "kit/request_form.html"
    refused_template: str = ""        # '' : the form template shows the refusal
    detail_template: str = "kit/request_detail.html"
    form_context: object = None       # (request, ctx) -> dict: ctx has target, kind, req, form, extra, errors
    detail_context: object = None     # (request, ctx) -> dict: ctx has req, target, kind, actions
    target_snapshot: object = None    # (target) -> dict: added to the audit's before/after of an approval
    new_path: str = "<int:target_pk>/requests/new/<str:kind>/"
    # who sees a request: default the target type's scope fields (a target also seen through a field the
    # request model lacks — a plan's receiving agency — names the request's own here)
    scope_fields: tuple[str, ...] | None = None

    def __post_init__(self):
        # the kit's hooks run the kinds: a request flow names none of its own
        hooks = {"on_submit": f"{__name__}.submitted", "on_return": f"{__name__}.returned",
                 "on_discard": f"{__name__}.returned", "on_approve": f"{__name__}.applied"}
        self.flow = engine.register(replace(self.flow, discardable=True, **{
            k: v for k, v in hooks.items() if getattr(self.flow, k) is None}))
        self.model = self.flow.model
        self.by_code = {k.code: k for k in self.kinds}
        self.doc = None
        REQUEST_TYPES[self.model] = self

    def bind(self, doc_type):
        self.doc = doc_type
        if not self.flow.url_name:  # the inbox links a pending request to its page
            self.flow = engine.register(replace(self.flow, url_name=f"{doc_type.namespace}:request_detail"))
        visibility.register(self.model, lambda user, pk: scoped(
            self.model.objects.filter(pk=pk), user, self.scope_fields or doc_type.scope_fields).exists())

    @property
    def kind_choices(self) -> list[tuple[str, str]]:
        return [(k.code, k.label) for k in self.kinds]

    # ---- rules ---------------------------------------------------------------------------------------

    def kind(self, code: str) -> RequestKind:
        try:
            return self.by_code[code]
        except KeyError:
            raise BusinessError("申请类型不正确。", code="bad_kind") from None

    def target_of(self, req):
        return getattr(req, self.target_field)

    def may(self, user, target) -> bool:
        if self.may_request is not None:
            return bool(self.may_request(user, target))
        return engine.can_submit(user, target)

    def open_request(self, target, exclude_pk=None):
        qs = self.model.objects.filter(**{self.target_field: target}, status__in=OPEN).exclude(last_action="discard")
        if exclude_pk is not None:
            qs = qs.exclude(pk=exclude_pk)
        return qs.order_by("-id").first()

    def refusal(self, target, kind: RequestKind) -> str | None:
        if target.status != Status.APPROVED:
            return self.not_approved
        return kind.refusal(target)

    def allowed(self, user, target) -> list[RequestKind]:
        """The kinds this user may start on the target now: the buttons shown and the service agree."""
        if not self.may(user, target) or self.open_request(target) is not None:
            return []
        return [k for k in self.kinds if self.refusal(target, k) is None]

    def check(self, target, kind: RequestKind, *, reason: str, data: dict, exclude_pk=None, final=False,
              check_open=True, actor=None, req=None, approving=False) -> dict:
        if refusal := self.refusal(target, kind):
            raise BusinessError(refusal, code="request_refused")
        if check_open and (other := self.open_request(target, exclude_pk=exclude_pk)) is not None:
            raise BusinessError(self.open_message.format(label=self.kind(other.kind).label, number=other.number),
                                code="request_open")
        errors = {} if (reason or "").strip() else {"reason": f"请填写{kind.label}原因。"}
        proposed = {}
        try:
            proposed = kind.clean_for(target, data, final=final, actor=actor, req=req, approving=approving)
        except FieldErrors as exc:
            errors = {**exc.errors, **errors}
        if errors:
            raise FieldErrors(errors)
        return proposed

    def _lock_target(self, pk):
        return self.doc.model.objects.select_for_update().get(pk=pk)

    # ---- writes --------------------------------------------------------------------------------------

    @transaction.atomic
    def create(self, *, actor, target, kind: str, reason: str, data: dict | None = None):
        k = self.kind(kind)
        if not self.may(actor, target):
            raise NotAllowed(self.not_allowed)
        target = self._lock_target(target.pk)  # one open request per target
        cleaned = self.check(target, k, reason=reason, data=data or {}, actor=actor)
        req = self.model(**{self.target_field: target}, unit_id=target.unit_id, kind=k.code, reason=reason.strip(),
                         proposed=k.stored(cleaned), created_by=actor)
        req.number = numbers.issue(self.number_type or self.flow.doc_type, target.unit.region.code,
                                   timezone.localdate().year)
        req.save()
        k.persist(req, cleaned, actor)
        engine.saved(req, actor, fields=FIELDS)
        return req

    def update(self, *, actor, req, reason: str, data: dict | None = None, version=None):
        target = self.target_of(req)
        k = self.kind(req.kind)

        def write(locked):
            fresh = self._lock_target(target.pk)  # the rules read the target as it is now
            cleaned = self.check(fresh, k, reason=reason, data=data or {}, exclude_pk=locked.pk,
                                 check_open=locked.status == Status.DRAFT, actor=actor, req=locked)
            locked.proposed = k.stored(cleaned)
            locked.reason = reason.strip()
            k.persist(locked, cleaned, actor)

        return editing.edit(req, actor=actor, version=version, write=write, fields=FIELDS, snapshot=k.snapshot)

    # ---- engine hooks (the flow names them by path: workflow.kit.requests.submitted …) ------------------

    def submitted(self, req, actor):
        target = self._lock_target(getattr(req, f"{self.target_field}_id"))
        k = self.kind(req.kind)
        self.check(target, k, reason=req.reason, data=k.data_of(req), exclude_pk=req.pk, final=True, actor=actor,
                   req=req)
        k.hold(req, target, actor)

    def returned(self, req, actor):
        target = self._lock_target(getattr(req, f"{self.target_field}_id"))
        self.kind(req.kind).release(req, target, actor)

    def applied(self, req, actor):
        target = self._lock_target(getattr(req, f"{self.target_field}_id"))
        k = self.kind(req.kind)
        self.check(target, k, reason=req.reason, data=k.data_of(req), exclude_pk=req.pk, final=True, check_open=False,
                   actor=actor, req=req, approving=True)
        extra = self.target_snapshot or (lambda t: {})
        before = {**audit.snapshot(target), **extra(target)}
        k.apply(req, target, actor)
        target.save()
        audit.record(actor=actor, action=f"{self.doc.flow.doc_type}.{req.kind}", obj=target, before=before,
                     after={**audit.snapshot(target), **extra(target), "request": req.number,
                            "label": f"{k.label}（{req.number}）"})

    # ---- pages ---------------------------------------------------------------------------------------

    def get(self, user, pk):
        return get_or_404(self.model.objects.select_related(self.target_field, "unit", "created_by"), user,
                          self.scope_fields or self.doc.scope_fields, pk=pk)

    def url(self, name, *args):
        return reverse(f"{self.doc.namespace}:{name}", args=args)

    def panel(self, user, target) -> dict:
        """What a target's detail page shows: the kinds the user may start, the open request, the past ones."""
        past = self.model.objects.filter(**{self.target_field: target}).order_by("-id")[:20]
        return {"request_kinds": [(k.code, k.label) for k in self.allowed(user, target)],
                "open_request": self.open_request(target), "past_requests": past, "request_type": self}

    def _forms(self, kind: RequestKind, post, req=None, target=None):
        initial = {"reason": req.reason} if req else None
        base = ReasonForm(post, initial=initial)
        base.fields["reason"].label = f"{kind.label}原因"
        return base, kind.make_form(post, target, req)

    def read(self, kind: RequestKind, post, target, req=None):
        """The one parser of the page and the API: 原因 and the kind's form bound to `post`, then the kind's
        `parse`. (base, extra, reason, data); data is None while a form is invalid (its errors are on it)."""
        base, extra = self._forms(kind, post, req, target)
        valid = [f.is_valid() for f in (base, extra) if f is not None]  # both: every message in one round
        if not all(valid):
            return base, extra, None, None
        return base, extra, base.cleaned_data["reason"], kind.parse(post, extra, target, req)

    def read_body(self, kind: RequestKind, body: dict, target, req=None) -> tuple[str, dict]:
        """(reason, data) of an API body, read by `read` as the page would have posted it; FieldErrors (422)
        with the page's messages otherwise."""
        base, extra, reason, data = self.read(kind, posted(kind, body), target, req)
        if data is None:
            errors = actions.form_errors(base)
            if extra is not None:
                errors.update(actions.form_errors(extra))
            raise FieldErrors(errors)
        return reason, data

    def form_view(self, request, target_pk=None, kind=None, pk=None):
        user = request.user
        if pk is not None:
            req = self.get(user, pk)
            if "edit" not in engine.available_actions(user, req):
                raise PermissionDenied
            target, k = self.target_of(req), self.kind(req.kind)
        else:
            req = None
            if kind not in self.by_code:
                raise Http404("申请类型不存在")
            target, k = self.doc.get(user, target_pk), self.by_code[kind]
            if not self.may(user, target):
                raise PermissionDenied
        post = request.POST if request.method == "POST" else None
        other = None if req else self.open_request(target)
        refusal = None if req else self.refusal(target, k)
        errors: dict = {}
        if post is not None and not (refusal or other):
            base, extra, reason, data = self.read(k, post, target, req)
        else:
            (base, extra), data = self._forms(k, post, req, target), None
        if data is not None:
            try:
                saved = editing.save_and_submit(
                    lambda: (self.create(actor=user, target=target, kind=k.code, reason=reason, data=data)
                             if req is None else self.update(actor=user, req=req, reason=reason, data=data,
                                                             version=post.get("version") or None)),
                    actor=user, submit=bool(post.get("submit")))
            except FieldErrors as exc:
                errors = exc.errors
            except NotAllowed as exc:
                raise PermissionDenied(exc.message) from exc
            except BusinessError as exc:  # a refusal (stale, refused kind): a message, the input kept
                if exc.field:
                    errors = {exc.field: exc.message}
                else:
                    messages.error(request, exc.message)
            else:
                if saved.status == Status.PENDING:
                    messages.success(request, f"已提交，等待{self.flow.node(saved.current_node).label}。")
                else:
                    messages.success(request, "已保存。")
                return redirect(self.url("request_detail", saved.pk))
            for f in (base, extra):  # beside the fields; the rest (line rows …) is the template's `errors`
                if f is not None:
                    f.add_service_errors({n: m for n, m in errors.items() if n in f.fields})
            if not self.form_context and (others := [
                    m for n, m in errors.items() if n not in base.fields and (extra is None or n not in extra.fields)]):
                base.add_error(None, "；".join(others))
        ctx = {"rt": self, "dt": self.doc, "target": target, "kind": k, "req": req, "form": base, "extra": extra,
               "other": other, "errors": errors,
               "refusal": refusal or (self.open_message.format(label=self.kind(other.kind).label, number=other.number)
                                      if other else None)}
        if self.form_context:
            ctx.update(self.form_context(request, ctx))
        template = self.refused_template if ctx["refusal"] and self.refused_template else self.form_template
        return render(request, template, ctx)

    def detail_view(self, request, pk):
        req = self.get(request.user, pk)
        target = self.target_of(req)
        k = self.kind(req.kind)
        ctx = {"rt": self, "dt": self.doc, "doc": req, "req": req, "target": target, "kind": k,
               "diff": k.diff(req, target), "actions": engine.available_actions(request.user, req),
               "labels": engine.action_labels(req), "timeline": engine.timeline(req),
               "action_url": self.url("request_detail", req.pk)}
        if self.detail_context:
            ctx.update(self.detail_context(request, ctx))
        return render(request, self.detail_template, ctx)

    def urls(self) -> list:
        return [
            path(self.new_path, login_required(self.form_view), name="request_new"),
            path("requests/<int:pk>/", login_required(self.detail_view), name="request_detail"),
            path("requests/<int:pk>/edit/", login_required(self.form_view), name="request_edit"),
        ] + actions.page_urls(self.get, lambda r: self.url("request_detail", r.pk), "request_action", "requests/")

    # ---- API -----------------------------------------------------------------------------------------

    def body_schema(self, kind: RequestKind, *, create: bool) -> dict:
        """The JSON body of a kind's request (新增 when `create`, else 修改), from its declarations."""
        props = {"reason": {"type": "string", "maxLength": ReasonForm.base_fields["reason"].max_length,
                            "description": f"{kind.label}原因（必填）"},
                 "submit": {"type": "boolean", "description": "true：保存并提交（都成功或都不生效）"}}
        if create:
            props["kind"] = {"type": "string", "enum": [kind.code], "description": f"申请类型：{kind.label}"}
        else:
            props["kind"] = {"type": "string", "enum": [kind.code], "description": "申请类型（可省略，不能修改）"}
            props["version"] = {"type": "integer", "minimum": 1, "description": "读取时的版本号；他人已修改时返回 409"}
        for name, field in (kind.form.base_fields.items() if kind.form else ()):
            props[name] = _field_schema(field)
        for table in kind.lines:
            columns = {c.name: _column_schema(c) for c in table.inputs}
            props[table.key] = {
                "type": "array", "description": f"{table.label}：每行一个对象，键为列名；错误键为 "
                                                f"{table.key}.<行号，从0起>.<列名>",
                "items": {"type": "object", "properties": columns,
                          "required": [c.name for c in table.inputs if c.required]}}
        for name, label in kind.id_lists:
            props[name] = {"type": "array", "items": {"type": "integer", "minimum": 1}, "description": label}
        return {"type": "object", "title": f"{kind.label}申请", "properties": props,
                **({"description": kind.api_note} if kind.api_note else {}),
                "required": ["kind", "reason"] if create else ["reason", "version"]}

    def example_body(self, kind: RequestKind, *, create: bool) -> dict:
        head = {"kind": kind.code} if create else {"version": 1}
        # a callable example needs the clerk's own rows: the OpenAPI shows the shape with placeholder ids
        example = {name: [1] for name, _ in kind.id_lists} if callable(kind.example) else (kind.example or {})
        return {**head, "reason": f"{kind.label}原因", **example}

    def body_openapi(self, *, create: bool) -> dict:
        """The OpenAPI requestBody: one schema per kind (`kind` tells them apart), each kind's example."""
        schemas = [self.body_schema(k, create=create) for k in self.kinds]
        return {"required": True, "content": {"application/json": {
            "schema": {"oneOf": schemas} if create else {"anyOf": schemas},
            "examples": {k.code: {"summary": k.label, "value": self.example_body(k, create=create)}
                         for k in self.kinds}}}}

    def out(self, user, req) -> dict:
        return {"id": req.pk, "number": req.number, "kind": req.kind, "kind_label": self.kind(req.kind).label,
                "target_id": getattr(req, f"{self.target_field}_id"), "reason": req.reason, "proposed": req.proposed,
                "details": _json(self.kind(req.kind).snapshot(req)),
                "status": req.status, "status_text": req.status_text, "version": req.version,
                "actions": sorted(engine.available_actions(user, req))}

    def api(self, router, target_out):
        rt, prefix = self, f"/{self.doc.namespace}"

        class RequestOut(Schema):
            id: int
            number: str
            kind: str
            kind_label: str
            target_id: int
            reason: str
            proposed: dict
            details: dict = Field(description="申请自身保存的明细（资金调整明细、指标管理处室等），不在 proposed 中的部分")
            status: str
            status_text: str
            version: int
            actions: list[str]

        RequestOut.__name__ = f"{self.doc.namespace.title()}RequestOut"
        from .documents import ERRORS

        def kind_of(code):
            if not isinstance(code, str) or code not in rt.by_code:
                raise FieldErrors({"kind": "申请类型不正确。"})
            return rt.by_code[code]

        @router.post(prefix + "/{id}/requests", response={201: RequestOut, **ERRORS},
                     summary=f"{self.doc.title}：发起申请（保存，submit=true 时保存并提交）",
                     openapi_extra={"requestBody": self.body_openapi(create=True)})
        def request_create(request, id: int):
            user = actor(request)
            target = rt.doc.get(user, id)
            if not rt.may(user, target):
                raise NotAllowed(rt.not_allowed)
            raw = actions.json_object(request)
            k = kind_of(raw.get("kind"))
            reason, data = rt.read_body(k, raw, target)
            req = editing.save_and_submit(lambda: rt.create(actor=user, target=target, kind=k.code, reason=reason,
                                                            data=data), actor=user, submit=raw.get("submit") is True)
            return Http(201, rt.out(user, rt.get(user, req.pk)))

        @router.get(prefix + "/requests/{id}", response={200: RequestOut, **ERRORS}, summary=f"{self.doc.title}：申请详情")
        def request_detail(request, id: int):
            user = actor(request)
            return rt.out(user, rt.get(user, id))

        @router.put(prefix + "/requests/{id}", response={200: RequestOut, **ERRORS},
                    summary=f"{self.doc.title}：修改申请（保存，submit=true 时保存并提交）",
                    openapi_extra={"requestBody": self.body_openapi(create=False)})
        def request_update(request, id: int):
            user = actor(request)
            req = rt.get(user, id)
            if "edit" not in engine.available_actions(user, req):
                raise NotAllowed("您不能修改此申请。")
            raw = actions.json_object(request)
            k = rt.kind(req.kind)
            errors = {}
            if raw.get("kind") not in (None, req.kind):
                errors["kind"] = "申请类型不能修改；请放弃本申请后另行发起。"
            version = raw.get("version")
            if not isinstance(version, int) or isinstance(version, bool):
                errors["version"] = "请提供读取时的版本号 version。"
            try:
                reason, data = rt.read_body(k, raw, rt.target_of(req), req)
            except FieldErrors as exc:
                errors = {**exc.errors, **errors}
            if errors:
                raise FieldErrors(errors)
            saved = editing.save_and_submit(
                lambda: rt.update(actor=user, req=req, reason=reason, data=data, version=version),
                actor=user, submit=raw.get("submit") is True)
            return rt.out(user, rt.get(user, saved.pk))

        for fn in (request_create, request_detail, request_update):
            fn.__name__ = f"{self.doc.namespace}_{fn.__name__}"
        actions.api_actions(router, prefix + "/requests", self.get, self.out, RequestOut, ERRORS,
                            f"{self.doc.title}申请")


SCALARS = (str, int, float, Decimal, bool)


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def posted(kind: RequestKind, body: dict) -> QueryDict:
    """An API body as the page would post it, for the page's parser (`RequestType.read`): a field as its text,
    a declared line table's rows as its `<prefix>-<column>` lists (every column of every row, so the lists stay
    parallel), a list of ids or other values as repeated values. A declared field in a shape no page could
    post (an object, a nested list) is 422 here, keyed like the page's errors; an undeclared name in such a
    shape is ignored, as a page ignores what it does not read (a scalar is passed on: a kind's own `parse`
    may read it)."""
    post, errors = QueryDict(mutable=True), {}
    tables = {t.key: t for t in kind.lines}
    lists = dict(kind.id_lists)
    fields = {"kind", "reason", "version", "submit", *(kind.form.base_fields if kind.form else ())}
    for name, value in body.items():
        if name in tables:
            table = tables[name]
            if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
                errors[name] = f"{table.label}须为行对象的数组（每行一个对象，键为列名）。"
                continue
            for i, row in enumerate(value):
                for col in table.inputs:
                    cell = row.get(col.name)
                    if cell is not None and not isinstance(cell, SCALARS):
                        errors[f"{name}.{i}.{col.name}"] = f"第{i + 1}行：{col.label}格式不正确。"
                    post.appendlist(f"{table.prefix}-{col.name}", _text(cell) if isinstance(cell, SCALARS) else "")
        elif name in lists:
            if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
                errors[name] = f"{lists[name]}须为 id（整数）的数组。"
                continue
            post.setlist(name, [str(v) for v in value])
        elif isinstance(value, SCALARS):
            post[name] = _text(value)
        elif isinstance(value, list) and all(isinstance(v, SCALARS) for v in value):
            post.setlist(name, [_text(v) for v in value])  # repeated values (a multiple choice)
        elif value is not None and name in fields:
            errors[name] = "字段格式不正确。"
    if errors:
        raise FieldErrors(errors)
    return post


def _field_schema(field) -> dict:
    out = {"description": str(field.label or "")}
    if isinstance(field, forms.BooleanField):
        return {**out, "type": "boolean"}
    if isinstance(field, forms.IntegerField):
        return {**out, "type": "integer"}
    if isinstance(field, forms.MultipleChoiceField):
        return {**out, "type": "array", "items": {"type": "string"}}
    if isinstance(field, forms.DecimalField | forms.FloatField):
        return {**out, "anyOf": [{"type": "string"}, {"type": "number"}]}
    if getattr(field, "max_length", None):
        out["maxLength"] = field.max_length
    return {**out, "type": "string"}


def _column_schema(col: LineColumn) -> dict:
    text = {"type": "string", **({"maxLength": col.max_length} if col.kind == "text" else {})}
    number = {"type": "number" if col.kind in ("number", "money") else "integer"}  # an id typed as a number
    return {"description": col.label + ("" if col.required else "（可空）"),
            "anyOf": [text, number] + ([] if col.required else [{"type": "null"}])}


def _json(value):
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    return actions.json_value(value)


def _rt(req) -> RequestType:
    return REQUEST_TYPES[type(req)]


def submitted(req, actor):
    _rt(req).submitted(req, actor)


def returned(req, actor):
    _rt(req).returned(req, actor)


def applied(req, actor):
    _rt(req).applied(req, actor)


__all__ = ["RequestKind", "RequestType", "submitted", "returned", "applied", "StaleError"]
