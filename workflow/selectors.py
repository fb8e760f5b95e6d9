"""The 待处理 / 已办结 inbox, across every declared flow."""

from dataclasses import dataclass

from django.db.models import QuerySet

from access.scope import scoped

from .engine import FLOWS, OWN_UNIT, REGULATOR, Flow
from .models import EDITABLE, Status


def awaiting_review(user, flow: Flow) -> QuerySet:
    """Documents pending at a node this user may act on (never their own submissions)."""
    qs = flow.model.objects.none()
    if not user.is_authenticated or user.unit_id is None:
        return qs
    for node in flow.nodes:
        if not user.has_role(node.role):
            continue
        base = flow.model.objects.filter(status=Status.PENDING, current_node=node.code)
        if node.where == OWN_UNIT:
            part = base.filter(**{f"{node.unit_field}_id": user.unit_id})
        elif node.where == REGULATOR:
            from orgs.selectors import regions_reviewed_by

            part = base.filter(**{f"{node.unit_field}__region__in": regions_reviewed_by(user)})
        else:
            continue
        qs = qs | part
    return qs.exclude(submitted_by=user)


def my_open(user, flow: Flow) -> QuerySet:
    """My unit's documents still with me: being edited, returned, withdrawn, or submitted and withdrawable."""
    if not user.is_authenticated or not user.has_role(flow.submit_role) or user.unit_id is None:
        return flow.model.objects.none()
    base = flow.model.objects.filter(unit_id=user.unit_id)
    editable = base.filter(status__in=EDITABLE).exclude(last_action="discard")  # 放弃 closes it for good
    return editable | base.filter(status=Status.PENDING, submitted_by=user, last_action="submit")


@dataclass
class InboxRow:
    flow: Flow
    to_review: int
    mine: int


def inbox_counts(user) -> list[InboxRow]:
    rows = []
    for flow in FLOWS.values():
        to_review = awaiting_review(user, flow).count()
        mine = my_open(user, flow).count()
        if to_review or mine:
            rows.append(InboxRow(flow, to_review, mine))
    return rows


def done_by(user, flow: Flow) -> QuerySet:
    """已办结 for a user: finished documents in scope."""
    return scoped(flow.model.objects.filter(status=Status.APPROVED), user)
