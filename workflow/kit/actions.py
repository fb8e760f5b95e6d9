"""The engine's action endpoints (提交, 撤回, 审核通过, 审核不通过, 放弃, stage actions such as 发布, direct actions
such as 撤销) for the pages and the API of any document: generated here, never written per document."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path
from ninja import Field, Schema
from pydantic import ValidationError

from core.api import actor
from core.errors import BusinessError, FieldErrors, NotAllowed, StaleError

from .. import engine

DONE = {"submit": "已提交。", "withdraw": "已撤回。", "approve": "审核通过。", "reject": "已退回。", "discard": "已放弃。"}
ENGINE_ACTIONS = ("submit", "withdraw", "approve", "reject", "discard")


class ActionIn(Schema):
    version: int = Field(..., ge=1, le=2**31 - 1, description="读取时的版本号；单据已被他人处理时返回 409")
    opinion: str = Field("", max_length=500, description="审核意见（审核不通过时必填）；直接操作时为原因")


def known_actions(doc) -> set[str]:
    flow = engine.flow_for(doc)
    return set(ENGINE_ACTIONS) | {s.action for s in flow.stages} | {a.code for a in flow.direct_actions}


def run(doc, user, action: str, *, version, opinion: str = ""):
    """Call the engine for `action` (the caller checked that the action is known)."""
    flow = engine.flow_for(doc)
    if action == "submit":
        return engine.submit(doc, user, version=version)
    if action == "withdraw":
        return engine.withdraw(doc, user, version=version)
    if action == "approve":
        return engine.approve(doc, user, opinion=opinion, version=version)
    if action == "reject":
        return engine.reject(doc, user, opinion=opinion, version=version)
    if action == "discard":
        return engine.discard(doc, user, version=version, opinion=opinion)
    if flow.direct(action) is not None:
        return engine.direct(doc, user, action, reason=opinion, version=version)
    return engine.advance(doc, user, action, version=version, opinion=opinion)


def done_message(doc, action: str) -> str:
    flow = engine.flow_for(doc)
    if action in DONE:
        return DONE[action]
    direct = flow.direct(action)
    if direct is not None:
        return direct.done_message or f"已{direct.label}。"
    return f"已{engine.action_labels(doc).get(action, action)}。"


def handle(request, doc, action: str, next_url: str):
    """A page's POST of an engine button. A button the user is not shown is a 403, not a message."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if action not in known_actions(doc):
        raise Http404("操作不存在")
    version = request.POST.get("version") or None
    if action not in engine.available_actions(request.user, doc):
        if version and str(doc.version) != str(version):
            messages.error(request, StaleError().message)
            return redirect(next_url)
        raise PermissionDenied
    if version is not None and not (str(version).isascii() and str(version).isdigit() and len(str(version)) < 10):
        messages.error(request, StaleError().message)
        return redirect(next_url)
    try:
        done = run(doc, request.user, action, version=version,
                   opinion=request.POST.get("opinion") or request.POST.get("reason") or "")
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except FieldErrors as exc:  # a rule re-checked at the transition: the row messages say what to fix
        for msg in exc.errors.values():
            messages.error(request, msg)
        return redirect(next_url)
    except BusinessError as exc:
        messages.error(request, exc.message)
        return redirect(next_url)
    # an effect may leave a message naming what it did (归集: which responses joined) on the document it returns
    messages.success(request, getattr(done, "done_message", "") or done_message(doc, action))
    return redirect(next_url)


def page_urls(get: Callable, detail_url: Callable, name: str = "action", prefix: str = "") -> list:
    """`<prefix><pk>/<action>/` for a document's pages: `get(user, pk)` is the scoped read (404 outside
    scope), `detail_url(doc)` where to go back."""

    @login_required
    def action_view(request, pk, action):
        doc = get(request.user, pk)
        return handle(request, doc, action, detail_url(doc))

    return [path(f"{prefix}<int:pk>/<str:action>/", action_view, name=name)]


def api_actions(router, prefix: str, get: Callable, detail: Callable, out, errors: dict, label: str,
                actions: tuple[str, ...] | dict[str, str] = ENGINE_ACTIONS, extra: dict | None = None,
                name: str = "") -> None:
    """POST `{prefix}/{id}/<action>` on a ninja router for each action (a dict maps an endpoint's word to the
    engine action, e.g. {"confirm": "approve"}). Operation ids are `<name>_<action>`. Order: scope (404),
    right (403), body (422, `version` required), then the engine (409 stale, 422 rule). The body is read after
    the right is checked, so a role that may not act learns nothing more than 403."""
    summaries = {"submit": "提交", "withdraw": "撤回", "approve": "审核通过", "reject": "审核不通过（须填写意见）",
                 "discard": "放弃（编辑中的单据）", **(extra or {})}
    mapping = actions if isinstance(actions, dict) else {a: a for a in actions}
    name = name or prefix.strip("/").replace("/", "_").replace("-", "_")

    def make(word: str, action: str):
        def endpoint(request, id: int):
            user = actor(request)
            doc = get(user, id)
            if action not in engine.available_actions(user, doc):
                refuse(doc, user, action, summaries.get(word, word))
            payload = _body(request)
            run(doc, user, action, version=payload.version, opinion=payload.opinion)
            return detail(user, get(user, id))

        endpoint.__name__ = f"{name}_{word}"
        return endpoint

    body_schema = {"content": {"application/json": {"schema": ActionIn.model_json_schema()}}, "required": True}
    for word, action in mapping.items():
        router.post(f"{prefix}/{{id}}/{word}", response={200: out, **errors},
                    summary=summaries.get(word, summaries.get(action, word)) if not label
                    else f"{label}：{summaries.get(word, summaries.get(action, word))}",
                    openapi_extra={"requestBody": body_schema})(make(word, action))


class _Probe(Exception):
    pass


def refuse(doc, user, action: str, label: str):
    """Raise the engine's own refusal of an action the user may not take now (403 with its reason for a
    wrong actor, 422 for a wrong state), before any body is read. The probe runs in a savepoint that is
    always rolled back."""
    try:
        with transaction.atomic():
            run(doc, user, action, version=None, opinion="（权限检查）")
            raise _Probe
    except _Probe:
        pass
    raise NotAllowed(f"您不能对此单据执行「{label}」。")


def json_object(request, missing: dict | None = None) -> dict:
    """The request's JSON object body (422 with a Chinese message otherwise; `missing`: the errors to give
    when there is no object at all)."""
    try:  # exact numbers, as core.api's parser reads them: 0.1 is Decimal('0.1'); NaN / Infinity are not JSON
        data = json.loads(request.body or b"null", parse_float=Decimal, parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise FieldErrors({"body": "请求体不是合法的 JSON。"}) from exc
    if not isinstance(data, dict):
        raise FieldErrors(missing or {"body": "请求体必须是 JSON 对象。"})
    return data


def _no_constant(name):
    raise ValueError(f"{name} is not a number")


def form_errors(form) -> dict:
    return {name: str(errs[0]) for name, errs in form.errors.items()}


def json_value(value):
    """A model value as JSON: dates as ISO text, rows as their id, Decimal as text."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, Decimal):
        return str(value)
    return value


def _body(request) -> ActionIn:
    data = json_object(request, {"version": "请提供读取时的版本号 version。"})
    try:
        return ActionIn.model_validate(data)
    except ValidationError as exc:
        errors = {".".join(str(p) for p in e["loc"]) or "body": _message(e) for e in exc.errors()}
        raise FieldErrors(errors) from exc


def _message(err: dict) -> str:
    field = ".".join(str(p) for p in err["loc"])
    if err["type"] == "missing":
        return "请提供读取时的版本号 version。" if field == "version" else f"缺少字段 {field}。"
    if field == "version":
        return "版本号 version 必须是正整数。"
    if field == "opinion":
        return "意见最多 500 个字。" if "too_long" in err["type"] else "意见必须是文字。"
    return "字段格式不正确。"
