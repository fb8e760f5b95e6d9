from types import SimpleNamespace

import pytest

from orgs.models import Role, Unit
from orgs.testing import make_unit, make_user


@pytest.fixture
def tr(world):
    """`world` plus 福州市第二中学 (a member unit of 福州, region 350100) with its clerk and reviewer, two agencies
    with their staff, and two suppliers with theirs. The 福州 regulator is `tr.w.fz_reg`."""
    from core.data.categories import ensure_seeded

    ensure_seeded()
    t = SimpleNamespace(w=world)
    from integration.tests.support import on_platform

    t.unit = make_unit("福州市第二中学", region_code="350100", budget_code="350100102")
    on_platform(t.unit)
    t.clerk = make_user("tr_clerk", t.unit, Role.CLERK)
    t.reviewer = make_user("tr_reviewer", t.unit, Role.REVIEWER)
    t.agency = make_unit("福州市招标代理有限公司", region_code="350100", kind=Unit.KIND_AGENCY)
    t.agency_user = make_user("tr_agency", t.agency, Role.AGENCY)
    t.agency2 = make_unit("福建省另一代理有限公司", region_code="350000", kind=Unit.KIND_AGENCY)
    t.agency2_user = make_user("tr_agency2", t.agency2, Role.AGENCY)
    t.supplier = make_unit("福州办公设备有限公司", region_code="350100", kind=Unit.KIND_SUPPLIER)
    t.supplier_user = make_user("tr_supplier", t.supplier, Role.SUPPLIER)
    t.supplier2 = make_unit("福建信息技术有限公司", region_code="350000", kind=Unit.KIND_SUPPLIER)
    t.supplier2_user = make_user("tr_supplier2", t.supplier2, Role.SUPPLIER)
    t.other_clerk = world.dept_clerk
    return t
