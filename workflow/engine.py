"""The approval engine: one implementation of 保存 → 提交 → 撤回 / 审核通过 / 审核不通过 for every document.

A flow is declared per document type (`register`): who submits, its review nodes in order (each with a
role, where that role sits relative to the document, and an optional condition), and the effect applied on
final approval. Every transition locks the row, checks state and right, writes exactly one review record
and one audit row, in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from audit import services as audit
from core.errors import BusinessError, NotAllowed, StaleError

from .models import EDITABLE, Action, Reviewable, ReviewRecord, Status

# where the acting role sits, relative to the document
OWN_UNIT = "own_unit"          # staff of the unit named by `unit_field`
REGULATOR = "regulator"        # the regulator responsible for the document unit's region


@dataclass(frozen=True)
class Node:
    code: str
    label: str
    role: str
    where: str = OWN_UNIT
    unit_field: str = "unit"
    condition: Callable[[Reviewable], bool] | None = None
    # raises BusinessError when the document may not pass this node (e.g. a code mismatch)
    check: Callable[[Reviewable], None] | None = None

    def applies(self, doc) -> bool:
        return self.condition is None or bool(self.condition(doc))


@dataclass(frozen=True)
class Flow:
    doc_type: str
    label: str
    model: type
    nodes: tuple[Node, ...]
    submit_role: str = "clerk"
    submit_label: str = "经办"
    on_approve: Callable | None = None
    # run inside the transition: on_submit when it enters review (e.g. reserve money); on_return when it
    # leaves review back to the clerk, by 撤回 or by 审核不通过 at the first node (e.g. release the money)
    on_submit: Callable | None = None
    on_return: Callable | None = None
    url_name: str = ""
    extra: dict = field(default_factory=dict)

    def applicable(self, doc) -> list[Node]:
        return [n for n in self.nodes if n.applies(doc)]

    def node(self, code: str) -> Node:
        for n in self.nodes:
            if n.code == code:
                return n
        raise KeyError(code)


FLOWS: dict[str, Flow] = {}


def register(flow: Flow) -> Flow:
    FLOWS[flow.doc_type] = flow
    return flow


def flow_for(doc) -> Flow:
    return FLOWS[type(doc).doc_type]


# ---- who may act -------------------------------------------------------------------------------------


def can_act_at(user, doc, node: Node) -> bool:
    if not user.is_authenticated or user.unit_id is None or not user.has_role(node.role):
        return False
    if node.where == OWN_UNIT:
        return getattr(doc, f"{node.unit_field}_id") == user.unit_id
    if node.where == REGULATOR:
        from orgs.selectors import responsible_regulator_region

        if not user.is_regulator:
            return False
        region = responsible_regulator_region(getattr(doc, node.unit_field))
        return region is not None and user.unit.region_id == region.pk
    return False


def can_submit(user, doc) -> bool:
    flow = flow_for(doc)
    return (user.is_authenticated and user.has_role(flow.submit_role) and user.unit_id == doc.unit_id)


def available_actions(user, doc) -> set[str]:
    """The engine actions this user may take now: the templates show exactly these buttons."""
    actions: set[str] = set()
    if doc.is_editable and can_submit(user, doc):
        actions |= {"edit", "submit"}
    if doc.status == Status.PENDING:
        if doc.submitted_by_id == user.pk and doc.last_action == Action.SUBMIT:
            actions.add("withdraw")
        node = flow_for(doc).node(doc.current_node)
        if doc.submitted_by_id != user.pk and can_act_at(user, doc, node):
            actions |= {"approve", "reject"}
    return actions


# ---- transitions -----------------------------------------------------------------------------------


def _lock(doc, version: int | None):
    locked = type(doc).objects.select_for_update().get(pk=doc.pk)
    if version is not None and locked.version != int(version):
        raise StaleError()
    return locked


def _record(doc, actor, action, node: Node | None, opinion="", before=None):
    flow = flow_for(doc)
    ReviewRecord.objects.create(
        content_type=ContentType.objects.get_for_model(type(doc)), object_id=doc.pk, doc_type=flow.doc_type,
        node=node.code if node else flow.submit_role, node_label=node.label if node else flow.submit_label,
        action=action, actor=actor, actor_unit_id=actor.unit_id, opinion=opinion,
        from_status=(before or {}).get("status", ""), to_status=doc.status, to_node=doc.current_node,
    )


STATE_FIELDS = ["status", "current_node", "last_action", "version", "submitted_by_id", "submitted_at", "approved_at"]


def _transition(doc, actor, action: str, node: Node | None, opinion: str, change: Callable):
    before = audit.snapshot(doc, STATE_FIELDS)
    change()
    doc.last_action = action
    doc.version += 1
    doc.save()
    _record(doc, actor, action, node, opinion, before)
    audit.record(actor=actor, action=f"{flow_for(doc).doc_type}.{action}", obj=doc, before=before,
                 after=audit.snapshot(doc, STATE_FIELDS))
    return doc


def saved(doc, actor, *, before: dict | None = None, fields: list[str] | None = None):
    """Record a 保存 by a domain service (which wrote the fields itself, inside its transaction)."""
    if doc.status not in EDITABLE:
        raise BusinessError("单据已提交，不能修改。", code="not_editable")
    audit.record(actor=actor, action=f"{flow_for(doc).doc_type}.save", obj=doc, before=before or {},
                 after=audit.snapshot(doc, fields) if fields else audit.snapshot(doc))
    _record(doc, actor, Action.SAVE, None, "", {"status": doc.status})


@transaction.atomic
def submit(doc, actor, version: int | None = None):
    doc = _lock(doc, version)
    if not doc.is_editable:
        raise BusinessError("只有编辑中的单据可以提交。", code="bad_state")
    if not can_submit(actor, doc):
        raise NotAllowed("只有本单位经办岗可以提交此单据。")
    nodes = flow_for(doc).applicable(doc)
    if not nodes:
        raise BusinessError("流程未配置审核节点。", code="flow_misconfigured")

    def change():
        doc.status = Status.PENDING
        doc.current_node = nodes[0].code
        doc.submitted_by = actor
        doc.submitted_at = timezone.now()

    _transition(doc, actor, Action.SUBMIT, None, "", change)
    if flow_for(doc).on_submit:
        flow_for(doc).on_submit(doc, actor)
    return doc


@transaction.atomic
def withdraw(doc, actor, version: int | None = None):
    doc = _lock(doc, version)
    if doc.status != Status.PENDING:
        raise BusinessError("只有审核中的单据可以撤回。", code="bad_state")
    if doc.submitted_by_id != actor.pk:
        raise NotAllowed("只有提交人可以撤回。")
    if doc.last_action != Action.SUBMIT:
        raise BusinessError("审核已开始处理，不能撤回。", code="already_reviewed")

    def change():
        doc.status = Status.WITHDRAWN
        doc.current_node = ""

    _transition(doc, actor, Action.WITHDRAW, None, "", change)
    if flow_for(doc).on_return:
        flow_for(doc).on_return(doc, actor)
    return doc


@transaction.atomic
def discard(doc, actor, version: int | None = None, opinion: str = ""):
    """放弃 a draft (or returned) document: kept as withdrawn, so it no longer counts as open."""
    doc = _lock(doc, version)
    if doc.status != Status.DRAFT:
        raise BusinessError("只有编辑中的单据可以放弃；审核中的单据请使用「撤回」。", code="bad_state")
    if not can_submit(actor, doc):
        raise NotAllowed("只有本单位经办岗可以放弃此单据。")

    def change():
        doc.status = Status.WITHDRAWN
        doc.current_node = ""

    return _transition(doc, actor, Action.DISCARD, None, opinion, change)


def _check_reviewer(doc, actor) -> Node:
    if doc.status != Status.PENDING:
        raise BusinessError("只有审核中的单据可以审核。", code="bad_state")
    node = flow_for(doc).node(doc.current_node)
    if not can_act_at(actor, doc, node):
        raise NotAllowed(f"您不是「{node.label}」节点的审核人。")
    if doc.submitted_by_id == actor.pk:
        raise NotAllowed("不能审核本人提交的单据。")
    return node


@transaction.atomic
def approve(doc, actor, opinion: str = "", version: int | None = None):
    doc = _lock(doc, version)
    node = _check_reviewer(doc, actor)
    if node.check:
        node.check(doc)
    nodes = flow_for(doc).applicable(doc)
    index = [n.code for n in nodes].index(node.code)
    final = index == len(nodes) - 1

    def change():
        if final:
            doc.status = Status.APPROVED
            doc.current_node = ""
            doc.approved_at = timezone.now()
        else:
            doc.current_node = nodes[index + 1].code

    _transition(doc, actor, Action.APPROVE, node, (opinion or "").strip() or "同意", change)
    effect = flow_for(doc).on_approve
    if final and effect:
        effect(doc, actor)
    return doc


@transaction.atomic
def reject(doc, actor, opinion: str, version: int | None = None):
    opinion = (opinion or "").strip()
    if not opinion:
        raise BusinessError("审核不通过时必须填写审核意见。", code="opinion_required", field="opinion")
    doc = _lock(doc, version)
    node = _check_reviewer(doc, actor)
    nodes = flow_for(doc).applicable(doc)
    index = [n.code for n in nodes].index(node.code)

    def change():
        if index == 0:
            doc.status = Status.DRAFT
            doc.current_node = ""
        else:
            doc.current_node = nodes[index - 1].code

    _transition(doc, actor, Action.REJECT, node, opinion, change)
    if index == 0 and flow_for(doc).on_return:
        flow_for(doc).on_return(doc, actor)
    return doc


def timeline(doc):
    return (ReviewRecord.objects.filter(content_type=ContentType.objects.get_for_model(type(doc)), object_id=doc.pk)
            .select_related("actor", "actor_unit").order_by("id"))
