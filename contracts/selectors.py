"""Reads of 合同, always scoped (own unit; the competent unit's tree; a regulator's region)."""

from django.db.models import QuerySet

from access.scope import get_or_404, scoped

from .models import Contract


def visible(user) -> QuerySet:
    return scoped(Contract.objects.select_related("unit"), user)


def get_contract(user, pk) -> Contract:
    return get_or_404(Contract.objects.select_related("unit"), user, pk=pk)


def filed_for_unit(unit_id: int) -> QuerySet:
    """The filed contracts of one unit: what a 合同续签 plan may name as its original contract."""
    return Contract.objects.filter(unit_id=unit_id, filed_at__isnull=False)


def filed_of_unit(unit_id: int, pk) -> Contract | None:
    return filed_for_unit(unit_id).filter(pk=pk).first()
