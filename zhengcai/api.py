"""The JSON API root (django-ninja). Each app contributes a router from its api.py.

OpenAPI at /api/openapi.json, interactive docs at /api/docs (both for signed-in users only). Every operation requires a bearer token or a
logged-in session (orgs.tokens.API_AUTH); errors share one JSON shape (core.api.install_error_handlers).
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from ninja import NinjaAPI

from core.api import ExactJsonParser, error_body, install_error_handlers
from orgs.tokens import API_AUTH, user_for_key


def users_only(view):
    """/api/docs and /api/openapi.json for signed-in users (session or bearer token) only: the schema maps
    every operation. The docs page sends strangers to the login page, the schema answers 401."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            scheme, _, key = request.headers.get("Authorization", "").partition(" ")
            user = user_for_key(key.strip()) if scheme.lower() == "bearer" else None
            if user is not None:
                request.user = user
            elif request.path.endswith(".json"):
                response = JsonResponse(error_body("unauthorized", "未登录或令牌无效。"), status=401)
                response["WWW-Authenticate"] = 'Bearer realm="zhengcai"'
                return response
            else:
                return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


api = NinjaAPI(
    title="政采 Zhengcai API", version="1.0", urls_namespace="api", auth=API_AUTH, docs_decorator=users_only,
    description="政府采购管理系统接口。认证：浏览器会话（写操作需 CSRF 令牌）或 `Authorization: Bearer <令牌>`。"
                "错误统一为 `{code, message, errors?}`，message 为中文。",
    parser=ExactJsonParser(),
)
install_error_handlers(api)

api.add_router("", "registry.api.router")
api.add_router("", "workflow.api.router")
api.add_router("", "budgets.api.router")
api.add_router("", "projects.api.router")
api.add_router("", "joint.api.router")
api.add_router("", "plans.api.router")
api.add_router("", "intentions.api.router")
api.add_router("", "awards.api.router")
api.add_router("", "trading.api.router")
api.add_router("", "integration.api.router")
api.add_router("", "challenges.api.router")
api.add_router("", "failures.api.router")
if settings.TESTING:
    api.add_router("", "tests.kitsample.api.router")
