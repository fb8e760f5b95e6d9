"""The kit's example builds through the services (the demo story: portal/tests/test_demo.py)."""

import pytest

from workflow.kit import testing

pytestmark = pytest.mark.django_db


def test_the_example_is_a_draft_rebid_of_a_self_organised_failed_procurement(tr):
    doc = testing.build("failures", tr.clerk, "pending")
    assert doc.kind == "rebid" and doc.organizer_id == tr.unit.pk and doc.current_node == "reviewer"
