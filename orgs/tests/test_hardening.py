"""Issue 6 in orgs: lockout bypass (2) and passwords (10)."""

import pytest

from core import params
from core.errors import FieldErrors
from core.testing import client_for
from orgs import services
from orgs.models import LoginAttempt, Role
from orgs.testing import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "Zc@123456"


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


# ---- 2. lockout bypass ------------------------------------------------------------------------------------------


def _fail(c, username, times):
    for _ in range(times):
        c.post("/login/", {"username": username, "password": "wrong-password"})


def test_a_lookalike_spelling_does_not_log_in_while_the_account_is_locked(world):
    c = client_for(None)
    _fail(c, "fz_clerk", params.value("login_max_failures"))
    r = c.post("/login/", {"username": "ｆz_clerk", "password": PASSWORD})  # fullwidth ｆ: NFKC gives fz_clerk
    assert r.status_code == 200
    assert "账号已临时锁定" in r.content.decode()
    assert "_auth_user_id" not in c.session


def test_failures_under_lookalike_spellings_count_for_the_one_account(world):
    c = client_for(None)
    limit = params.value("login_max_failures")
    spellings = ["fz_clerk", "ｆz_clerk", "fｚ_clerk", " fz_clerk ", "ｆｚ＿ｃｌｅｒｋ"]
    for i in range(limit):
        c.post("/login/", {"username": spellings[i % len(spellings)], "password": "wrong-password"})
    r = c.post("/login/", {"username": "fz_clerk", "password": PASSWORD})
    assert "账号已临时锁定" in r.content.decode()
    assert set(LoginAttempt.objects.values_list("username", flat=True)) == {"fz_clerk"}


def test_password_change_old_password_guesses_are_throttled(world):
    c = client_for(world.fz_clerk)
    limit = params.value("login_max_failures")
    for _ in range(limit):
        r = c.post("/password/", {"old": "guess-1234", "new": "Xy@98765qq", "new2": "Xy@98765qq"})
        assert "原密码不正确" in r.content.decode()
    r = c.post("/password/", {"old": PASSWORD, "new": "Xy@98765qq", "new2": "Xy@98765qq"})
    assert r.status_code == 200
    assert "次数过多" in r.content.decode()
    assert fresh(world.fz_clerk).check_password(PASSWORD)


# ---- 10. passwords ----------------------------------------------------------------------------------------------


def _change(user, new):
    return services.password_change(actor=user, old=PASSWORD, new=new, new2=new)


@pytest.mark.parametrize("new, message", [
    ("Ab@1", "密码长度至少为8位。"),
    ("12345678901", "密码不能全为数字。"),
    ("password123", "密码过于常见。"),
])
def test_password_validator_messages_are_chinese(world, new, message):
    with pytest.raises(FieldErrors) as info:
        _change(world.fz_clerk, new)
    assert message in info.value.errors["new"]
    assert not any(c.isascii() and c.isalpha() for c in info.value.errors["new"])


def test_password_may_not_equal_the_user_name(world):
    user = make_user("zhangsan2026", world.fz_unit, Role.CLERK)
    with pytest.raises(FieldErrors) as info:
        _change(user, "ZhangSan2026")
    assert info.value.errors["new"] == "密码不能与用户名相同。"


def test_password_may_not_equal_the_old_one(world):
    with pytest.raises(FieldErrors) as info:
        _change(world.fz_clerk, PASSWORD)
    assert info.value.errors["new"] == "新密码不能与原密码相同。"


def test_short_password_message_on_the_page_is_chinese(world):
    c = client_for(world.fz_clerk)
    page = c.post("/password/", {"old": PASSWORD, "new": "Ab@1x", "new2": "Ab@1x"}).content.decode()
    assert "密码长度至少为8位。" in page
    assert "This password" not in page and "密码太短" not in page
