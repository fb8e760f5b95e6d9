"""The 待处理 / 已办结 inbox, across every declared flow, read from the engine's work items (workflow.inbox)."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet

from access.scope import scoped

from . import inbox
from .engine import FLOWS, Flow
from .models import ReviewRecord, Status, WorkItem


def awaiting_review(user, flow: Flow) -> QuerySet:
    """Documents pending at a node this user may act on (never their own submissions)."""
    ids = inbox.items_for(user, mine=False).filter(doc_type=flow.doc_type).values("object_id")
    return flow.model.objects.filter(pk__in=ids)


def my_open(user, flow: Flow) -> QuerySet:
    """My unit's documents still with me: being edited, returned, withdrawn, or submitted and withdrawable
    (not the approved ones waiting in a stage: those are `inbox.items_for(user, review=False)` too)."""
    ids = (inbox.items_for(user, review=False).filter(doc_type=flow.doc_type, kind=WorkItem.OPEN)
           .values("object_id"))
    return flow.model.objects.filter(pk__in=ids)


@dataclass
class InboxRow:
    flow: Flow
    to_review: int
    mine: int


def inbox_counts(user) -> list[InboxRow]:
    """Per flow, in declaration order: one grouped query over the work items, whatever the number of flows."""
    counts: dict[str, dict[str, int]] = {}
    for row in inbox.items_for(user).values("doc_type", "kind").annotate(n=Count("id")).order_by():
        counts.setdefault(row["doc_type"], {})[row["kind"]] = row["n"]
    rows = []
    for flow in FLOWS.values():
        c = counts.get(flow.doc_type, {})
        if c:
            # 待我处理: still with the clerks, or waiting in a stage (待发布 …) for them
            rows.append(InboxRow(flow, c.get(WorkItem.REVIEW, 0), c.get(WorkItem.OPEN, 0) + c.get(WorkItem.STAGE, 0)))
    return rows


def work_items(user, *, before: tuple[datetime, int] | None = None, limit: int = 20) -> list[WorkItem]:
    """The user's 待处理 rows of every flow, newest first; `before` = (since, id) of the last row shown
    (keyset paging: a deep page costs what the first does)."""
    qs = inbox.items_for(user)
    if before is not None:
        since, pk = before
        qs = qs.filter(Q(since__lt=since) | Q(since=since, id__lt=pk))
    return list(qs.order_by("-since", "-id")[:limit])


def done_by(user, flow: Flow) -> QuerySet:
    """已办结 for a user: finished documents that the user acted on (the 流程记录 names them), in scope.
    A withdrawn or discarded one never finished; a revoked one (撤销 approved) is 已撤销, not 已办结."""
    if not user.is_authenticated:
        return flow.model.objects.none()
    acted = ReviewRecord.objects.filter(actor=user, content_type=ContentType.objects.get_for_model(flow.model))
    qs = flow.model.objects.filter(status=Status.APPROVED, pk__in=acted.values("object_id"))
    if any(f.name == "revoked_at" for f in flow.model._meta.get_fields()):
        qs = qs.filter(revoked_at__isnull=True)
    return scoped(qs, user)
