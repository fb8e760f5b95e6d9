from django.urls import reverse

from access import scope
from workflow.engine import FLOWS
from workflow.selectors import awaiting_review, my_open

from .models import Bulletin


def bulletins_for(user):
    """Notices of the user's region and every region above it; a regulator also sees those below. Notices are
    addressed to regions, so the administrator has no wider view here."""
    if user.unit is None:
        return Bulletin.objects.none()
    q = scope.region_q(user, Bulletin, unit_field=None, region_field="region_path", above=True)
    return Bulletin.objects.filter(q).select_related("published_by")


def todo_items(user, limit: int = 15):
    items = []
    for flow in FLOWS.values():
        for doc in awaiting_review(user, flow).select_related("unit").order_by("-updated_at")[:limit]:
            items.append({"label": flow.label, "doc": doc, "verb": "审核",
                          "url": reverse(flow.url_name, args=[doc.pk])})
        for doc in my_open(user, flow).select_related("unit").order_by("-updated_at")[:limit]:
            verb = "撤回" if doc.status == "pending" else "处理"
            items.append({"label": flow.label, "doc": doc, "verb": verb,
                          "url": reverse(flow.url_name, args=[doc.pk])})
    items.sort(key=lambda i: i["doc"].updated_at, reverse=True)
    return items[:limit]
