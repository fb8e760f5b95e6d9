"""The approval engine: one implementation of 保存 → 提交 → 撤回 / 审核通过 / 审核不通过 for every document.

A flow is declared per document type (`register`): who submits and from where, its review nodes in order
(each with a role, the place it sits relative to the document — own unit, competent unit, agency, regulator,
finance department — and an optional condition), hooks named by dotted path, the stages after approval
(待发布 → 已发布, 待备案 → 已备案) and direct actions (a right, a reason, an audit row, no review). Every
transition locks the row, checks state and right, writes exactly one review record and one audit row, in one
transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from access import places
from access.places import AGENCY, COMPETENT, FINANCE, OWN_UNIT, REGULATOR  # noqa: F401  (re-exported)
from audit import services as audit
from core.errors import BusinessError, NotAllowed, StaleError

from . import inbox
from .models import EDITABLE, Action, ReviewRecord, Status

Hook = Callable | str | None


def resolve(hook: Hook):
    """A hook given as a callable or as a dotted path ("projects.services.project_reserve"), looked up when it
    runs (not cached: a module attribute replaced later, e.g. by a test, is the one called)."""
    if hook is None or callable(hook):
        return hook
    return import_string(hook)


@dataclass(frozen=True)
class Node:
    code: str
    label: str
    role: str
    where: str = OWN_UNIT
    unit_field: str = "unit"
    condition: Hook = None  # doc -> bool: the node applies to this document
    # raises BusinessError when the document may not pass this node (e.g. a code mismatch)
    check: Hook = None
    # (doc) -> URL of the page where this node's actor completes the document before passing it on (a step that
    # fills fields, e.g. the purchaser's 终止情况说明): the detail page links there (办理) instead of the review
    # dialog; the page's 提交 is this node's approve, its check says what must be filled
    entry: Hook = None

    def applies(self, doc) -> bool:
        return self.condition is None or bool(resolve(self.condition)(doc))

    def entry_url(self, doc) -> str:
        return resolve(self.entry)(doc) if self.entry is not None else ""


@dataclass(frozen=True)
class Stage:
    """A step after approval: the document waits as `label` (待发布) until someone with `role` at `where`
    takes `action` (发布), then it is `done_label` (已发布)."""
    code: str
    label: str
    action: str
    action_label: str
    done_label: str
    role: str
    where: str = OWN_UNIT
    unit_field: str = "unit"
    on_done: Hook = None  # (doc, actor) -> None, inside the transition
    role_of: Hook = None  # (doc) -> role, when who takes the action depends on the document (as Flow.submit_role_of)
    condition: Hook = None  # doc -> bool: the stage applies to this document (skipped otherwise), as Node.condition

    def applies(self, doc) -> bool:
        return self.condition is None or bool(resolve(self.condition)(doc))

    def role_for(self, doc) -> str:
        return resolve(self.role_of)(doc) if self.role_of is not None else self.role

    @property
    def done_code(self) -> str:
        return f"{self.code}_done"


@dataclass(frozen=True)
class DirectAction:
    """An action that needs no review: a right, (usually) a reason and an audit row. `allowed(doc)` says
    when it applies, `right(user, doc)` who may take it, `effect(doc, actor, reason)` what it does."""
    code: str
    label: str
    right: Hook
    allowed: Hook = None
    effect: Hook = None
    reason_required: bool = True
    done_message: str = ""


@dataclass(frozen=True)
class Flow:
    doc_type: str
    label: str
    model: type
    nodes: tuple[Node, ...]
    submit_role: str = "clerk"
    # (doc) -> role, when the submitter's role depends on the document (an announcement is submitted by the
    # agency's staff, or by the purchaser's clerk when the purchaser organises the procurement itself)
    submit_role_of: Hook = None
    submit_label: str = "经办"
    submit_where: str = OWN_UNIT
    submit_unit_field: str = "unit"
    # run inside the transition: on_submit when it enters review (e.g. reserve money); on_return when it
    # leaves review back to the clerk, by 撤回 or by 审核不通过 at the first node (e.g. release the money)
    on_approve: Hook = None
    on_submit: Hook = None
    on_return: Hook = None
    stages: tuple[Stage, ...] = ()
    direct_actions: tuple[DirectAction, ...] = ()
    discardable: bool = False  # 放弃 of a draft offered to the clerk (a request; not a unit's own record)
    on_discard: Hook = None
    url_name: str = ""
    extra: dict = field(default_factory=dict)

    def submitter_role(self, doc) -> str:
        return resolve(self.submit_role_of)(doc) if self.submit_role_of is not None else self.submit_role

    def applicable(self, doc) -> list[Node]:
        return [n for n in self.nodes if n.applies(doc)]

    def node(self, code: str) -> Node:
        for n in self.nodes:
            if n.code == code:
                return n
        raise KeyError(code)

    def hook(self, name: str):
        return resolve(getattr(self, name))

    def applicable_stages(self, doc) -> list[Stage]:
        return [s for s in self.stages if s.applies(doc)]

    def stage(self, code: str) -> Stage | None:
        return next((s for s in self.stages if s.code == code), None)

    def direct(self, code: str) -> DirectAction | None:
        return next((a for a in self.direct_actions if a.code == code), None)


FLOWS: dict[str, Flow] = {}


def register(flow: Flow) -> Flow:
    FLOWS[flow.doc_type] = flow
    return flow


def flow_for(doc) -> Flow:
    return FLOWS[type(doc).doc_type]


# ---- who may act -------------------------------------------------------------------------------------


def _at(user, role: str, where: str, doc, unit_field: str) -> bool:
    if not user.is_authenticated or user.unit_id is None or not user.has_role(role):
        return False
    return places.sits_at(user, where, getattr(doc, unit_field, None))


def can_act_at(user, doc, node: Node) -> bool:
    return _at(user, node.role, node.where, doc, node.unit_field)


def can_submit(user, doc) -> bool:
    flow = flow_for(doc)
    return _at(user, flow.submitter_role(doc), flow.submit_where, doc, flow.submit_unit_field)


def _stage_open(doc) -> Stage | None:
    return flow_for(doc).stage(doc.stage) if doc.status == Status.APPROVED and doc.stage else None


def available_actions(user, doc) -> set[str]:
    """The engine actions this user may take now: the templates show exactly these buttons."""
    actions: set[str] = set()
    if doc.is_editable and can_submit(user, doc):
        actions |= {"edit", "submit"}
        if doc.status == Status.DRAFT and flow_for(doc).discardable:
            actions.add("discard")
    if doc.status == Status.PENDING:
        if doc.submitted_by_id == user.pk and doc.last_action == Action.SUBMIT:
            actions.add("withdraw")
        node = flow_for(doc).node(doc.current_node)
        if doc.submitted_by_id != user.pk and can_act_at(user, doc, node):
            actions |= {"approve", "reject"}
    stage = _stage_open(doc)
    if stage is not None and _at(user, stage.role_for(doc), stage.where, doc, stage.unit_field):
        actions.add(stage.action)
    for direct in flow_for(doc).direct_actions:
        if _direct_allowed(user, doc, direct):
            actions.add(direct.code)
    return actions


def entry_url(user, doc) -> str:
    """The page where this user completes the document at its current node (Node.entry), '' when none."""
    if doc.status != Status.PENDING or not doc.current_node or "approve" not in available_actions(user, doc):
        return ""
    return flow_for(doc).node(doc.current_node).entry_url(doc)


def action_labels(doc) -> dict[str, str]:
    """Button labels of every action code the document's flow knows."""
    flow = flow_for(doc)
    labels = {"edit": "编辑", "submit": "提交", "withdraw": "撤回", "discard": "放弃", "approve": "审核通过",
              "reject": "审核不通过"}
    labels.update({s.action: s.action_label for s in flow.stages})
    labels.update({a.code: a.label for a in flow.direct_actions})
    return labels


def stage_text(doc) -> str:
    """待发布 / 已发布 … of an approved document with stages ('' otherwise)."""
    flow = flow_for(doc)
    if doc.status != Status.APPROVED or not doc.stage:
        return ""
    for s in flow.stages:
        if doc.stage == s.code:
            return s.label
        if doc.stage == s.done_code:
            return s.done_label
    return ""


# ---- transitions -----------------------------------------------------------------------------------


def _lock(doc, version: int | None):
    locked = type(doc).objects.select_for_update().get(pk=doc.pk)
    if version is not None and locked.version != int(version):
        raise StaleError()
    return locked


def _record(doc, actor, action, node_code: str, node_label: str, opinion="", before=None):
    ReviewRecord.objects.create(
        content_type=ContentType.objects.get_for_model(type(doc)), object_id=doc.pk, doc_type=flow_for(doc).doc_type,
        node=node_code, node_label=node_label, action=action, actor=actor, actor_unit_id=actor.unit_id,
        opinion=opinion, from_status=(before or {}).get("status", ""), to_status=doc.status, to_node=doc.current_node,
    )


def _node_record(doc, actor, action, node: Node | None, opinion="", before=None):
    flow = flow_for(doc)
    _record(doc, actor, action, node.code if node else flow.submitter_role(doc),
            node.label if node else flow.submit_label,
            opinion, before)


STATE_FIELDS = ["status", "current_node", "stage", "last_action", "version", "submitted_by_id", "submitted_at",
                "approved_at"]


def _transition(doc, actor, action: str, node: Node | None, opinion: str, change: Callable, *,
                node_code: str = "", node_label: str = ""):
    before = audit.snapshot(doc, STATE_FIELDS)
    change()
    doc.last_action = action
    doc.version += 1
    doc.save()
    inbox.refresh(doc)  # its work items follow the new state, in this transaction
    if node_code:
        _record(doc, actor, action, node_code, node_label, opinion, before)
    else:
        _node_record(doc, actor, action, node, opinion, before)
    audit.record(actor=actor, action=f"{flow_for(doc).doc_type}.{action}", obj=doc, before=before,
                 after=audit.snapshot(doc, STATE_FIELDS))
    return doc


def note(doc, actor, action: str, *, label: str, opinion: str = "", audit_action: str = "",
         before: dict | None = None, after: dict | None = None):
    """A timeline event outside the review flow (解除, 发布 of another module …): one review record and one
    audit row. The caller holds the document's lock inside its transaction."""
    _record(doc, actor, action, action, label, opinion, {"status": doc.status})
    audit.record(actor=actor, action=audit_action or f"{flow_for(doc).doc_type}.{action}", obj=doc,
                 before=before or {}, after=after or {"opinion": opinion})


def saved(doc, actor, *, before: dict | None = None, fields: list[str] | None = None):
    """Record a 保存 by a domain service (which wrote the fields itself, inside its transaction)."""
    if doc.status not in EDITABLE:
        raise BusinessError("单据已提交，不能修改。", code="not_editable")
    audit.record(actor=actor, action=f"{flow_for(doc).doc_type}.save", obj=doc, before=before or {},
                 after=audit.snapshot(doc, fields) if fields else audit.snapshot(doc))
    _node_record(doc, actor, Action.SAVE, None, "", {"status": doc.status})
    inbox.refresh(doc)  # a new draft is 待我处理; a saved one shows its new title


@transaction.atomic
def submit(doc, actor, version: int | None = None):
    doc = _lock(doc, version)
    if not doc.is_editable:
        raise BusinessError("只有编辑中的单据可以提交。", code="bad_state")
    if not can_submit(actor, doc):
        raise NotAllowed("您不是此单据的经办人，不能提交。")
    flow = flow_for(doc)
    nodes = flow.applicable(doc)
    if not nodes:
        raise BusinessError("流程未配置审核节点。", code="flow_misconfigured")

    def change():
        doc.status = Status.PENDING
        doc.current_node = nodes[0].code
        doc.submitted_by = actor
        doc.submitted_at = timezone.now()

    _transition(doc, actor, Action.SUBMIT, None, "", change)
    if hook := flow.hook("on_submit"):
        hook(doc, actor)
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
    if hook := flow_for(doc).hook("on_return"):
        hook(doc, actor)
    return doc


@transaction.atomic
def discard(doc, actor, version: int | None = None, opinion: str = ""):
    """放弃 a draft (or returned) document: kept as withdrawn, so it no longer counts as open."""
    doc = _lock(doc, version)
    if doc.status != Status.DRAFT:
        raise BusinessError("只有编辑中的单据可以放弃；审核中的单据请使用「撤回」。", code="bad_state")
    if not can_submit(actor, doc):
        raise NotAllowed("您不是此单据的经办人，不能放弃。")

    def change():
        doc.status = Status.WITHDRAWN
        doc.current_node = ""

    _transition(doc, actor, Action.DISCARD, None, opinion, change)
    if hook := flow_for(doc).hook("on_discard"):
        hook(doc, actor)
    return doc


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
        resolve(node.check)(doc)
    flow = flow_for(doc)
    nodes = flow.applicable(doc)
    index = [n.code for n in nodes].index(node.code)
    final = index == len(nodes) - 1

    def change():
        if final:
            doc.status = Status.APPROVED
            doc.current_node = ""
            doc.approved_at = timezone.now()
            stages = flow.applicable_stages(doc)
            doc.stage = stages[0].code if stages else ""
        else:
            doc.current_node = nodes[index + 1].code

    _transition(doc, actor, Action.APPROVE, node, (opinion or "").strip() or "同意", change)
    if final and (effect := flow.hook("on_approve")):
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
    if index == 0 and (hook := flow_for(doc).hook("on_return")):
        hook(doc, actor)
    return doc


# ---- after approval: stages and direct actions ----------------------------------------------------------


@transaction.atomic
def advance(doc, actor, action: str, version: int | None = None, opinion: str = ""):
    """Take the open stage's action (发布, 备案 …): the document moves to the stage's done state, or to the
    next stage."""
    doc = _lock(doc, version)
    flow = flow_for(doc)
    stage = _stage_open(doc)
    if stage is None or stage.action != action:
        raise BusinessError("单据当前不在可以执行此操作的阶段。", code="bad_state")
    if not _at(actor, stage.role_for(doc), stage.where, doc, stage.unit_field):
        raise NotAllowed(f"您不能对此单据执行「{stage.action_label}」。")
    following = [s for s in flow.stages[flow.stages.index(stage) + 1:] if s.applies(doc)]

    def change():
        doc.stage = following[0].code if following else stage.done_code

    _transition(doc, actor, Action.STAGE, None, opinion, change, node_code=stage.code,
                node_label=stage.action_label)
    if hook := resolve(stage.on_done):
        hook(doc, actor)
    return doc


def _direct_allowed(user, doc, direct: DirectAction) -> bool:
    if direct.allowed is not None and not resolve(direct.allowed)(doc):
        return False
    return bool(resolve(direct.right)(user, doc))


@transaction.atomic
def direct(doc, actor, code: str, reason: str = "", version: int | None = None):
    """A declared direct action (撤销 back to editing, 回第一步 …): right and state checked under the lock,
    the effect applied, one review record and one audit row."""
    reason = (reason or "").strip()
    action = flow_for(doc).direct(code)
    if action is None:
        raise BusinessError("操作不存在。", code="bad_action")
    if action.reason_required and not reason:
        raise BusinessError(f"请填写{action.label}原因。", code="reason_required", field="reason")
    doc = _lock(doc, version)
    if action.allowed is not None and not resolve(action.allowed)(doc):
        raise BusinessError(f"单据当前状态不能{action.label}。", code="bad_state")
    if not resolve(action.right)(actor, doc):
        raise NotAllowed(f"您不能对此单据执行「{action.label}」。")

    def change():
        if action.effect is not None:
            resolve(action.effect)(doc, actor, reason)

    return _transition(doc, actor, Action.DIRECT, None, reason, change, node_code=action.code,
                       node_label=action.label)


def timeline(doc):
    return (ReviewRecord.objects.filter(content_type=ContentType.objects.get_for_model(type(doc)), object_id=doc.pk)
            .select_related("actor", "actor_unit").order_by("id"))
