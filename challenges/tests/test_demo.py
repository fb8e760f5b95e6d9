"""The demo: one 质疑 on the demo procurement, answered and told to the registered supplier; loads once."""

import itertools

import pytest

from budgets.tests.factories import IndicatorFactory
from challenges.demo import load_demo
from challenges.models import ChallengeNotice, ChallengeStatus
from orgs import testing as org_testing
from orgs.models import Unit
from portal import demo

pytestmark = pytest.mark.django_db


def test_one_answered_challenge_on_the_demo_procurement(monkeypatch):
    demo.load()
    monkeypatch.setattr(org_testing, "_seq", itertools.count(1))
    edu = Unit.objects.get(name="福建省教育厅")
    for i in (1, 2):
        IndicatorFactory(bgt_id=f"BGT-DEMO-{i}", unit=edu, mof_div_code="350000", amount="500000.00", cur_amt="0",
                         pro_name=f"演示指标{i}")
    demo.load_projects()
    assert load_demo() == 1
    assert load_demo() == 0
    notice = ChallengeNotice.objects.select_related("challenge", "supplier").get()
    assert notice.challenge.status == ChallengeStatus.ANSWERED and notice.supplier.name == "福州榕城信息技术有限公司"
