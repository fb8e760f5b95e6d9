import os
from types import SimpleNamespace

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the test body are
# still synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # the default PBKDF2 costs ~0.3 s per user; tests create many
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    """A small province: regulators (Fujian, 福州, Jiangxi), purchaser units and their staff.

    Every user's password is Zc@123456.
    """
    from core.reference import ensure_reference_data
    from integration.tests.support import on_platform
    from orgs.models import Role, Unit
    from orgs.testing import make_unit, make_user

    ensure_reference_data()  # a transactional test's flush removes what the migrations seeded
    w = SimpleNamespace()
    w.fj_reg_unit = make_unit("福建省财政厅政府采购监管处", region_code="350000", kind=Unit.KIND_REGULATOR)
    w.fz_reg_unit = make_unit("福州市财政局采购办", region_code="350100", kind=Unit.KIND_REGULATOR)
    w.jx_reg_unit = make_unit("江西省财政厅政府采购监督管理处", region_code="360000", kind=Unit.KIND_REGULATOR)
    w.dept = make_unit("福建省教育厅", region_code="350000", is_competent=True, budget_code="350001001")
    w.sub1 = make_unit("福建省教育考试院", region_code="350000", competent=w.dept, budget_code="350001002")
    w.fz_unit = make_unit("福州市第一中学", region_code="350100", budget_code="350100101", is_member=False)
    w.jx_unit = make_unit("南昌市第一中学", region_code="360100", budget_code="360100101")
    w.fj_reg = make_user("fj_reg", w.fj_reg_unit, Role.REGULATOR)
    w.fj_reg2 = make_user("fj_reg2", w.fj_reg_unit, Role.REGULATOR)
    w.fz_reg = make_user("fz_reg", w.fz_reg_unit, Role.REGULATOR)
    w.jx_reg = make_user("jx_reg", w.jx_reg_unit, Role.REGULATOR)
    w.dept_clerk = make_user("dept_clerk", w.dept, Role.CLERK)
    w.dept_reviewer = make_user("dept_reviewer", w.dept, Role.REVIEWER)
    w.dept_competent = make_user("dept_competent", w.dept, Role.COMPETENT)
    w.sub1_clerk = make_user("sub1_clerk", w.sub1, Role.CLERK)
    w.fz_clerk = make_user("fz_clerk", w.fz_unit, Role.CLERK)
    w.fz_reviewer = make_user("fz_reviewer", w.fz_unit, Role.REVIEWER)
    w.jx_clerk = make_user("jx_clerk", w.jx_unit, Role.CLERK)
    for u in (w.dept, w.sub1, w.fz_unit, w.jx_unit):
        on_platform(u)
    return w
