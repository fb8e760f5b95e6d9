"""Builders for tests and the scope matrix (like intentions.testing): a filed 分散采购自行组织 plan of a clerk's
unit taken up (受理) through the services, and a draft 采购公告 on it (docs.ANNOUNCEMENT.example)."""

import datetime as dt

from django.utils import timezone

from core import workdays
from orgs.models import Role, User
from orgs.testing import make_user
from workflow import engine

_made = [0]


def approver(doc):
    """Someone who may act at the document's current node (made when the unit has no reviewer)."""
    node = engine.flow_for(doc).node(doc.current_node)
    for user in User.objects.filter(role_assignments__role=node.role).exclude(pk=doc.submitted_by_id).order_by("pk"):
        if engine.can_act_at(user, doc, node):
            return user
    if node.role == Role.REVIEWER:
        _made[0] += 1
        return make_user(f"gg_rev_{doc.unit_id}_{_made[0]}_{timezone.now():%H%M%S%f}", doc.unit, Role.REVIEWER)
    raise AssertionError(f"no approver for {doc} at {node.code}")


def self_organized_procurement(clerk):
    """A filed 分散采购自行组织 询价 plan of the clerk's unit, accepted by the clerk."""
    from plans.demo import example_plan
    from trading import services

    plan = engine.submit(example_plan(clerk), clerk)
    while plan.status == "pending":
        plan = engine.approve(plan, approver(plan), opinion="同意")
    plan = type(plan).objects.get(pk=plan.pk)
    return services.procurement_accept(actor=clerk, plan=plan)


def valid_dates(method: str = "inquiry", start: dt.date | None = None) -> dict:
    """Dates meeting every method's periods, starting on the next working day (generous on purpose)."""
    start = start or workdays.add_working_days(timezone.localdate(), 1)
    end = workdays.add_working_days(start, 6)
    deadline = max(start + dt.timedelta(days=25), end + dt.timedelta(days=1))
    at = timezone.make_aware(dt.datetime.combine(deadline, dt.time(9, 30)))
    return {"docs_start": start, "docs_end": end, "bid_deadline": at, "opening_at": at}


def announcement_data(proc, **over) -> dict:
    data = {"procurement_id": str(proc.pk), "kind": "purchase", "title": "", "content": "采购一批办公设备。",
            "affects_bids": False, "intention_reason": "other", "intention_explanation": "测试：意向未公开。",
            "attachment_ids": [], **valid_dates(proc.procurement_method)}
    data.update(over)
    return data


def example_announcement(clerk):
    """A draft 采购公告 by the clerk of a procurement its unit organises itself."""
    from trading.docs import ANNOUNCEMENT

    proc = self_organized_procurement(clerk)
    return ANNOUNCEMENT.save_doc(clerk, None, announcement_data(proc), None)


def published_intention(clerk, reviewer, project, *, days_ago: int):
    """The project's 采购意向公开, published `days_ago` days ago (the publication time moved back in the row)."""
    from intentions.docs import INTENTION
    from intentions.models import Intention
    from intentions.testing import line_for

    doc = INTENTION.save_doc(clerk, None, {"title": "", **INTENTION.clean_lines({"line": [line_for(project)]})}, None)
    doc = engine.approve(engine.submit(doc, clerk), reviewer, opinion="同意")
    engine.advance(doc, clerk, "publish")
    Intention.objects.filter(pk=doc.pk).update(published_at=timezone.now() - dt.timedelta(days=days_ago))
    return Intention.objects.get(pk=doc.pk)


def entrusted_procurement(tr, method="inquiry", **kw):
    """A plan of 福州市第二中学 entrusted to tr.agency, filed and accepted by the agency."""
    from .support import accepted, filed_plan

    return accepted(tr.agency_user, filed_plan(tr.clerk, tr.reviewer, method=method, entrusted=tr.agency, **kw))


def published(tr, proc, **over):
    """A 采购公告 of `proc` saved by the agency, confirmed by the purchaser's reviewer and published."""
    from trading.docs import ANNOUNCEMENT

    doc = ANNOUNCEMENT.save_doc(tr.agency_user, None, announcement_data(proc, **over), None)
    doc = engine.approve(engine.submit(doc, tr.agency_user), tr.reviewer, opinion="确认")
    return engine.advance(doc, tr.agency_user, "publish")
