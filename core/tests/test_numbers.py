import pytest
from django.db import connection, transaction

from core.models import DocumentCounter
from core.numbers import format_number, issue, next_number
from core.testing import postgres_only, race


def _next(doc_type="project", region_code="350100", year=2026) -> int:
    with transaction.atomic():
        return next_number(doc_type, region_code, year)


@pytest.mark.django_db
def test_numbers_are_sequential_from_one():
    assert [_next() for _ in range(12)] == list(range(1, 13))
    assert DocumentCounter.objects.get(doc_type="project", region_code="350100", year=2026).last == 12


@pytest.mark.django_db
def test_counters_are_separate_per_type_region_and_year():
    assert [_next() for _ in range(3)] == [1, 2, 3]
    assert _next(region_code="350200") == 1
    assert _next(year=2027) == 1
    assert _next(doc_type="registration") == 1
    assert _next() == 4
    assert DocumentCounter.objects.count() == 4


def test_format():
    assert format_number("project", "350100", 2026, 123) == "ZC-350100-2026-000123"
    assert format_number("registration", "360000", 2025, 7) == "DJ-360000-2025-000007"
    assert format_number("contract", "350000", 2026, 1) == "CO-350000-2026-000001"  # unknown type: 2 letters


@pytest.mark.django_db
def test_issue_returns_formatted_consecutive_numbers():
    with transaction.atomic():
        first = issue("project", "350100", 2026)
        second = issue("project", "350100", 2026)
    assert (first, second) == ("ZC-350100-2026-000001", "ZC-350100-2026-000002")


@pytest.mark.django_db
def test_rolled_back_transaction_does_not_consume_a_number():
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        assert next_number("project", "350100", 2026) == 1  # the very first call also creates the counter
        raise Boom
    assert _next() == 1
    with pytest.raises(Boom), transaction.atomic():
        assert next_number("project", "350100", 2026) == 2
        raise Boom
    assert _next() == 2
    assert _next() == 3


@pytest.mark.django_db(transaction=True)
def test_next_number_refuses_to_run_outside_a_transaction():
    assert not connection.in_atomic_block
    with pytest.raises(RuntimeError):
        next_number("project", "350100", 2026)
    assert not DocumentCounter.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_separate_committed_transactions_are_gap_free():
    """The sequential variant of the concurrency test: runs on every database, SQLite included."""
    numbers = [_next() for _ in range(50)]
    assert numbers == list(range(1, 51))
    assert DocumentCounter.objects.get().last == 50


@pytest.mark.pg
@pytest.mark.django_db(transaction=True)
def test_concurrent_numbers_are_gap_free_on_postgresql():
    postgres_only()
    threads_n, per_thread = 8, 50
    results: list[list[int]] = [[] for _ in range(threads_n)]

    def worker(i):
        for _ in range(per_thread):
            with transaction.atomic():
                results[i].append(next_number("project", "350100", 2026))

    ok, refused = race([lambda i=i: worker(i) for i in range(threads_n)], timeout=120)
    assert sorted(ok) == list(range(threads_n)) and refused == []
    issued = [n for r in results for n in r]
    assert len(issued) == threads_n * per_thread
    assert sorted(issued) == list(range(1, threads_n * per_thread + 1))
    assert all(r == sorted(r) for r in results)  # each connection sees its own numbers increase
    assert DocumentCounter.objects.get(doc_type="project", region_code="350100", year=2026).last == 400
