"""20 submissions against one indicator with room for exactly 10.

On PostgreSQL the submissions run at the same moment, each on its own connection, while a sampler reads the
indicator and the ledger on a further connection: exactly 10 get through, the available amount is never
negative, and the ledger sum equals the cached reservation. On SQLite (one writer at a time) the same
submissions run one after another and the same totals must hold.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from budgets import ledger
from budgets.models import BudgetIndicator, LedgerEntry
from core.errors import BusinessError
from projects.models import Project
from workflow import engine
from workflow.models import Status

from .support import make_indicator, save

pytestmark = [pytest.mark.pg, pytest.mark.django_db(transaction=True)]

N, EACH, AMOUNT = 20, Decimal("100"), Decimal("1000")


def _submit(project, clerk, ok, refused, errors):
    try:
        engine.submit(Project.objects.get(pk=project.pk), clerk)
        ok.append(project.pk)
    except BusinessError as exc:
        refused.append((project.pk, exc.code))
    except BaseException as exc:  # re-raised in the test thread
        errors.append(exc)


def _race(projects, clerk, indicator):
    start = threading.Barrier(len(projects) + 1)
    ok, refused, errors, samples = [], [], [], []
    done = threading.Event()

    def worker(p):
        try:
            start.wait(timeout=30)
            _submit(p, clerk, ok, refused, errors)
        finally:
            connection.close()

    def sampler():
        try:
            start.wait(timeout=30)
            while not done.is_set():
                ind = BudgetIndicator.objects.get(pk=indicator.pk)
                total = LedgerEntry.objects.filter(indicator=indicator).aggregate(s=Sum("amount"))["s"] or 0
                samples.append((ind.available, AMOUNT - total))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(p,)) for p in projects]
    watch = threading.Thread(target=sampler)
    for t in [*threads, watch]:
        t.start()
    for t in threads:
        t.join(timeout=120)
    done.set()
    watch.join(timeout=30)
    assert not any(t.is_alive() for t in [*threads, watch]), "a thread hung"
    if errors:
        raise errors[0]
    return ok, refused, samples


def test_twenty_submissions_room_for_ten(proj):
    indicator = make_indicator(proj.unit, AMOUNT, pro_name="并发测试指标")
    projects = [save(proj.clerk, indicator=indicator, amount=EACH, name=f"并发项目{i + 1}") for i in range(N)]
    if connection.vendor == "postgresql":
        ok, refused, samples = _race(projects, proj.clerk, indicator)
        assert samples, "the sampler never ran"
        assert all(avail >= 0 and by_ledger >= 0 for avail, by_ledger in samples), min(samples)
    else:  # SQLite: one writer at a time, so the same submissions in sequence
        ok, refused, errors = [], [], []
        for p in projects:
            _submit(p, proj.clerk, ok, refused, errors)
        assert not errors, errors
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
    ok, refused, errors = [], [], []

    def run(call):
        try:
            call()
            ok.append(call)
        except BusinessError as exc:
            refused.append(exc.code)
        except BaseException as exc:
            errors.append(exc)

    if connection.vendor == "postgresql":
        start = threading.Barrier(len(calls))

        def worker(call):
            try:
                start.wait(timeout=30)
                run(call)
            finally:
                connection.close()

        threads = [threading.Thread(target=worker, args=(c,)) for c in calls]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not any(t.is_alive() for t in threads)
    else:
        for call in calls:
            run(call)
    assert not errors, errors
    indicator.refresh_from_db()
    assert 0 <= indicator.available <= AMOUNT
    assert ledger.ledger_reserved(indicator.pk) == indicator.reserved
    pending = Project.objects.filter(status=Status.PENDING).count()
    assert indicator.reserved == pending * EACH
    assert set(refused) <= {"over_available"}
