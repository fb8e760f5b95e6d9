"""登录 and 退出 through django.test.Client: Chinese messages, the failure count and the temporary lock."""

import datetime as dt

import pytest
from django.utils import timezone

from core import params
from core.testing import client_for
from orgs.models import LoginAttempt

pytestmark = pytest.mark.django_db

PASSWORD = "Zc@123456"


def html(response) -> str:
    return response.content.decode()


def assert_login_redirect(response, url):
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")
    assert url.rstrip("/") in response["Location"].replace("%2F", "/")


# ---- 登录 / 退出 -----------------------------------------------------------------------------------------------


def test_login_page_renders_in_chinese(db):
    r = client_for(None).get("/login/")
    assert r.status_code == 200
    assert "政府采购管理系统" in html(r)
    assert "用户名" in html(r) and "密码" in html(r)


def test_good_login_redirects_to_workbench(world):
    c = client_for(None)
    r = c.post("/login/", {"username": "fz_clerk", "password": PASSWORD})
    assert r.status_code == 302
    assert r["Location"] == "/"
    assert c.session["_auth_user_id"] == str(world.fz_clerk.pk)
    assert c.get("/").status_code == 200
    assert LoginAttempt.objects.filter(username="fz_clerk", succeeded=True).count() == 1


def test_wrong_password_shows_chinese_message_and_records_failure(world):
    c = client_for(None)
    r = c.post("/login/", {"username": "fz_clerk", "password": "wrong-password"})
    assert r.status_code == 200
    assert "用户名或密码不正确" in html(r)
    assert "_auth_user_id" not in c.session
    assert LoginAttempt.objects.filter(username="fz_clerk", succeeded=False).count() == 1


def test_logged_in_user_visiting_login_goes_to_workbench(world):
    r = client_for(world.fz_clerk).get("/login/")
    assert r.status_code == 302
    assert r["Location"] == "/"


def test_too_many_failures_lock_the_account_even_for_the_right_password(world):
    limit = params.value("login_max_failures")
    c = client_for(None)
    for _ in range(limit):
        r = c.post("/login/", {"username": "fz_clerk", "password": "wrong-password"})
        assert r.status_code == 200
        assert "账号已临时锁定" not in html(r)
    r = c.post("/login/", {"username": "fz_clerk", "password": PASSWORD})
    assert r.status_code == 200
    assert "账号已临时锁定" in html(r)
    assert "_auth_user_id" not in c.session
    # the lock is per account: another user still logs in
    other = client_for(None)
    assert other.post("/login/", {"username": "fz_reviewer", "password": PASSWORD}).status_code == 302


def test_the_lock_ends_after_the_lock_time(world):
    limit = params.value("login_max_failures")
    c = client_for(None)
    for _ in range(limit):
        c.post("/login/", {"username": "fz_clerk", "password": "wrong-password"})
    assert "账号已临时锁定" in html(c.post("/login/", {"username": "fz_clerk", "password": PASSWORD}))
    past = timezone.now() - dt.timedelta(minutes=params.value("login_lock_minutes") + 1)
    LoginAttempt.objects.filter(username="fz_clerk").update(at=past)
    r = c.post("/login/", {"username": "fz_clerk", "password": PASSWORD})
    assert r.status_code == 302
    assert c.session["_auth_user_id"] == str(world.fz_clerk.pk)


def test_login_follows_next_inside_the_site_only(world):
    r = client_for(None).post("/login/", {"username": "fj_reg", "password": PASSWORD, "next": "/orgs/units/"})
    assert r.status_code == 302 and r["Location"] == "/orgs/units/"
    r = client_for(None).post("/login/", {"username": "fj_reg", "password": PASSWORD, "next": "https://evil.example/"})
    assert r.status_code == 302 and r["Location"] == "/"


def test_one_failure_fewer_than_the_limit_does_not_lock(world):
    limit = params.value("login_max_failures")
    c = client_for(None)
    for _ in range(limit - 1):
        c.post("/login/", {"username": "fz_clerk", "password": "wrong-password"})
    r = c.post("/login/", {"username": "fz_clerk", "password": PASSWORD})
    assert r.status_code == 302
    assert c.session["_auth_user_id"] == str(world.fz_clerk.pk)


def test_a_success_resets_the_failure_count(world):
    limit = params.value("login_max_failures")
    for _ in range(2):
        c = client_for(None)
        for _ in range(limit - 1):
            c.post("/login/", {"username": "fz_clerk", "password": "wrong-password"})
        r = c.post("/login/", {"username": "fz_clerk", "password": PASSWORD})
        assert r.status_code == 302, "the failures before the last success must not count"
        assert "账号已临时锁定" not in html(r)


def test_logout_is_a_post_and_ends_the_session(world):
    c = client_for(world.fz_clerk)
    assert c.get("/").status_code == 200
    r = c.post("/logout/")
    assert r.status_code == 302
    assert r["Location"] == "/login/"
    assert_login_redirect(c.get("/"), "/")


def test_logout_by_get_is_refused(world):
    c = client_for(world.fz_clerk)
    assert c.get("/logout/").status_code == 405
    assert c.get("/").status_code == 200
