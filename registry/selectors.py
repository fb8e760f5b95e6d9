"""Reads of 主体管理, always scoped through access."""

from django.db.models import QuerySet

from access.scope import scoped, unit_q
from orgs.models import Unit
from workflow.models import Status

from .models import Subordination, UnitRegistration


def visible_units(user) -> QuerySet:
    return Unit.objects.filter(unit_q(user)).select_related("region", "competent")


def member_units(user) -> QuerySet:
    """查看采购单位信息: purchaser units of the user's scope that are 正式库会员."""
    return visible_units(user).filter(kind=Unit.KIND_PURCHASER, is_member=True)


def registrations(user) -> QuerySet:
    return scoped(UnitRegistration.objects.all(), user).select_related("unit", "region", "submitted_by")


def unit_registrations(unit: Unit) -> QuerySet:
    """A unit's registrations, newest first (the caller has the unit in its scope)."""
    return UnitRegistration.objects.filter(unit=unit).order_by("-id")


def subordinations(user) -> QuerySet:
    return scoped(Subordination.objects.all(), user, ("unit", "competent_unit")).select_related(
        "unit", "competent_unit", "unit__region")


def pending_subordinations() -> QuerySet:
    """Requests waiting for their competent unit's confirmation, unscoped: integration matches them against
    the platform's links inside the scope it applies itself."""
    return Subordination.objects.filter(status=Status.PENDING)


def competent_candidates(unit: Unit) -> QuerySet:
    """Units a subordinate may choose as its competent unit: member competent units of its province."""
    province = unit.region_path.split("/")[1]
    return (Unit.objects.filter(kind=Unit.KIND_PURCHASER, is_competent=True, is_member=True,
                                region_path__startswith=f"/{province}/")
            .exclude(pk=unit.pk).exclude(path__startswith=unit.path).order_by("region__code", "name"))
