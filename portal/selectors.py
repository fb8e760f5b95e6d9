from dataclasses import dataclass
from functools import cached_property

from django.urls import reverse

from access import scope
from workflow.engine import FLOWS
from workflow.models import WorkItem
from workflow.selectors import work_items

from .models import Bulletin


def bulletins_for(user):
    """Notices of the user's region and every region above it; a regulator also sees those below. Notices are
    addressed to regions, so the administrator has no wider view here."""
    if user.unit is None:
        return Bulletin.objects.none()
    q = scope.region_q(user, Bulletin, unit_field=None, region_field="region_path", above=True)
    return Bulletin.objects.filter(q).select_related("published_by")


@dataclass
class TodoItem:
    """A 待处理事项 row of 工作台, shown from its work item alone; `doc` loads the document only when asked."""

    label: str
    verb: str
    url: str
    work: WorkItem

    def __getitem__(self, key):   # read like the dict it used to be: item["doc"]
        return getattr(self, key)

    number = property(lambda self: self.work.number)
    unit_name = property(lambda self: self.work.unit_name)
    status_text = property(lambda self: self.work.status_text)
    since = property(lambda self: self.work.since)

    @cached_property
    def doc(self):
        return FLOWS[self.work.doc_type].model.objects.get(pk=self.work.object_id)


def todo_items(user, limit: int = 15) -> list[TodoItem]:
    """The newest of what waits for the user, every flow together: one query."""
    items = []
    for w in work_items(user, limit=limit):
        flow = FLOWS.get(w.doc_type)
        if flow is None:
            continue
        if w.kind == WorkItem.STAGE:
            verb = w.node_label   # the stage's action: 发布, 备案 …
        else:
            verb = "审核" if w.kind == WorkItem.REVIEW else ("撤回" if w.user_id else "处理")
        items.append(TodoItem(flow.label, verb, reverse(flow.url_name, args=[w.object_id]), w))
    return items
