from types import SimpleNamespace

import pytest

from orgs.models import Role
from orgs.testing import make_unit, make_user

from .support import make_indicator


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def proj(world):
    """`world` plus the catalogue, a second reviewer, a leader, and indicators of 福建省教育厅 (dept)."""
    from core.data.categories import ensure_seeded

    ensure_seeded()  # a transactional test's flush removes what the migrations seeded
    p = SimpleNamespace(w=world)
    p.unit, p.clerk, p.reviewer = world.dept, world.dept_clerk, world.dept_reviewer
    p.reviewer2 = make_user("dept_reviewer2", world.dept, Role.REVIEWER)
    p.leader = make_user("dept_leader", world.dept, Role.LEADER)
    p.clerk_reviewer = make_user("dept_clerk_reviewer", world.dept, Role.CLERK, Role.REVIEWER)
    p.ind = make_indicator(world.dept, "1000000", pro_name="教育厅公用经费")
    p.ind2 = make_indicator(world.dept, "300000", pro_name="教育信息化专项")
    p.sub_ind = make_indicator(world.sub1, "500000", pro_name="考试院公用经费")
    return p


@pytest.fixture
def cities(proj):
    """Units in 平潭 (province-administered, 限额 工程 60万) and 厦门 (工程 200万, 货物/服务 100万)."""
    c = SimpleNamespace()
    c.pt = make_unit("平潭综合实验区实验小学", region_code="350128", budget_code="350128101")
    c.xm = make_unit("厦门市第一中学", region_code="350200", budget_code="350200101")
    c.pt_clerk = make_user("pt_clerk", c.pt, Role.CLERK)
    c.xm_clerk = make_user("xm_clerk", c.xm, Role.CLERK)
    c.pt_ind = make_indicator(c.pt, "5000000")
    c.xm_ind = make_indicator(c.xm, "5000000")
    return c
