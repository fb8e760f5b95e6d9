"""Writes of 合同. For now only the historical filed contracts (demo, migration of old data); the contracts
issue brings entry, review, 发布 and 备案."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from audit import services as audit

from .models import Contract


@transaction.atomic
def contract_record_filed(*, unit, number: str, name: str, supplier: str, amount: Decimal, signed_on: dt.date,
                          filed_at=None, multi_year: bool = False, procurement_kind: str = "services",
                          actor=None) -> Contract:
    """Record a contract filed before the system (idempotent by number)."""
    contract, created = Contract.objects.get_or_create(number=number, defaults={
        "unit": unit, "name": name, "supplier": supplier, "amount": amount, "signed_on": signed_on,
        "filed_at": filed_at or timezone.now(), "multi_year": multi_year, "procurement_kind": procurement_kind})
    if created:
        audit.record(actor=actor, action="contract.record_filed", obj=contract, after=audit.snapshot(contract))
    return contract
