"""API authentication (session with CSRF, bearer tokens), the error format, the OpenAPI document."""

import hashlib
import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django.utils.crypto import get_random_string

from core.errors import FieldErrors
from core.testing import client_for
from orgs.models import ApiToken
from orgs.tokens import create_token, revoke_token

pytestmark = pytest.mark.django_db

UNAUTHORIZED = {"code": "unauthorized", "message": "未登录或令牌无效。"}


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def registration_body(unit) -> str:
    return json.dumps({
        "name": unit.name, "credit_code": unit.credit_code, "budget_code": unit.budget_code, "level": unit.level,
        "region_code": unit.region.code, "address": "福州市鼓楼区湖东路1号", "legal_representative": "张三",
        "contact_name": "李四", "contact_phone": "0591-87654321",
    })


# ---- tokens ------------------------------------------------------------------------------------------


def test_create_token_stores_only_the_hash(world):
    token, key = create_token(world.fz_clerk, "预算一体化平台")
    assert len(key) >= 40
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:8]
    assert not ApiToken.objects.filter(key_hash=key).exists()
    assert key not in str(ApiToken.objects.filter(pk=token.pk).values().get())


def test_create_token_needs_a_name(world):
    with pytest.raises(FieldErrors) as exc:
        create_token(world.fz_clerk, "  ")
    assert exc.value.errors == {"name": "请填写令牌用途。"}


def test_token_authenticates_as_its_user_and_marks_use(world):
    token, key = create_token(world.fz_clerk, "测试")
    assert token.last_used_at is None
    r = client_for(None).get("/api/me", **bearer(key))
    assert r.status_code == 200
    assert r.json()["username"] == "fz_clerk"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_token_sees_only_its_users_scope(world):
    _, key = create_token(world.jx_reg, "江西")
    assert client_for(None).get(f"/api/units/{world.fz_unit.pk}", **bearer(key)).status_code == 404
    assert client_for(None).get(f"/api/units/{world.jx_unit.pk}", **bearer(key)).status_code == 200


def test_revoked_token_is_refused(world):
    token, key = create_token(world.fz_clerk, "测试")
    revoke_token(token)
    r = client_for(None).get("/api/me", **bearer(key))
    assert r.status_code == 401
    assert r.json() == UNAUTHORIZED
    assert r["WWW-Authenticate"].startswith("Bearer")


def test_token_of_inactive_user_is_refused(world):
    _, key = create_token(world.fz_clerk, "测试")
    world.fz_clerk.is_active = False
    world.fz_clerk.save()
    assert client_for(None).get("/api/me", **bearer(key)).status_code == 401


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer ", "Token abc", "Basic Zm9vOmJhcg=="])
def test_bad_authorization_headers_are_401(world, header):
    r = client_for(None).get("/api/me", HTTP_AUTHORIZATION=header)
    assert r.status_code == 401
    assert r.json() == UNAUTHORIZED


def test_token_post_needs_no_csrf(world):
    _, key = create_token(world.fz_clerk, "测试")
    c = client_for(None, enforce_csrf_checks=True)
    r = c.post("/api/registrations", registration_body(world.fz_unit), content_type="application/json",
               **bearer(key))
    assert r.status_code == 201, r.json()
    assert r.json()["timeline"][0]["actor"] == "fz_clerk"


def test_command_prints_the_key_once(world):
    out, err = StringIO(), StringIO()
    call_command("create_api_token", "fz_clerk", "代理机构对接", stdout=out, stderr=err)
    key = out.getvalue().strip()
    token = ApiToken.objects.get(name="代理机构对接")
    assert token.user == world.fz_clerk and token.prefix == key[:8]
    assert "不会再次显示" in err.getvalue()
    assert client_for(None).get("/api/me", **bearer(key)).json()["username"] == "fz_clerk"


def test_command_unknown_user(world):
    with pytest.raises(CommandError, match="不存在"):
        call_command("create_api_token", "nobody", "x", stdout=StringIO(), stderr=StringIO())


# ---- session -----------------------------------------------------------------------------------------


def test_session_get(world):
    c = client_for(world.fz_clerk)
    assert c.get("/api/me").json()["username"] == "fz_clerk"


def test_session_post_needs_csrf(world):
    c = client_for(world.fz_clerk, enforce_csrf_checks=True)
    r = c.post("/api/registrations", registration_body(world.fz_unit), content_type="application/json")
    assert r.status_code == 403
    assert r.json() == {"code": "csrf_failed", "message": "CSRF 校验失败，请刷新页面后重试。"}

    secret = get_random_string(32)
    c.cookies["csrftoken"] = secret
    r = c.post("/api/registrations", registration_body(world.fz_unit), content_type="application/json",
               HTTP_X_CSRFTOKEN=secret)
    assert r.status_code == 201, r.json()


def test_anonymous_post_is_401_not_csrf(world):
    c = client_for(None, enforce_csrf_checks=True)
    r = c.post("/api/registrations", registration_body(world.fz_unit), content_type="application/json")
    assert r.status_code == 401
    assert r.json() == UNAUTHORIZED


def test_logged_out_session_cookie_is_401(world):
    c = client_for(None)
    c.cookies["sessionid"] = "stale-session-key"
    assert c.get("/api/me").status_code == 401


# ---- error shapes, OpenAPI ------------------------------------------------------------------------------


def test_malformed_json_is_400_in_chinese(world):
    c = client_for(world.fz_clerk)
    r = c.post("/api/registrations", "{not json", content_type="application/json")
    assert r.status_code == 400
    assert r.json() == {"code": "bad_request", "message": "请求体不是合法的 JSON。"}


def test_missing_row_is_404_in_chinese(world):
    c = client_for(world.fj_reg)
    r = c.get("/api/registrations/424242")
    assert r.status_code == 404
    assert r.json() == {"code": "not_found", "message": "记录不存在或不在您的权限范围内"}


def test_openapi_json_is_served_with_paths_and_security(world):
    c = client_for(world.fz_clerk)  # the schema is for signed-in users only
    r = c.get("/api/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    assert doc["info"]["title"] == "政采 Zhengcai API"
    for path in ["/api/me", "/api/units", "/api/units/{id}", "/api/registrations", "/api/registrations/{id}",
                 "/api/registrations/{id}/submit", "/api/registrations/{id}/withdraw",
                 "/api/registrations/{id}/approve", "/api/registrations/{id}/reject", "/api/subordinations",
                 "/api/subordinations/{id}/confirm", "/api/subordinations/{id}/reject",
                 "/api/subordinations/{id}/dissolve", "/api/inbox"]:
        assert path in doc["paths"], path
    schemes = doc["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"} in schemes.values()
    assert doc["paths"]["/api/me"]["get"]["security"]
    assert {"主体管理", "待办"} <= {t for p in doc["paths"].values() for op in p.values() for t in op["tags"]}
    assert "ErrorOut" in doc["components"]["schemas"]


def test_docs_page_is_served(world):
    c = client_for(world.fz_clerk)
    assert c.get("/api/docs").status_code == 200
    assert client_for(None).get("/api/docs").status_code == 302  # to the login page


def test_token_last_used_is_not_rewritten_on_every_request(world):
    token, key = create_token(world.fz_clerk, "测试")
    client_for(None).get("/api/me", **bearer(key))
    token.refresh_from_db()
    first = token.last_used_at
    client_for(None).get("/api/me", **bearer(key))
    token.refresh_from_db()
    assert token.last_used_at == first
    stale = timezone.now() - timedelta(minutes=5)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=stale)
    client_for(None).get("/api/me", **bearer(key))
    token.refresh_from_db()
    assert token.last_used_at > stale + timedelta(minutes=4)
