"""The demo data load through the services, once, and give every role something to look at."""

import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from budgets.models import BudgetIndicator
from budgets.tests.factories import IndicatorFactory
from orgs import testing as org_testing
from orgs.models import Unit, User
from portal import demo
from projects.models import Project
from registry.models import Subordination, UnitRegistration
from workflow import engine
from workflow.models import ReviewRecord, Status

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


def test_the_whole_demo_as_make_demo_runs_it(monkeypatch):
    """load and load --projects in two processes (the builders' sequences restart), indicators pushed in
    between: one project announced to its result with a 质疑 answered, one 公开招标 through 流标 to an approved
    变更采购方式 by the regulator; the accounts of the README; a second run adds nothing."""
    from awards.models import Result
    from challenges.models import Challenge, ChallengeNotice
    from failures.models import Failure, FailureHandling
    from plans.models import Plan
    from plans.services import open_tender_threshold
    from trading.models import Announcement, Procurement, Registration

    monkeypatch.setattr(org_testing, "_seq", itertools.count(1))
    demo.load()
    monkeypatch.setattr(org_testing, "_seq", itertools.count(1))
    assert demo.load_stories() == 0  # no indicators, no projects yet: nothing to build on
    edu = Unit.objects.get(name="福建省教育厅")
    for i in (1, 2):
        IndicatorFactory(bgt_id=f"BGT-DEMO-{i}", unit=edu, mof_div_code="350000", amount="500000.00", cur_amt="0",
                         pro_name=f"演示指标{i}")
    assert demo.load_projects() == 3
    assert demo.load_stories() > 0
    counts = [m.objects.count() for m in (Plan, Procurement, Announcement, Registration, Challenge, Result, Failure,
                                          FailureHandling, User, Unit)]
    monkeypatch.setattr(org_testing, "_seq", itertools.count(1))
    assert demo.load_projects() == 0 and demo.load_stories() == 0  # the second `make demo`
    assert [m.objects.count() for m in (Plan, Procurement, Announcement, Registration, Challenge, Result, Failure,
                                        FailureHandling, User, Unit)] == counts

    for username, _, _ in demo.LATER_ACCOUNTS:
        assert User.objects.get(username=username).check_password(demo.DEMO_PASSWORD)
    agency, central = (User.objects.get(username=n).unit for n in ("agency", "central"))
    assert agency.kind == Unit.KIND_AGENCY and central.kind == Unit.KIND_CENTRAL

    # 1. the agency's 运行维护服务: announced, two suppliers registered, a 质疑 answered, the result published
    story = Procurement.objects.get(organizer=agency, name="2026年教育信息系统运行维护服务")
    assert story.status == "finished", story.status
    assert Announcement.objects.get(procurement=story).stage == "publish_done"
    assert {r.supplier.name for r in Registration.objects.filter(procurement=story)} == {
        "福州闽江数据服务有限公司", "厦门鹭岛软件科技有限公司"}
    challenge = Challenge.objects.get()
    assert challenge.procurement_id == story.pk and challenge.status == "answered"
    assert challenge.supplier.name == "福州闽江数据服务有限公司"
    assert ChallengeNotice.objects.filter(challenge=challenge).count() == 2  # every registered supplier is told
    result = Result.objects.get()
    assert result.procurement_id == story.pk and result.stage == "publish_done" and result.notice_number
    assert result.winner_name == "厦门鹭岛软件科技有限公司"

    # 2. the 集中采购机构's 公开招标 above the 公开招标数额: 流标, 变更采购方式 approved by the regulator
    # 3. the agency's 询价 of library books: announced, its deadline ahead, open for 报名
    books = Procurement.objects.get(organizer=agency, name="2026年图书馆图书资料采购")
    assert books.status == "in_progress" and not Registration.objects.filter(procurement=books).exists()
    assert Announcement.objects.get(procurement=books).bid_deadline > timezone.now()

    tender = Procurement.objects.get(organizer=central)
    assert tender.name == "2026年教室计算机设备更新" and tender.budget >= open_tender_threshold(edu)
    assert tender.status == "accepted" and tender.round == 2 and tender.procurement_method == "negotiation"
    assert Failure.objects.get().procurement_id == tender.pk
    handling = FailureHandling.objects.get()
    assert handling.status == "approved" and handling.kind == "change_method"
    approvers = list(ReviewRecord.objects.filter(doc_type=engine.flow_for(handling).doc_type, object_id=handling.pk,
                                                 action="approve").values_list("actor__username", flat=True))
    assert approvers[-2:] == ["fj_edu_reviewer", "fj_reg"]
