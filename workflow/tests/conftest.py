"""Fixtures for the engine tests: the three-node flow installed in place of the registration flow."""

from types import SimpleNamespace

import pytest

from integration.tests.support import on_platform
from orgs.models import Role
from orgs.testing import make_unit, make_user
from registry.models import UnitRegistration
from workflow import engine

from .support import make_flow


@pytest.fixture
def flow(monkeypatch):
    f = make_flow()
    monkeypatch.setitem(engine.FLOWS, UnitRegistration.doc_type, f)
    return f


@pytest.fixture
def gulou(world):
    """A 鼓楼区 school known to the platform: no county regulator, so 福州's regulator reviews it."""
    unit = make_unit("福州市鼓楼区实验小学", region_code="350102", budget_code="350102001", is_member=False)
    on_platform(unit)
    return unit


@pytest.fixture
def staff(world):
    """Users of 福州市第一中学 (world.fz_unit) and the regulators around it."""
    unit = world.fz_unit
    s = SimpleNamespace(unit=unit)
    s.clerk1 = world.fz_clerk
    s.clerk2 = make_user("fz_clerk2", unit, Role.CLERK)
    s.clerk_reviewer = make_user("fz_clerk_reviewer", unit, Role.CLERK, Role.REVIEWER)
    s.clerk_leader = make_user("fz_clerk_leader", unit, Role.CLERK, Role.LEADER)
    s.reviewer1 = world.fz_reviewer
    s.reviewer2 = make_user("fz_reviewer2", unit, Role.REVIEWER)
    s.leader = make_user("fz_leader", unit, Role.LEADER)
    s.fz_reg = world.fz_reg
    s.fz_reg2 = make_user("fz_reg2", world.fz_reg_unit, Role.REGULATOR)
    s.fj_reg = world.fj_reg            # the province: not responsible for a 福州 unit
    s.jx_reg = world.jx_reg            # another province
    s.other_reviewer = world.dept_reviewer   # reviewer of another unit
    s.other_clerk = world.dept_clerk         # clerk of another unit
    return s
