import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from joint import services
from orgs.models import Role
from orgs.testing import make_unit, make_user
from projects.tests.support import cat, make_indicator
from workflow import engine


@pytest.fixture
def jw(world):
    """A lead (福建省教育厅) and three invited units with clerks, reviewers and indicators."""
    from core.data.categories import ensure_seeded

    ensure_seeded()
    j = SimpleNamespace(w=world, lead=world.dept, clerk=world.dept_clerk, reviewer=world.dept_reviewer)
    j.a, j.a_clerk = world.sub1, world.sub1_clerk
    j.a_reviewer = make_user("sub1_reviewer", world.sub1, Role.REVIEWER)
    j.b = make_unit("福建省卫生健康委员会", region_code="350000", budget_code="350001003")
    j.b_clerk, j.b_reviewer = make_user("b_clerk", j.b, Role.CLERK), make_user("b_reviewer", j.b, Role.REVIEWER)
    j.c = make_unit("福州市第二中学", region_code="350100", budget_code="350100102")
    j.c_clerk = make_user("c_clerk", j.c, Role.CLERK)
    j.a_ind, j.b_ind = make_indicator(j.a, "500000"), make_indicator(j.b, "500000")
    j.goods = cat("A02020200")
    return j


def joint_data(j, units, **kw):
    data = {"name": "全省教育系统计算机统一采购", "fiscal_year": timezone.localdate().year, "procurement_kind": "goods",
            "summary": "统一招标", "demand_summary": "计算机", "expected_month": None,
            "execution_plan": "牵头单位统一招标，各单位分别签订合同。",
            "deadline": timezone.now() + dt.timedelta(days=5), "invited_units": units,
            "line": [{"category_id": str(j.goods.pk), "item_name": "台式计算机", "quantity": 100,
                      "measure_unit": "台", "unit_price": 5000}], "attachment_ids": []}
    data.update(kw)
    return data


def approved_joint(j, units=None):
    joint = services.joint_save(j.clerk, None, joint_data(j, units or [j.a, j.b, j.c]), None)
    engine.submit(joint, j.clerk)
    return engine.approve(joint, j.reviewer)


def respond(j, joint, clerk, qty="10", indicator=None, amount="50000.00", submit=True, reviewer=None):
    r = joint.responses.get(unit=clerk.unit, is_active=True)
    line = joint.lines.get(is_active=True)
    project = services.joint_respond(actor=clerk, response=r, data={"name": f"{clerk.unit.name}计算机"},
                                     takes={line.pk: qty},
                                     fund_lines=[{"indicator": str(indicator.pk), "amount": amount}])
    if submit:
        project = engine.submit(project, clerk)
    if reviewer is not None:
        project = engine.approve(project, reviewer)
    return project


def past(joint):
    """The deadline moved into the past (the clock of the "after" cases)."""
    type(joint).objects.filter(pk=joint.pk).update(deadline=timezone.now() - dt.timedelta(minutes=1))
    joint.refresh_from_db()
    return joint


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT
