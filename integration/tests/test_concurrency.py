"""Two identical messages at the same moment: exactly one is applied, the other acknowledged as a duplicate."""

import json
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection

from budgets.models import BudgetIndicator
from integration import services, signing
from integration.models import InboundMessage

from .conftest import PATHS, SECRET, new_record


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
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: real concurrent connections")
    _receive("indicator", new_record(world.dept, amount="100000.00"), "NEW-1")
    adjust = {"ACTION": "adjust", "BGT_ID": "BGT2026000001", "ADJ_AMT": "-1000.00", "ADJ_BATCH_NO": "T1"}
    a_applied, release = threading.Event(), threading.Event()
    real_apply = services.APPLY["indicator"]

    def apply_and_hold(records, **kw):
        out = real_apply(records, **kw)
        if threading.current_thread().name == "A":
            a_applied.set()
            release.wait(timeout=30)
        return out

    monkeypatch.setitem(services.APPLY, "indicator", apply_and_hold)
    replies, errors = {}, []

    def run(name):
        try:
            replies[name] = _receive("indicator", adjust, "ADJ-RACE")
        except BaseException as exc:
            errors.append(exc)
        finally:
            a_applied.set()
            connection.close()

    a = threading.Thread(target=run, args=("A",), name="A")
    a.start()
    assert a_applied.wait(timeout=30)
    b = threading.Thread(target=run, args=("B",), name="B")
    b.start()
    try:
        deadline = time.monotonic() + 15
        waited = False
        while time.monotonic() < deadline and not waited:  # until B waits on the lock A holds
            with connection.cursor() as cur:
                cur.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                            "AND wait_event_type = 'Lock'")
                waited = bool(cur.fetchone()[0])
            time.sleep(0.05)
    finally:
        release.set()
        a.join(timeout=30)
        b.join(timeout=30)
    if errors:
        raise errors[0]
    assert waited, "B never waited for A: the race was not exercised"
    assert replies["A"].body["status"] == "applied"
    assert replies["B"].status == 200 and replies["B"].body["status"] == "duplicate"
    assert replies["B"].body["original_id"] == replies["A"].body["id"]
    assert BudgetIndicator.objects.get().amount == Decimal("99000.00")
    rows = InboundMessage.objects.filter(message_id="ADJ-RACE")
    assert sorted(r.status for r in rows) == ["applied", "duplicate"]
