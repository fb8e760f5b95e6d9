"""Lockout in a real browser (issue 6 #2): an account locked after repeated failures stays locked when the
user name is typed with look-alike (fullwidth) letters, which Django normalises (NFKC) to the same account."""

import pytest

from core import params
from orgs.models import LoginAttempt

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def attempt(page, username, password):
    page.goto(page.base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_a_locked_account_stays_locked_under_a_lookalike_name(world, new_page):
    page = new_page()
    for _ in range(params.value("login_max_failures")):
        attempt(page, "fz_reviewer", "wrong-password")
        assert "用户名或密码不正确" in page.locator(".msg-error").inner_text()
    # the right password under the real name: locked
    attempt(page, "fz_reviewer", "Zc@123456")
    assert "账号已临时锁定" in page.locator(".msg-error").inner_text()
    # the right password under a fullwidth look-alike (ｆ U+FF46, ｚ U+FF5A): still locked, still on /login/
    attempt(page, "ｆｚ_reviewer", "Zc@123456")
    assert "账号已临时锁定" in page.locator(".msg-error").inner_text()
    assert page.url.startswith(page.base + "/login/")
    shot(page, "lockout_lookalike")
    assert page.context.cookies() == [] or all(c["name"] != "sessionid" for c in page.context.cookies())
    assert not LoginAttempt.objects.filter(succeeded=True).exists()
    assert set(LoginAttempt.objects.values_list("username", flat=True)) == {"fz_reviewer"}

    # another account is not affected
    other = new_page()
    attempt(other, "fz_clerk", "Zc@123456")
    assert other.url == other.base + "/"
