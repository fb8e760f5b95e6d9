"""Two identical messages at the same moment: exactly one is applied, the other acknowledged as a duplicate."""

import json
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection

from budgets.models import BudgetIndicator
from core.testing import postgres_only, race
from integration import services, signing
from integration.models import InboundMessage

from .support import PATHS, SECRET, new_record


def _receive(kind, body, message_id):
    raw = json.dumps(body).encode()
    return services.receive(kind=kind, headers=signing.headers("bp-test", SECRET, message_id, raw, path=PATHS[kind]),
                            raw=raw)


def test_the_same_message_twice_in_a_row_is_applied_once(world, platform_client):
    """The sequential variant (any database)."""
    _receive("indicator", new_record(world.dept, amount="100000.00"), "NEW-1")
    adjust = {"ACTION": "adjust", "BGT_ID": "BGT2026000001", "ADJ_AMT": "-1000.00", "ADJ_BATCH_NO": "T1"}
    replies = [_receive("indicator", adjust, "ADJ-1") for _ in range(3)]
    assert [r.body["status"] for r in replies] == ["applied", "duplicate", "duplicate"]
    assert BudgetIndicator.objects.get().amount == Decimal("99000.00")
    assert InboundMessage.objects.filter(message_id="ADJ-1", status="applied").count() == 1


@pytest.mark.pg
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_identical_messages_apply_exactly_once(world, platform_client, monkeypatch):
    """Request A has inserted its message row and applied the adjustment but not committed; request B (same
    message id) passes the duplicate check meanwhile and must wait on the unique constraint, then see A's row."""
    postgres_only()
    _receive("indicator", new_record(world.dept, amount="100000.00"), "NEW-1")
    adjust = {"ACTION": "adjust", "BGT_ID": "BGT2026000001", "ADJ_AMT": "-1000.00", "ADJ_BATCH_NO": "T1"}
    a_applied, release, waited = threading.Event(), threading.Event(), threading.Event()
    real_apply = services.APPLY["indicator"]

    def apply_and_hold(records, **kw):
        out = real_apply(records, **kw)
        if not a_applied.is_set():  # A's: B sends only once A has applied
            a_applied.set()
            release.wait(timeout=30)
        return out

    monkeypatch.setitem(services.APPLY, "indicator", apply_and_hold)
    replies = {}

    def request_a():
        try:
            replies["A"] = _receive("indicator", adjust, "ADJ-RACE")
        finally:
            a_applied.set()

    def request_b():
        assert a_applied.wait(timeout=30)
        replies["B"] = _receive("indicator", adjust, "ADJ-RACE")

    def watch():  # once A holds its row: until B waits on the lock A holds (15 s at most), then let A commit
        if release.is_set() or not a_applied.wait(timeout=30):
            time.sleep(0.05)
            return
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not waited.is_set():
            with connection.cursor() as cur:
                cur.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                            "AND wait_event_type = 'Lock'")
                if cur.fetchone()[0]:
                    waited.set()
            time.sleep(0.05)
        release.set()

    ok, refused = race([request_a, request_b], sample=watch)
    assert sorted(ok) == [0, 1] and refused == []
    assert waited.is_set(), "B never waited for A: the race was not exercised"
    assert replies["A"].body["status"] == "applied"
    assert replies["B"].status == 200 and replies["B"].body["status"] == "duplicate"
    assert replies["B"].body["original_id"] == replies["A"].body["id"]
    assert BudgetIndicator.objects.get().amount == Decimal("99000.00")
    rows = InboundMessage.objects.filter(message_id="ADJ-RACE")
    assert sorted(r.status for r in rows) == ["applied", "duplicate"]
