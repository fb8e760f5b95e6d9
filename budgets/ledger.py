"""The reservation ledger: the only way money is taken from or given back to an indicator.

Every call locks the indicator rows (in id order, so two documents never deadlock), checks, writes one
append-only ledger row per indicator and moves the cached `reserved` under the same lock. Callers run
inside their business transaction.
"""

from decimal import Decimal

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Sum

from audit import services as audit
from core.errors import BusinessError

from .models import BudgetIndicator, LedgerEntry

# model labels ("projects.project") of the documents that may hold money, from each app's
# AppConfig.ledger_holders (filled by BudgetsConfig.ready)
HOLDERS: set[str] = set()


def declare_holders(labels) -> None:
    for label in labels:
        HOLDERS.add(apps.get_model(label)._meta.label_lower)  # a misspelt model fails at start-up


def _check_holder(holder: str) -> None:
    if holder.partition(":")[0] not in HOLDERS:
        raise ImproperlyConfigured(f"{holder!r} is not a declared ledger holder (AppConfig.ledger_holders)")


def holder_key(doc) -> str:
    key = f"{doc._meta.label_lower}:{doc.pk}"
    _check_holder(key)
    return key


def _locked(indicator_ids) -> dict[int, BudgetIndicator]:
    ids = sorted(set(indicator_ids))
    rows = BudgetIndicator.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return {row.pk: row for row in rows}


def held(holder: str, indicator_id: int | None = None) -> dict[int, Decimal]:
    """What `holder` currently has reserved, per indicator."""
    qs = LedgerEntry.objects.filter(holder=holder)
    if indicator_id is not None:
        qs = qs.filter(indicator_id=indicator_id)
    return {row["indicator_id"]: row["total"] for row in qs.values("indicator_id").annotate(total=Sum("amount"))
            if row["total"]}


def reserve(*, actor, holder: str, amounts: dict[int, Decimal], reason: str) -> None:
    """Reserve money on several indicators at once, all or nothing."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ledger writes run inside the business transaction")
    _check_holder(holder)
    rows = _locked(amounts)
    for indicator_id, amount in amounts.items():
        amount = Decimal(amount)
        ind = rows.get(indicator_id)
        if ind is None:
            raise BusinessError("指标不存在。", code="indicator_missing")
        if amount <= 0:
            raise BusinessError(f"指标「{ind}」的使用金额必须大于0。", code="bad_amount")
        if not ind.usable:
            raise BusinessError(f"指标「{ind}」已失效或不可执行，不能使用。", code="indicator_unusable")
        if amount > ind.available:
            raise BusinessError(f"指标「{ind}」可用金额 {ind.available:,.2f} 元，不足本次使用的 {amount:,.2f} 元。",
                                code="over_available")
    for indicator_id, amount in amounts.items():
        _move(rows[indicator_id], Decimal(amount), holder, "reserve", reason, actor)


def release(*, actor, holder: str, amounts: dict[int, Decimal] | None = None, reason: str) -> None:
    """Give back what `holder` holds (all of it when `amounts` is None)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ledger writes run inside the business transaction")
    _check_holder(holder)
    ids = list(amounts) if amounts is not None else list(held(holder))
    rows = _locked(ids)
    holding = held(holder)  # read under the lock: two releases of one holding never both pass
    if amounts is None:
        amounts = {k: v for k, v in holding.items() if k in rows}
    for indicator_id in amounts:
        if indicator_id not in rows:
            raise BusinessError("指标不存在。", code="indicator_missing")
    for indicator_id, amount in amounts.items():
        amount = Decimal(amount)
        if amount <= 0:
            raise BusinessError("释放金额必须大于0。", code="bad_amount")
        if amount > holding.get(indicator_id, Decimal("0")):
            raise BusinessError(f"指标「{rows[indicator_id]}」上本单据占用 {holding.get(indicator_id, 0):,.2f} 元，"
                                f"不能释放 {amount:,.2f} 元。", code="over_held")
    for indicator_id, amount in amounts.items():
        _move(rows[indicator_id], -Decimal(amount), holder, "release", reason, actor)


def _move(ind: BudgetIndicator, amount: Decimal, holder: str, kind: str, reason: str, actor) -> None:
    before = {"reserved": ind.reserved}
    LedgerEntry.objects.create(indicator=ind, holder=holder, kind=kind, amount=amount, reason=reason, actor=actor)
    ind.reserved += amount
    if ind.reserved < 0:
        raise BusinessError("指标占用金额不能为负。", code="ledger_negative")
    ind.save(update_fields=["reserved", "updated_at"])
    audit.record(actor=actor, action=f"indicator.{kind}", obj=ind, before=before,
                 after={"reserved": ind.reserved, "holder": holder, "amount": amount, "reason": reason})


def ledger_reserved(indicator_id: int) -> Decimal:
    """The ledger's own sum for an indicator (the cache must equal it)."""
    return LedgerEntry.objects.filter(indicator_id=indicator_id).aggregate(s=Sum("amount"))["s"] or Decimal("0")
