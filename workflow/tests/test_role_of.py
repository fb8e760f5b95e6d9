"""Flow.submit_role_of and Stage.role_of: the submitter and a stage's actor taken from the document (采购公告: the
agency's staff when an agency organises it, the purchaser's clerk when the purchaser does), at the unit the
document names (`submit_unit_field` / `Stage.unit_field`)."""

import pytest

from trading.tests.announcing import announcement_data, entrusted_procurement, self_organized_procurement
from trading.tests.conftest import tr  # noqa: F401
from workflow import engine

pytestmark = pytest.mark.django_db


def test_the_agency_submits_and_publishes_what_an_agency_organises(tr):  # noqa: F811
    from trading.docs import ANNOUNCEMENT, FLOW

    doc = ANNOUNCEMENT.save_doc(tr.agency_user, None, announcement_data(entrusted_procurement(tr)), None)
    assert FLOW.submitter_role(doc) == "agency" and FLOW.stages[0].role_for(doc) == "agency"
    assert engine.can_submit(tr.agency_user, doc)
    assert not engine.can_submit(tr.clerk, doc)          # the purchaser's clerk: not the submitter here
    assert not engine.can_submit(tr.agency2_user, doc)   # another agency: not the organizer
    doc = engine.approve(engine.submit(doc, tr.agency_user), tr.reviewer)
    assert engine.available_actions(tr.agency_user, doc) >= {"publish"}
    assert "publish" not in engine.available_actions(tr.clerk, doc)
    assert "publish" not in engine.available_actions(tr.agency2_user, doc)


def test_the_clerk_submits_and_publishes_what_its_unit_organises(tr):  # noqa: F811
    from trading.docs import ANNOUNCEMENT, FLOW

    doc = ANNOUNCEMENT.save_doc(tr.clerk, None, announcement_data(self_organized_procurement(tr.clerk)), None)
    assert FLOW.submitter_role(doc) == "clerk" and FLOW.stages[0].role_for(doc) == "clerk"
    assert engine.can_submit(tr.clerk, doc) and not engine.can_submit(tr.agency_user, doc)
    doc = engine.approve(engine.submit(doc, tr.clerk), tr.reviewer)
    assert "publish" in engine.available_actions(tr.clerk, doc)
    assert "publish" not in engine.available_actions(tr.agency_user, doc)
