"""trading.demo.load_demo on the demo data: accepted, announced, two suppliers registered; twice is once."""

import pytest

from trading import demo
from trading.models import Announcement, Procurement, Registration

pytestmark = pytest.mark.django_db(transaction=True)


def test_load_demo_is_idempotent():
    from plans import demo as plan_demo
    from portal import demo as portal_demo

    portal_demo.load()
    portal_demo.load_projects()
    plan_demo.load()
    assert demo.load_demo() == 1 and demo.load_demo() == 1
    assert Procurement.objects.count() == 1
    assert Announcement.objects.get().stage == "publish_done"
    assert Registration.objects.count() == 2
