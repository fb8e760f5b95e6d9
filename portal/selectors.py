from django.db.models import Q
from django.urls import reverse

from workflow.engine import FLOWS
from workflow.selectors import awaiting_review, my_open

from .models import Bulletin


def bulletins_for(user):
    """Notices of the user's region and every region above it; a regulator also sees those below."""
    if user.unit is None:
        return Bulletin.objects.none()
    path = user.unit.region_path
    ancestors = ["/" + "/".join(path.strip("/").split("/")[: i + 1]) + "/" for i in range(path.count("/") - 1)]
    q = Q(region_path__in=ancestors)
    if user.is_regulator:
        q |= Q(region_path__startswith=path)
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
