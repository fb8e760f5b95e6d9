"""budgets.ledger: reservations and releases are append-only ledger rows; `reserved` is their sum and the
available amount never goes below zero, also under concurrent requests (PostgreSQL)."""

from decimal import Decimal

import pytest
from django.db import transaction

from audit.models import AuditLog
from budgets import ledger
from budgets.models import BudgetIndicator, LedgerEntry
from core.errors import BusinessError
from core.testing import in_turn, postgres_only, race

from .factories import IndicatorFactory

D = Decimal
P1 = "projects.project:1"
P2 = "projects.project:2"


def reserve(actor, holder, amounts, reason="立项提交"):
    with transaction.atomic():
        ledger.reserve(actor=actor, holder=holder, amounts=amounts, reason=reason)


def release(actor, holder, amounts=None, reason="退回"):
    with transaction.atomic():
        ledger.release(actor=actor, holder=holder, amounts=amounts, reason=reason)


def fresh(ind) -> BudgetIndicator:
    return BudgetIndicator.objects.get(pk=ind.pk)


def assert_consistent(*inds):
    for ind in inds:
        row = fresh(ind)
        assert ledger.ledger_reserved(row.pk) == row.reserved
        assert row.reserved >= 0


@pytest.fixture
def clerk(world):
    return world.dept_clerk


@pytest.fixture
def ind(world):
    return IndicatorFactory(unit=world.dept, amount="1000.00")


# ---- reserve -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_reserve_writes_a_ledger_row_moves_the_cache_and_audits(clerk, ind):
    reserve(clerk, P1, {ind.pk: D("300.50")})
    row = fresh(ind)
    assert row.reserved == D("300.50") and row.available == D("699.50")
    entry = LedgerEntry.objects.get()
    assert (entry.indicator_id, entry.holder, entry.kind, entry.amount, entry.actor) == (
        ind.pk, P1, "reserve", D("300.50"), clerk)
    log = AuditLog.objects.filter(action="indicator.reserve").get()
    assert log.object_key == f"budgets.budgetindicator:{ind.pk}"
    assert log.before == {"reserved": "0.00"} and log.after["reserved"] == "300.50" and log.after["holder"] == P1
    assert ledger.held(P1) == {ind.pk: D("300.50")}
    assert_consistent(ind)


@pytest.mark.django_db
def test_reserve_up_to_exactly_the_available_amount(clerk, ind):
    reserve(clerk, P1, {ind.pk: D("600")})
    reserve(clerk, P2, {ind.pk: D("400")})
    assert fresh(ind).available == 0
    with pytest.raises(BusinessError) as exc:
        reserve(clerk, P2, {ind.pk: D("0.01")})
    assert exc.value.code == "over_available"
    assert "可用金额 0.00 元" in exc.value.message
    assert_consistent(ind)


@pytest.mark.django_db
def test_reserve_over_available_is_refused_and_writes_nothing(clerk, ind, world):
    other = IndicatorFactory(unit=world.dept, amount="5000.00")
    reserve(clerk, P1, {ind.pk: D("900")})
    before_rows, before_audit = LedgerEntry.objects.count(), AuditLog.objects.count()
    with pytest.raises(BusinessError) as exc:  # all or nothing across indicators
        reserve(clerk, P2, {other.pk: D("2000"), ind.pk: D("100.01")})
    assert exc.value.code == "over_available"
    assert "可用金额 100.00 元，不足本次使用的 100.01 元" in exc.value.message
    assert LedgerEntry.objects.count() == before_rows and AuditLog.objects.count() == before_audit
    assert fresh(other).reserved == 0 and fresh(ind).reserved == D("900")
    assert ledger.held(P2) == {}


@pytest.mark.django_db
@pytest.mark.parametrize("flags", [{"is_valid": False}, {"is_executable": False}])
def test_invalid_or_not_executable_indicator_is_refused(clerk, world, flags):
    bad = IndicatorFactory(unit=world.dept, amount="1000.00", **flags)
    with pytest.raises(BusinessError) as exc:
        reserve(clerk, P1, {bad.pk: D("1")})
    assert exc.value.code == "indicator_unusable"
    assert "已失效或不可执行" in exc.value.message
    assert not LedgerEntry.objects.exists()


@pytest.mark.django_db
def test_missing_indicator_is_refused(clerk, ind):
    with pytest.raises(BusinessError) as exc:
        reserve(clerk, P1, {ind.pk: D("1"), ind.pk + 999: D("1")})
    assert exc.value.code == "indicator_missing"
    assert not LedgerEntry.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("amount", [D("0"), D("-5")])
def test_reserve_amount_must_be_positive(clerk, ind, amount):
    with pytest.raises(BusinessError) as exc:
        reserve(clerk, P1, {ind.pk: amount})
    assert exc.value.code == "bad_amount"
    assert fresh(ind).reserved == 0


@pytest.mark.django_db(transaction=True)
def test_reserve_refuses_to_run_outside_a_transaction(world):
    ind = IndicatorFactory(unit=world.dept)
    with pytest.raises(RuntimeError):
        ledger.reserve(actor=world.dept_clerk, holder=P1, amounts={ind.pk: D("1")}, reason="x")
    assert not LedgerEntry.objects.exists()


@pytest.mark.django_db
def test_a_platform_decrease_below_reservations_refuses_new_money_but_not_releases(clerk, ind):
    reserve(clerk, P1, {ind.pk: D("800")})
    BudgetIndicator.objects.filter(pk=ind.pk).update(amount=D("500"))  # what the feed does (调减)
    assert fresh(ind).available == D("-300")
    with pytest.raises(BusinessError):
        reserve(clerk, P2, {ind.pk: D("1")})
    release(clerk, P1, {ind.pk: D("300")})
    assert fresh(ind).available == 0
    assert_consistent(ind)


# ---- release -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_release_part_then_all(clerk, ind, world):
    other = IndicatorFactory(unit=world.dept, amount="1000.00")
    reserve(clerk, P1, {ind.pk: D("400"), other.pk: D("250")})
    release(clerk, P1, {ind.pk: D("100")}, reason="资金回收")
    assert ledger.held(P1) == {ind.pk: D("300"), other.pk: D("250")}
    release(clerk, P1, reason="撤销")  # everything still held
    assert ledger.held(P1) == {}
    assert fresh(ind).reserved == 0 and fresh(other).reserved == 0
    kinds = list(LedgerEntry.objects.filter(indicator=ind).values_list("kind", "amount"))
    assert kinds == [("reserve", D("400")), ("release", D("-100")), ("release", D("-300"))]
    assert_consistent(ind, other)


@pytest.mark.django_db
def test_release_with_nothing_held_is_a_no_op(clerk, ind):
    release(clerk, P1)
    assert not LedgerEntry.objects.exists()


@pytest.mark.django_db
def test_releasing_more_than_held_is_refused(clerk, ind):
    reserve(clerk, P1, {ind.pk: D("100")})
    reserve(clerk, P2, {ind.pk: D("500")})
    with pytest.raises(BusinessError) as exc:
        release(clerk, P1, {ind.pk: D("100.01")})
    assert exc.value.code == "over_held"
    assert "本单据占用 100.00 元，不能释放 100.01 元" in exc.value.message
    assert ledger.held(P1) == {ind.pk: D("100")}
    assert_consistent(ind)


@pytest.mark.django_db
def test_a_document_cannot_release_money_it_does_not_hold(clerk, ind):
    reserve(clerk, P2, {ind.pk: D("500")})
    with pytest.raises(BusinessError) as exc:
        release(clerk, P1, {ind.pk: D("10")})
    assert exc.value.code == "over_held"
    assert fresh(ind).reserved == D("500")


@pytest.mark.django_db
@pytest.mark.parametrize("amount", [D("0"), D("-1")])
def test_release_amount_must_be_positive(clerk, ind, amount):
    reserve(clerk, P1, {ind.pk: D("100")})
    with pytest.raises(BusinessError) as exc:
        release(clerk, P1, {ind.pk: amount})
    assert exc.value.code == "bad_amount"
    assert fresh(ind).reserved == D("100")


@pytest.mark.django_db
def test_releasing_from_a_missing_indicator_is_a_business_refusal(clerk, ind):
    with pytest.raises(BusinessError):
        release(clerk, P1, {ind.pk + 999: D("1")})


@pytest.mark.django_db(transaction=True)
def test_release_refuses_to_run_outside_a_transaction(world):
    ind = IndicatorFactory(unit=world.dept)
    reserve(world.dept_clerk, P1, {ind.pk: D("5")})
    with pytest.raises(RuntimeError):
        ledger.release(actor=world.dept_clerk, holder=P1, reason="x")


# ---- append-only ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_ledger_rows_are_append_only(clerk, ind):
    reserve(clerk, P1, {ind.pk: D("100")})
    entry = LedgerEntry.objects.get()
    entry.amount = D("1")
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()
    assert LedgerEntry.objects.get().amount == D("100")


@pytest.mark.django_db
def test_ledger_sum_equals_reserved_after_a_mixed_history(clerk, world):
    a = IndicatorFactory(unit=world.dept, amount="10000.00")
    b = IndicatorFactory(unit=world.sub1, amount="2000.00")
    for i in range(1, 8):
        reserve(clerk, f"projects.project:{i}", {a.pk: D(i * 100), b.pk: D(i * 10)})
    for i in (2, 5):
        release(clerk, f"projects.project:{i}")
    release(clerk, "projects.project:7", {a.pk: D("350")})
    with pytest.raises(BusinessError):
        reserve(clerk, "projects.project:9", {a.pk: D("99999")})
    assert fresh(a).reserved == D(sum(i * 100 for i in (1, 3, 4, 6, 7)) - 350)
    assert fresh(b).reserved == D(sum(i * 10 for i in (1, 3, 4, 6, 7)))
    assert_consistent(a, b)


# ---- concurrency -------------------------------------------------------------------------------------


def _reservations(actor, ind, n, amount, first_holder):
    """n reservations by n documents (holders first_holder, first_holder + 1 …), each in its own transaction."""
    return [lambda i=i: reserve(actor, f"projects.project:{first_holder + i}", {ind.pk: amount}) for i in range(n)]


@pytest.mark.django_db(transaction=True)
def test_twenty_sequential_reservations_of_100_on_1000_exactly_ten_succeed(world):
    """The sequential variant of the PostgreSQL race below: runs on every database, SQLite included."""
    ind = IndicatorFactory(unit=world.dept, amount="1000.00")
    ok, refused = in_turn(_reservations(world.dept_clerk, ind, 20, D("100"), 1000))
    assert len(ok) == 10 and len(refused) == 10
    assert {code for _i, code in refused} == {"over_available"}
    row = fresh(ind)
    assert row.reserved == D("1000") and row.available == 0
    assert LedgerEntry.objects.filter(indicator=ind).count() == 10
    assert_consistent(ind)


@pytest.mark.pg
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_reservations_of_100_on_1000_exactly_ten_succeed(world):
    postgres_only()
    ind = IndicatorFactory(unit=world.dept, amount="1000.00")
    seen_available: list[Decimal] = []

    def watch():  # reads committed state while the workers race
        seen_available.append(BudgetIndicator.objects.get(pk=ind.pk).available)

    ok, refused = race(_reservations(world.dept_clerk, ind, 20, D("100"), 100), timeout=120, sample=watch)
    assert sorted(ok + [i for i, _code in refused]) == list(range(20))
    assert len(ok) == 10
    assert [code for _i, code in refused] == ["over_available"] * 10
    row = fresh(ind)
    assert row.reserved == D("1000") and row.available == 0
    assert seen_available and min(seen_available) >= 0
    assert LedgerEntry.objects.filter(indicator=ind, kind="reserve").count() == 10
    assert ledger.ledger_reserved(ind.pk) == row.reserved
    assert len({h for h in LedgerEntry.objects.filter(indicator=ind).values_list("holder", flat=True)}) == 10


@pytest.mark.pg
@pytest.mark.django_db(transaction=True)
def test_concurrent_reservations_on_two_indicators_in_opposite_order_do_not_deadlock(world):
    postgres_only()
    a = IndicatorFactory(unit=world.dept, amount="100000.00")
    b = IndicatorFactory(unit=world.dept, amount="100000.00")
    actor = world.dept_clerk

    def attempt(i):
        for k in range(10):
            first, second = (a, b) if i % 2 else (b, a)
            amounts = {first.pk: D("10"), second.pk: D("20")}  # dict order differs between threads
            reserve(actor, f"projects.project:{i * 100 + k}", amounts)

    ok, refused = race([lambda i=i: attempt(i) for i in range(8)], timeout=120)
    assert sorted(ok) == list(range(8)) and refused == []
    assert fresh(a).reserved + fresh(b).reserved == D("80") * 30
    assert_consistent(a, b)


@pytest.mark.pg
@pytest.mark.django_db(transaction=True)
def test_concurrent_releases_of_one_document_release_its_money_once(world):
    postgres_only()
    ind = IndicatorFactory(unit=world.dept, amount="10000.00")
    actor = world.dept_clerk
    reserve(actor, P1, {ind.pk: D("100")})
    reserve(actor, P2, {ind.pk: D("5000")})  # another document's money keeps `reserved` above zero
    ok, _refused = race([lambda: release(actor, P1, {ind.pk: D("100")})] * 6, timeout=120)
    assert ledger.held(P1) == {}  # never negative
    assert fresh(ind).reserved == D("5000")
    assert len(ok) == 1
