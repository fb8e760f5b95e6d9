from types import SimpleNamespace

import pytest

from orgs.models import Role, Unit
from orgs.testing import make_unit, make_user


@pytest.fixture
def pl(world):
    """`world` plus reviewers, a competent user, agencies, a county unit of 福州 and its staff."""
    from core.data.categories import ensure_seeded

    ensure_seeded()
    p = SimpleNamespace(w=world)
    p.clerk, p.reviewer = world.dept_clerk, world.dept_reviewer  # 省级, itself a competent unit (no competent)
    p.sub_clerk, p.sub_reviewer = world.sub1_clerk, make_user("sub1_reviewer", world.sub1, Role.REVIEWER)
    p.competent = world.dept_competent
    p.agency = make_unit("福建省招标代理有限公司", region_code="350000", kind=Unit.KIND_AGENCY)
    p.central = make_unit("福建省政府采购中心", region_code="350000", kind=Unit.KIND_CENTRAL)
    p.agency_user = make_user("agency_user", p.agency, Role.AGENCY)
    p.central_user = make_user("central_user", p.central, Role.AGENCY)
    p.county = make_unit("闽侯县第一中学", region_code="350121", budget_code="350121101")
    p.county_clerk = make_user("county_clerk", p.county, Role.CLERK)
    p.county_reviewer = make_user("county_reviewer", p.county, Role.REVIEWER)
    return p
