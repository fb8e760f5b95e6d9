from types import SimpleNamespace

import pytest

from orgs.models import Role
from orgs.testing import make_user


@pytest.fixture
def yx(world):
    """`world` plus the catalogue and a second clerk of 福建省教育厅 (dept)."""
    from core.data.categories import ensure_seeded

    ensure_seeded()
    w = SimpleNamespace(w=world, unit=world.dept, clerk=world.dept_clerk, reviewer=world.dept_reviewer)
    w.clerk2 = make_user("dept_clerk2", world.dept, Role.CLERK)
    w.sub_reviewer = make_user("sub1_reviewer", world.sub1, Role.REVIEWER)
    return w


from joint.tests.conftest import jw  # noqa: E402, F401  (a collected 统招分签 for the lead's intention)
