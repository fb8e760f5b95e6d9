"""The JSON API root (django-ninja). Each app contributes a router from its api.py.

OpenAPI at /api/openapi.json, interactive docs at /api/docs. Every operation requires a bearer token or a
logged-in session (core.api.API_AUTH); errors share one JSON shape (core.api.install_error_handlers).
"""

from ninja import NinjaAPI

from core.api import API_AUTH, ExactJsonParser, install_error_handlers

api = NinjaAPI(
    title="政采 Zhengcai API", version="1.0", urls_namespace="api", auth=API_AUTH,
    description="政府采购管理系统接口。认证：浏览器会话（写操作需 CSRF 令牌）或 `Authorization: Bearer <令牌>`。"
                "错误统一为 `{code, message, errors?}`，message 为中文。",
    parser=ExactJsonParser(),
)
install_error_handlers(api)

api.add_router("", "orgs.api.router")
api.add_router("", "workflow.api.router")
api.add_router("", "budgets.api.router")
api.add_router("", "projects.api.router")
api.add_router("", "integration.api.router")
