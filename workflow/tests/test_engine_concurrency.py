"""Concurrent transitions on PostgreSQL: the row lock lets exactly one of several simultaneous actions through."""


import pytest

from core.testing import postgres_only, race
from workflow import engine
from workflow.models import ReviewRecord, Status

from .support import new_registration, reload

pytestmark = [pytest.mark.pg, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("flow")]


@pytest.fixture(autouse=True)
def _postgres_only():
    postgres_only()


def test_simultaneous_reviews_and_withdraw_let_exactly_one_through(staff):
    doc = new_registration(staff.clerk1)
    for _ in range(3):
        doc = engine.submit(reload(doc), staff.clerk1)
        records = ReviewRecord.objects.count()
        ok, refused = race([
            lambda d=doc: engine.approve(d, staff.reviewer1),
            lambda d=doc: engine.approve(d, staff.reviewer2),
            lambda d=doc: engine.reject(d, staff.clerk_reviewer, "不同意"),
            lambda d=doc: engine.withdraw(d, staff.clerk1),
        ])
        assert len(ok) == 1 and len(refused) == 3, (ok, refused)
        assert ReviewRecord.objects.count() == records + 1
        d = reload(doc)
        assert d.version == doc.version + 1
        if d.current_node == "regulator":     # the approval won: send it back for the next round
            engine.reject(d, staff.fz_reg, "退回")
            engine.reject(d, staff.reviewer1, "退回")
        assert reload(doc).is_editable


def test_simultaneous_final_decisions(staff):
    doc = new_registration(staff.clerk1)
    engine.submit(doc, staff.clerk1)
    engine.approve(doc, staff.reviewer1)
    ok, refused = race([
        lambda: engine.approve(doc, staff.fz_reg, "同意"),
        lambda: engine.reject(doc, staff.fz_reg2, "不同意"),
        lambda: engine.approve(doc, staff.fz_reg2, "同意"),
    ])
    assert len(ok) == 1 and len(refused) == 2
    d = reload(doc)
    assert (d.status, d.current_node) in {(Status.APPROVED, ""), (Status.PENDING, "reviewer")}
    assert [r.action for r in engine.timeline(d)].count("approve") + \
        [r.action for r in engine.timeline(d)].count("reject") == 2
