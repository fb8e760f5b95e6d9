"""Shared pieces of the JSON API: the session authentication, the error format, pagination.

Every endpoint accepts either a bearer token (machine clients: the budget platform, agencies; orgs.tokens,
where their model is) or the browser's Django session (with CSRF on unsafe methods). Errors are always
`{"code": ..., "message": <Chinese>, "errors": {field: <Chinese>}?}` with the status of the exception.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import DataError
from django.http import Http404
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import LimitOffsetPagination
from ninja.parser import Parser
from ninja.security import SessionAuth as NinjaSessionAuth
from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from core.errors import BusinessError
from core.money import MAX_AMOUNT, amount_problem
from core.validation import MAX_ID

# ---- input -------------------------------------------------------------------------------------------

NOT_AN_OBJECT = "请求体应为 JSON 对象。"
OUT_OF_RANGE = "数值超出允许范围。"
MAX_OFFSET = 10**9  # no list is that long; beyond it SQLite's slice overflows


class NotAnObject(ValueError):
    pass


class ExactJsonParser(Parser):
    """JSON bodies with exact numbers: 0.1 is read as Decimal('0.1'), never as a float.

    The body must be an object: a bare "x" or [] would otherwise reach an endpoint whose payload is optional
    and skip its version check.
    """

    def parse_body(self, request):
        data = json.loads(request.body, parse_float=Decimal, parse_constant=_no_constant)
        if not isinstance(data, dict):
            raise NotAnObject(NOT_AN_OBJECT)
        return data


def _no_constant(name):
    raise ValueError(f"{name} is not a number")  # NaN / Infinity are not JSON


def _money(value):
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal | float):
        raise PydanticCustomError("zc_amount", "金额应为数字。")
    problem = amount_problem(repr(value) if isinstance(value, float) else value)
    if problem:
        raise PydanticCustomError("zc_amount", problem)
    return Decimal(str(value).replace(",", "").strip())


# An amount in yuan, exact, at most two decimals and within core.money.MAX_AMOUNT; a string or a JSON number.
Money = Annotated[Decimal, BeforeValidator(_money), WithJsonSchema({
    "anyOf": [{"type": "number"}, {"type": "string", "pattern": r"^-?\d{1,13}(\.\d{1,2})?$"}],
    "description": f"金额（元），最多两位小数，绝对值不超过 {MAX_AMOUNT}"})]
# A row id as the API accepts it (ids above MAX_ID are 422, never an overflow in the database).
Id = Annotated[int, Field(ge=1, le=MAX_ID)]

# ---- authentication ----------------------------------------------------------------------------------
# bearer tokens are orgs' (orgs.tokens.API_AUTH: a token first, then this session)


class SessionAuth(NinjaSessionAuth):
    """Django's session, as `ninja.security.django_auth`, CSRF-checked on unsafe methods.

    Only a request that carries a session cookie is CSRF-checked: without one there is no session to ride
    on, and the caller gets a plain 401 instead of a CSRF failure.
    """

    def _get_key(self, request):
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)


def actor(request):
    """The authenticated user of an API request."""
    return request.auth


# ---- errors ------------------------------------------------------------------------------------------

NOT_FOUND = "记录不存在或不在您的权限范围内"


class ErrorOut(Schema):
    code: str
    message: str
    errors: dict[str, str] | None = None
    details: list[dict[str, Any]] | None = None


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def error_body(code: str, message: str, errors: dict | None = None, details: list | None = None) -> dict:
    body: dict[str, Any] = {"code": code, "message": message}
    if errors:
        body["errors"] = errors
    if details is not None:
        body["details"] = details
    return body


def _pydantic_message(err: dict) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind.startswith("zc_"):
        return err.get("msg") or "格式不正确。"
    if kind == "missing":
        return "此项为必填项。"
    if kind == "string_too_long":
        return f"不能超过{ctx.get('max_length')}个字符。"
    if kind == "string_too_short":
        return f"不能少于{ctx.get('min_length')}个字符。"
    if kind.startswith("int") or kind.startswith("float") or kind.startswith("decimal"):
        return "应为数字。"
    if kind.startswith("bool"):
        return "应为是或否（true/false）。"
    if kind in ("greater_than_equal", "greater_than"):
        return f"不能小于{ctx.get('ge', ctx.get('gt'))}。"
    if kind in ("less_than_equal", "less_than"):
        bound = ctx.get("le", ctx.get("lt"))
        return OUT_OF_RANGE if isinstance(bound, int) and bound >= MAX_OFFSET else f"不能大于{bound}。"
    if kind in ("enum", "literal_error"):
        return f"取值不正确，应为：{ctx.get('expected', '')}。"
    if kind == "json_invalid":
        return "请求体不是合法的 JSON。"
    return "格式不正确。"


def _validation_fields(errors: list[dict]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "payload", "data")]
        name = ".".join(loc) or "__all__"
        fields.setdefault(name, _pydantic_message(err))
    return fields


def install_error_handlers(api) -> None:
    """Turn every refusal into the one JSON error shape, with Chinese messages."""

    def respond(request, status: int, body: dict, **headers):
        response = api.create_response(request, body, status=status)
        for k, v in headers.items():
            response[k.replace("_", "-")] = v
        return response

    @api.exception_handler(BusinessError)
    def business_error(request, exc: BusinessError):
        errors = dict(getattr(exc, "errors", None) or {})
        if exc.field and exc.field not in errors:
            errors[exc.field] = exc.message
        return respond(request, exc.status, error_body(exc.code, exc.message, errors))

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        # details keep type, place and message only: an error's ctx or input may not be JSON (an exception)
        details = [{"type": e.get("type"), "loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))}
                   for e in exc.errors]
        return respond(request, 422, error_body("invalid", "请求参数不正确。", _validation_fields(exc.errors),
                                                details=details))

    # a safety net: a number too large for the database or for Decimal is the client's error, not a 500
    def out_of_range(request, exc):
        return respond(request, 400, error_body("out_of_range", OUT_OF_RANGE))

    for kind in (OverflowError, DataError, InvalidOperation):
        api.add_exception_handler(kind, out_of_range)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return respond(request, 404, error_body("not_found", NOT_FOUND))

    @api.exception_handler(ObjectDoesNotExist)
    def does_not_exist(request, exc):
        return respond(request, 404, error_body("not_found", NOT_FOUND))

    @api.exception_handler(AuthenticationError)
    def unauthorized(request, exc):
        return respond(request, 401, error_body("unauthorized", "未登录或令牌无效。"),
                       WWW_Authenticate='Bearer realm="zhengcai"')

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        if exc.status_code == 403 and "CSRF" in str(exc):
            return respond(request, 403, error_body("csrf_failed", "CSRF 校验失败，请刷新页面后重试。"))
        if exc.status_code == 400 and "parse request body" in str(exc):
            cause = exc.__cause__
            message = NOT_AN_OBJECT if isinstance(cause, NotAnObject) else "请求体不是合法的 JSON。"
            return respond(request, 400, error_body("bad_request", message))
        if exc.status_code == 429:
            return respond(request, 429, error_body("throttled", "请求过于频繁，请稍后再试。"))
        if exc.status_code == 403:
            return respond(request, 403, error_body("forbidden", "您没有执行此操作的权限。"))
        return respond(request, exc.status_code, error_body("http_error", str(exc)))


@contextmanager
def api_fields(**names: str):
    """Report a service's field errors under the API's field names, e.g. `api_fields(region="region_code")`."""
    try:
        yield
    except BusinessError as exc:
        if isinstance(getattr(exc, "errors", None), dict):
            exc.errors = {names.get(k, k): v for k, v in exc.errors.items()}
        if exc.field:
            exc.field = names.get(exc.field, exc.field)
        raise


# ---- pagination --------------------------------------------------------------------------------------


class Paged(LimitOffsetPagination):
    """`?limit=&offset=` → `{"items": [...], "total": n, "limit": l, "offset": o}`."""

    MAX = 500

    class Input(Schema):
        limit: int = Field(50, ge=1, le=500, description="每页条数（1–500）")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="跳过条数")

    class Output(Schema):
        items: list[Any]
        total: int
        limit: int
        offset: int

    def __init__(self, **kwargs):
        super().__init__(max_limit=self.MAX, **kwargs)

    def paginate_queryset(self, queryset, pagination, request, **params):
        limit = min(pagination.limit, self.max_limit)
        offset = pagination.offset
        return {"items": queryset[offset:offset + limit], "total": self._items_count(queryset),
                "limit": limit, "offset": offset}
