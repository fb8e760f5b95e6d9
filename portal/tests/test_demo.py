"""The demo data load through the services, once, and give every role something to look at."""

import itertools
from decimal import Decimal

import pytest

from budgets.models import BudgetIndicator
from budgets.tests.factories import IndicatorFactory
from orgs import testing as org_testing
from orgs.models import Unit, User
from portal import demo
from projects.models import Project
from registry.models import Subordination, UnitRegistration
from workflow.models import Status

pytestmark = pytest.mark.django_db


def test_demo_loads_once_with_every_role_and_pending_work():
    assert demo.load() is True
    assert demo.load() is False
    for username, *_ in demo.ACCOUNTS:
        user = User.objects.get(username=username)
        assert user.check_password(demo.DEMO_PASSWORD)
    assert UnitRegistration.objects.get(unit__name="厦门市市政园林局").status == Status.PENDING
    assert Subordination.objects.filter(status=Status.PENDING, unit__name="福建省电化教育馆").exists()
    exam = Unit.objects.get(name="福建省教育考试院")
    assert exam.competent.name == "福建省教育厅" and exam.path.startswith(exam.competent.path)


def test_demo_projects_need_indicators_then_load_once(monkeypatch):
    # `make demo` runs load and load_projects in two processes: the unit builder's sequence starts at 1 in each
    monkeypatch.setattr(org_testing, "_seq", itertools.count(1))
    demo.load()
    monkeypatch.setattr(org_testing, "_seq", itertools.count(1))
    assert demo.load_projects() == 0  # the simulator has not pushed indicators yet
    edu = Unit.objects.get(name="福建省教育厅")
    for i in (1, 2):
        IndicatorFactory(bgt_id=f"BGT-DEMO-{i}", unit=edu, mof_div_code="350000", amount="500000.00", cur_amt="0",
                         pro_name=f"演示指标{i}")
    assert demo.load_projects() == 3
    assert demo.load_projects() == 0
    projects = {p.name: p for p in Project.objects.filter(unit=edu)}
    assert projects["2026年教学设备购置"].status == Status.APPROVED and projects["2026年教学设备购置"].is_used
    assert projects["2026年办公设备更新"].status == Status.APPROVED and not projects["2026年办公设备更新"].is_used
    assert projects["2026年实验室耗材"].status == Status.PENDING
    reserved = sum(BudgetIndicator.objects.filter(unit=edu, bgt_id__startswith="BGT-DEMO")  # plans' demo has its own
                   .values_list("reserved", flat=True))
    assert reserved == Decimal("350000.00")
