"""trading.demo.load_demo on the demo data: accepted, announced, two suppliers registered; twice is once."""

import pytest

from trading import demo
from trading.models import Announcement, Procurement, Registration

pytestmark = pytest.mark.django_db


def test_load_demo_is_idempotent():
    from core.reference import ensure_reference_data
    from plans import demo as plan_demo
    from portal import demo as portal_demo

    ensure_reference_data()  # after a transactional test's flush
    portal_demo.load()
    portal_demo.load_projects()
    plan_demo.load()
    assert demo.load_demo() == 1 and demo.load_demo() == 1
    assert Procurement.objects.count() == 1
    assert Announcement.objects.get().stage == "publish_done"
    assert Registration.objects.count() == 2
