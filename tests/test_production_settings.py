"""Production configuration (issue 6, items 9 and 23): DEBUG, the secret key, HTTPS flags, `check --deploy`,
the Content-Security-Policy, /api/docs behind login, WhiteNoise and the Chinese error pages.

Settings are read at import, so the environment-dependent ones are checked in a fresh interpreter.
"""

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.urls import path

from orgs.tokens import create_token

ROOT = Path(settings.BASE_DIR)
PROD_HOST = "zhengcai.example.gov.cn"


def _env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO_", "ZHENGCAI_", "PYTEST")) and k != "DATABASE_URL"}
    env.update({"DJANGO_SETTINGS_MODULE": "zhengcai.settings", "ZHENGCAI_VAR": str(tmp_path)})
    env.update(extra)
    return env


def _settings(tmp_path, names, **extra) -> dict:
    code = ("import json, django; from django.conf import settings; django.setup(); "
            f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}, default=str))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_env(tmp_path, **extra),
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_debug_is_off_unless_asked_for(tmp_path):
    assert _settings(tmp_path, ["DEBUG"])["DEBUG"] is False
    assert _settings(tmp_path, ["DEBUG"], DJANGO_DEBUG="1")["DEBUG"] is True
    assert _settings(tmp_path, ["DEBUG"], DJANGO_DEBUG="0")["DEBUG"] is False


def test_secret_key_is_generated_once_per_installation(tmp_path):
    first = _settings(tmp_path, ["SECRET_KEY"])["SECRET_KEY"]
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first) >= 50
    assert _settings(tmp_path, ["SECRET_KEY"])["SECRET_KEY"] == first  # kept, not regenerated
    other = tmp_path / "other"
    assert _settings(other, ["SECRET_KEY"])["SECRET_KEY"] != first  # another installation, another key
    assert _settings(tmp_path, ["SECRET_KEY"], DJANGO_SECRET_KEY="from-env" * 8)["SECRET_KEY"] == "from-env" * 8


def test_no_secret_key_committed_in_settings():
    source = (ROOT / "zhengcai" / "settings.py").read_text()
    assert not re.search(r"SECRET_KEY\s*=\s*['\"]", source)
    assert not re.search(r"os\.environ\.get\(\s*['\"]DJANGO_SECRET_KEY['\"]\s*,", source)


def test_https_turns_on_secure_cookies_hsts_and_redirect(tmp_path):
    names = ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT",
             "SECURE_PROXY_SSL_HEADER"]
    plain = _settings(tmp_path, names)
    assert not plain["SESSION_COOKIE_SECURE"] and not plain["CSRF_COOKIE_SECURE"]
    assert not plain["SECURE_HSTS_SECONDS"] and not plain["SECURE_SSL_REDIRECT"]
    https = _settings(tmp_path, names, ZHENGCAI_HTTPS="1")
    assert https["SESSION_COOKIE_SECURE"] and https["CSRF_COOKIE_SECURE"] and https["SECURE_SSL_REDIRECT"]
    assert https["SECURE_HSTS_SECONDS"] >= 31536000
    assert https["SECURE_PROXY_SSL_HEADER"]


def test_check_deploy_is_clean_in_production_settings(tmp_path):
    env = _env(tmp_path, ZHENGCAI_HTTPS="1", DJANGO_ALLOWED_HOSTS=PROD_HOST)
    out = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                         cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "WARNING" not in (out.stdout + out.stderr).upper()
    assert "no issues" in out.stdout


# ---- Content-Security-Policy ------------------------------------------------------------------------------------

TEMPLATE_DIRS = [p for p in ROOT.glob("*/templates") if ".venv" not in str(p)] + [ROOT / "templates"]


def _templates():
    for folder in TEMPLATE_DIRS:
        yield from folder.rglob("*.html")


def test_csp_header_on_every_page(db):
    r = Client().get("/login/")
    policy = r["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert re.search(r"script-src 'self'", policy)
    assert "'unsafe-inline'" not in re.search(r"script-src[^;]*", policy).group(0)
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def test_every_inline_script_and_style_carries_the_nonce():
    missing = []
    for tpl in _templates():
        for tag in re.findall(r"<(?:script|style)\b[^>]*>", tpl.read_text()):
            if "src=" not in tag and 'type="application/json"' not in tag and "csp_nonce" not in tag:
                missing.append(f"{tpl.relative_to(ROOT)}: {tag}")
    assert not missing


def test_no_inline_event_handlers_in_templates():
    """onclick= and friends cannot carry a nonce: CSP blocks them."""
    found = [f"{tpl.relative_to(ROOT)}: {m}" for tpl in _templates()
             for m in re.findall(r"\son[a-z]+\s*=\s*[\"']", tpl.read_text())]
    assert not found


def test_rendered_inline_script_nonce_matches_the_header(world):
    from registry.models import Subordination

    sub = Subordination.objects.create(unit=world.sub1, competent_unit=world.dept, status="approved",
                                       created_by=world.sub1_clerk)
    c = Client()
    c.force_login(world.fj_reg)
    r = c.get(f"/orgs/subordinations/{sub.pk}/")
    if r.status_code != 200:  # the page's URL is the orgs app's; find it from the list
        pytest.fail(f"subordination detail answered {r.status_code}")
    nonce = re.search(r"'nonce-([^']+)'", r["Content-Security-Policy"]).group(1)
    scripts = re.findall(r"<script\b([^>]*)>", r.content.decode())
    inline = [attrs for attrs in scripts if "src=" not in attrs]
    assert inline and all(f'nonce="{nonce}"' in attrs for attrs in inline)


# ---- /api/docs and openapi.json -------------------------------------------------------------------------------


def test_api_docs_need_login(world):
    r = Client().get("/api/docs")
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    c = Client()
    c.force_login(world.fz_clerk)
    assert c.get("/api/docs").status_code == 200


def test_openapi_json_needs_an_authenticated_user(world):
    r = Client().get("/api/openapi.json")
    assert r.status_code == 401
    assert r.json()["message"]
    c = Client()
    c.force_login(world.fz_clerk)
    assert c.get("/api/openapi.json").json()["info"]["title"]
    _, key = create_token(world.fz_clerk, "测试")
    r = Client().get("/api/openapi.json", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert r.status_code == 200 and r.json()["paths"]


# ---- static files and error pages (item 23) --------------------------------------------------------------------


def test_whitenoise_serves_static_files(db):
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE
    r = Client().get("/static/css/app.css")
    assert r.status_code == 200


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", _boom)]


def test_404_is_chinese_in_the_system_layout(world):
    c = Client()
    c.force_login(world.fz_clerk)
    r = c.get("/no-such-page/")
    assert r.status_code == 404
    page = r.content.decode()
    assert "页面不存在" in page
    assert 'class="sidebar"' in page and "政府采购管理系统" in page and world.fz_unit.name in page
    assert "Page not found" not in page and "URLconf" not in page


def test_404_for_anonymous_is_chinese(db):
    r = Client().get("/no-such-page/")
    assert r.status_code == 404 and "页面不存在" in r.content.decode()


def test_403_is_chinese_in_the_system_layout(world):
    c = Client()
    c.force_login(world.fz_clerk)
    r = c.get("/settings/parameters/")
    assert r.status_code == 403
    page = r.content.decode()
    assert "没有权限" in page and 'class="sidebar"' in page
    assert "Forbidden" not in page


def test_500_template_renders_without_request_or_database():
    # no db fixture: any query would fail the test
    page = render_to_string("500.html")
    assert "系统出错" in page and "政府采购管理系统" in page


@override_settings(ROOT_URLCONF=__name__)
def test_500_page_is_chinese_not_a_traceback(db):
    r = Client(raise_request_exception=False).get("/boom/")
    assert r.status_code == 500
    page = r.content.decode()
    assert "系统出错" in page and "Traceback" not in page and "boom" not in page


def test_csrf_failure_is_chinese(db):
    r = Client(enforce_csrf_checks=True).post("/login/", {"username": "x", "password": "y"})
    assert r.status_code == 403
    page = r.content.decode()
    assert "页面已过期" in page and "CSRF verification failed" not in page
