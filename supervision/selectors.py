"""Reads of 监督预警, always scoped: a regulator sees its region's, a unit its own."""

from django.db.models import QuerySet

from access.scope import scoped

from .models import Warning


def warnings(user, *, kind: str | None = None) -> QuerySet:
    qs = Warning.objects.select_related("unit")
    if kind:
        qs = qs.filter(kind=kind)
    return scoped(qs, user)


def warnings_of(target: str) -> QuerySet:
    """The warnings raised on one document (its key, e.g. "plans.plan:12"), newest first."""
    return Warning.objects.filter(target=target).order_by("-created_at", "-id")
