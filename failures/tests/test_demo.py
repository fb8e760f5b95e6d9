"""The kit's example and the demo story build through the services."""

import pytest

from failures import demo
from failures.models import FailureHandling
from workflow.kit import testing

pytestmark = pytest.mark.django_db


def test_the_example_is_a_draft_rebid_of_a_self_organised_failed_procurement(tr):
    doc = testing.build("failures", tr.clerk, "pending")
    assert doc.kind == "rebid" and doc.organizer_id == tr.unit.pk and doc.current_node == "reviewer"


def test_load_demo_carries_a_failure_to_an_approved_method_change(tr):
    from orgs.models import User
    from plans.tests.support import plan as make_plan
    from plans.tests.support import project
    from workflow import engine

    tr.clerk.username = "fj_edu_clerk"
    tr.clerk.save(update_fields=["username"])
    User.objects.filter(pk=tr.agency2_user.pk).update(is_active=False)
    plan = make_plan(tr.clerk, project(tr.clerk, tr.reviewer, "300000", kind="services"),
                     organization_form="entrusted", agency=tr.agency, procurement_method="consultation")
    engine.submit(plan, tr.clerk)
    engine.approve(type(plan).objects.get(pk=plan.pk), tr.reviewer)
    type(plan).objects.filter(pk=plan.pk).update(name=demo.DEMO_PLAN)  # plans.demo's plan, by its name
    assert demo.load_demo() == 1
    doc = FailureHandling.objects.get()
    assert doc.status == "approved" and doc.kind == "change_method" and doc.new_method == "negotiation"
    assert demo.load_demo() == 0  # idempotent
