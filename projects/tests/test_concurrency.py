"""20 submissions against one indicator with room for exactly 10.

On PostgreSQL the submissions run at the same moment, each on its own connection, while a sampler reads the
indicator and the ledger on a further connection: exactly 10 get through, the available amount is never
negative, and the ledger sum equals the cached reservation. On SQLite (one writer at a time) the same
submissions run one after another and the same totals must hold.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from budgets import ledger
from budgets.models import BudgetIndicator, LedgerEntry
from core.testing import in_turn, race
from projects.models import Project
from workflow import engine
from workflow.models import Status

from .support import make_indicator, save

pytestmark = [pytest.mark.pg, pytest.mark.django_db(transaction=True)]

N, EACH, AMOUNT = 20, Decimal("100"), Decimal("1000")


def _sampler(indicator, samples):
    """Reads the indicator and its ledger on a further connection while the submissions run."""
    def sample():
        ind = BudgetIndicator.objects.get(pk=indicator.pk)
        total = LedgerEntry.objects.filter(indicator=indicator).aggregate(s=Sum("amount"))["s"] or 0
        samples.append((ind.available, AMOUNT - total))
    return sample


def test_twenty_submissions_room_for_ten(proj):
    indicator = make_indicator(proj.unit, AMOUNT, pro_name="并发测试指标")
    projects = [save(proj.clerk, indicator=indicator, amount=EACH, name=f"并发项目{i + 1}") for i in range(N)]
    calls = [lambda p=p: engine.submit(Project.objects.get(pk=p.pk), proj.clerk) for p in projects]
    if connection.vendor == "postgresql":
        samples = []
        ok, refused = race(calls, timeout=120, sample=_sampler(indicator, samples))
        assert samples, "the sampler never ran"
        assert all(avail >= 0 and by_ledger >= 0 for avail, by_ledger in samples), min(samples)
    else:  # SQLite: one writer at a time, so the same submissions in sequence
        ok, refused = in_turn(calls)
    ok = [projects[i].pk for i in ok]
    refused = [(projects[i].pk, code) for i, code in refused]
    assert len(ok) == 10 and len(refused) == 10, (ok, refused)
    assert {code for _pk, code in refused} == {"over_available"}
    indicator.refresh_from_db()
    assert indicator.reserved == AMOUNT and indicator.available == 0
    assert ledger.ledger_reserved(indicator.pk) == indicator.reserved == AMOUNT
    assert LedgerEntry.objects.filter(indicator=indicator, kind="reserve").count() == 10
    pending = Project.objects.filter(status=Status.PENDING)
    assert set(pending.values_list("pk", flat=True)) == set(ok)
    assert Project.objects.filter(status=Status.DRAFT).count() == 10
    for p in pending:
        assert ledger.held(ledger.holder_key(p)) == {indicator.pk: EACH}
    for pk, _code in refused:  # a refused submission leaves nothing behind
        assert not LedgerEntry.objects.filter(holder=f"projects.project:{pk}").exists()
        assert Project.objects.get(pk=pk).version == 1


def test_releases_and_submissions_interleaved_never_overdraw(proj):
    """Withdrawals give room back while others submit: totals stay consistent whichever order wins."""
    indicator = make_indicator(proj.unit, AMOUNT)
    held = [save(proj.clerk, indicator=indicator, amount=EACH, name=f"已提交{i}") for i in range(10)]
    waiting = [save(proj.clerk, indicator=indicator, amount=EACH, name=f"等待{i}") for i in range(5)]  # saved first:
    for p in held:                                                  # a full indicator refuses new drafts too
        engine.submit(p, proj.clerk)
    calls = [lambda p=p: engine.withdraw(Project.objects.get(pk=p.pk), proj.clerk) for p in held[:5]]
    calls += [lambda p=p: engine.submit(Project.objects.get(pk=p.pk), proj.clerk) for p in waiting]
    if connection.vendor == "postgresql":
        _ok, refused = race(calls, timeout=120)
    else:
        _ok, refused = in_turn(calls)
    indicator.refresh_from_db()
    assert 0 <= indicator.available <= AMOUNT
    assert ledger.ledger_reserved(indicator.pk) == indicator.reserved
    pending = Project.objects.filter(status=Status.PENDING).count()
    assert indicator.reserved == pending * EACH
    assert {code for _i, code in refused} <= {"over_available"}
