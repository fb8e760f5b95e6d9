"""Reads of 采购意向公开. Unit-side reads are scoped through the document type (docs.INTENTION); the public ones
return published intentions only."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from joint import selectors as joint_selectors
from projects import selectors as project_selectors
from projects import services as project_services
from workflow.models import Status

from .models import Intention, IntentionLine

PUBLISHED = "publish_done"  # the stage 已发布 (docs.FLOW: Stage "publish")


def live_lines() -> QuerySet:
    """Current lines of intentions that still hold their project: every one except a discarded (放弃) draft's.
    A published intention holds its project for good (FJ 3.2 注①)."""
    return IntentionLine.objects.filter(is_active=True).exclude(
        intention__status=Status.WITHDRAWN, intention__last_action="discard")


def live_intention_of(project_id=None, *, joint_id=None, exclude=None) -> Intention | None:
    """The live intention that holds a project or a 统招分签 (other than `exclude`), if any."""
    lines = live_lines().filter(project_id=project_id) if joint_id is None else live_lines().filter(joint_id=joint_id)
    if exclude is not None:
        lines = lines.exclude(intention_id=exclude.pk)
    line = lines.select_related("intention").first()
    return line.intention if line else None


def eligible_projects(user, *, doc=None) -> QuerySet:
    """【选择采购项目】: approved projects of the clerk's own unit, not revoked, not closed, not 自行采购 and not a
    统招分签 response (the lead publishes for the collected 统招分签), with no live intention (those already in
    `doc` stay choosable for it)."""
    held = live_lines().filter(project__isnull=False)
    if doc is not None:
        held = held.exclude(intention_id=doc.pk)
    forms = project_services.ImplementationForm
    return (project_selectors.projects_for(user, tab=project_selectors.DONE)
            .filter(unit_id=user.unit_id, closed_at__isnull=True)
            .exclude(implementation_form__in=[forms.SELF, forms.JOINT_RESPONSE])
            .exclude(pk__in=held.values("project_id")))


def eligible_joints(user, *, doc=None) -> QuerySet:
    """The lead unit's collected (归集) 统招分签 projects with no live intention."""
    held = live_lines().filter(joint__isnull=False)
    if doc is not None:
        held = held.exclude(intention_id=doc.pk)
    return (joint_selectors.collected_queryset().filter(unit_id=user.unit_id)
            .exclude(pk__in=held.values("joint_id")).order_by("-id"))


def published_at_for_project(project_id=None, *, joint_id=None) -> object | None:
    """When the intention of a project (or of a 统招分签) was published (the agency's 30-day clock, RULES §B);
    None if never."""
    lines = live_lines().filter(project_id=project_id) if joint_id is None else live_lines().filter(joint_id=joint_id)
    line = (lines.filter(intention__stage=PUBLISHED)
            .select_related("intention").order_by("intention__published_at").first())
    return line.intention.published_at if line else None


# ---- the public side (no login) ----------------------------------------------------------------------------


def published_lines() -> QuerySet:
    """One row per project of every published intention, newest publication first."""
    return (IntentionLine.objects.filter(is_active=True, intention__stage=PUBLISHED,
                                         intention__status=Status.APPROVED)
            .select_related("intention", "intention__unit").order_by("-intention__published_at", "-id"))


def search_published(qs: QuerySet, filters: dict) -> QuerySet:
    text = (filters.get("q") or "").strip()
    if text:
        qs = qs.filter(Q(name__contains=text) | Q(intention__unit__name__contains=text))
    return qs


def published_intention(pk) -> Intention:
    """A published intention, or 404 (a draft, a pending or an unpublished one is not there for the public)."""
    doc = (Intention.objects.select_related("unit")
           .filter(pk=pk, stage=PUBLISHED, status=Status.APPROVED).first())
    if doc is None:
        raise Http404("记录不存在")
    return doc


def lines_of(doc) -> QuerySet:
    return doc.lines.filter(is_active=True).order_by("seq")
