"""修改密码 through django.test.Client (the shell's page of orgs.services.password_change)."""

import pytest
from django.contrib.messages import get_messages

from core.testing import client_for

pytestmark = pytest.mark.django_db

PASSWORD = "Zc@123456"


def html(response) -> str:
    return response.content.decode()


def assert_login_redirect(response, url):
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")
    assert url.rstrip("/") in response["Location"].replace("%2F", "/")


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_anonymous_is_sent_to_login(world):
    assert_login_redirect(client_for(None).get("/password/"), "/password/")
    assert_login_redirect(client_for(None).post("/password/", {"old": PASSWORD, "new": "Xy@98765qq", "new2": "Xy@98765qq"}),
                          "/password/")
    assert type(world.fz_clerk).objects.get(pk=world.fz_clerk.pk).check_password(PASSWORD)


# ---- 修改密码 -------------------------------------------------------------------------------------------------


def test_password_page_for_any_logged_in_user(world):
    r = client_for(world.jx_reg).get("/password/")
    assert r.status_code == 200
    assert "修改密码" in html(r)
    assert "原密码" in html(r) and "确认新密码" in html(r)


def test_password_wrong_old_shows_message_beside_field_and_keeps_the_old(world):
    r = client_for(world.fz_clerk).post("/password/", {"old": "not-my-password", "new": "Xy@98765qq", "new2": "Xy@98765qq"})
    assert r.status_code == 200
    assert "原密码不正确" in html(r)
    user = type(world.fz_clerk).objects.get(pk=world.fz_clerk.pk)
    assert user.check_password(PASSWORD)
    assert not user.check_password("Xy@98765qq")


def test_password_mismatch_shows_message_and_keeps_the_old(world):
    r = client_for(world.fz_clerk).post("/password/", {"old": PASSWORD, "new": "Xy@98765qq", "new2": "Xy@98765qx"})
    assert r.status_code == 200
    assert "两次输入的新密码不一致" in html(r)
    assert type(world.fz_clerk).objects.get(pk=world.fz_clerk.pk).check_password(PASSWORD)


def test_password_weak_new_is_refused(world):
    r = client_for(world.fz_clerk).post("/password/", {"old": PASSWORD, "new": "12345678901", "new2": "12345678901"})
    assert r.status_code == 200
    assert type(world.fz_clerk).objects.get(pk=world.fz_clerk.pk).check_password(PASSWORD)


def test_password_change_success_keeps_session_and_new_password_logs_in(world):
    c = client_for(world.fz_clerk)
    r = c.post("/password/", {"old": PASSWORD, "new": "Xy@98765qq", "new2": "Xy@98765qq"})
    assert r.status_code == 302
    assert r["Location"] == "/"
    assert "密码已修改。" in flashed(r)
    assert c.get("/").status_code == 200  # the session survived the hash change
    c.post("/logout/")
    assert client_for(None).post("/login/", {"username": "fz_clerk", "password": PASSWORD}).status_code == 200
    fresh = client_for(None)
    assert fresh.post("/login/", {"username": "fz_clerk", "password": "Xy@98765qq"}).status_code == 302
    assert fresh.session["_auth_user_id"] == str(world.fz_clerk.pk)
