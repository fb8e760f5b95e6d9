"""The approval engine on a three-node flow: reviewer → leader (conditional) → responsible regulator."""

import dataclasses

import pytest

from audit import services as audit_services
from audit.models import AuditLog
from core.errors import BusinessError, NotAllowed, StaleError
from orgs.models import Role
from orgs.testing import make_user
from registry.services import registration_save
from workflow import engine, selectors
from workflow.models import Action, ReviewRecord, Status

from .support import new_registration, registration_data, reload

pytestmark = pytest.mark.usefixtures("flow")


def counts():
    return ReviewRecord.objects.count(), AuditLog.objects.count()


def state(doc):
    d = reload(doc)
    return (d.status, d.current_node, d.last_action, d.version, d.submitted_by_id)


def refused(call, *, code=None, exc=BusinessError):
    """`call` raises `exc` (with `code`) and changes nothing."""
    with pytest.raises(exc) as info:
        call()
    if code is not None:
        assert info.value.code == code
    return info.value


def submitted(staff, clerk=None, **data):
    doc = new_registration(clerk or staff.clerk1, **data)
    return engine.submit(doc, clerk or staff.clerk1)


# ---- happy paths --------------------------------------------------------------------------------------


def test_submit_and_approve_through_all_nodes(staff):
    doc = new_registration(staff.clerk1, is_competent=True)
    assert doc.status == Status.DRAFT and doc.status_text == "编辑中" and doc.current_node == ""

    doc = engine.submit(doc, staff.clerk1, version=doc.version)
    assert (doc.status, doc.current_node, doc.submitted_by, doc.status_text) == (
        Status.PENDING, "reviewer", staff.clerk1, "审核中")
    assert doc.submitted_at is not None

    doc = engine.approve(doc, staff.reviewer1, "材料齐全", version=doc.version)
    assert (doc.status, doc.current_node) == (Status.PENDING, "leader")
    doc = engine.approve(doc, staff.leader, "", version=doc.version)
    assert (doc.status, doc.current_node) == (Status.PENDING, "regulator")
    doc = engine.approve(doc, staff.fz_reg, "同意入库", version=doc.version)

    doc = reload(doc)
    assert (doc.status, doc.current_node, doc.status_text) == (Status.APPROVED, "", "已办结")
    assert doc.approved_at is not None and doc.last_action == Action.APPROVE
    assert not doc.is_editable
    assert audit_services.verify() == []


def test_condition_skips_the_leader_node(staff):
    doc = submitted(staff, is_competent=False)
    doc = engine.approve(doc, staff.reviewer1)
    assert doc.current_node == "regulator"
    doc = engine.approve(doc, staff.fz_reg2)
    assert reload(doc).status == Status.APPROVED


def test_every_transition_writes_one_record_and_one_audit_row(staff):
    doc = new_registration(staff.clerk1, is_competent=True)
    steps = [
        (engine.submit, staff.clerk1, {}),
        (engine.reject, staff.reviewer1, {"opinion": "请补充联系人"}),
        (engine.submit, staff.clerk2, {}),
        (engine.withdraw, staff.clerk2, {}),
        (engine.submit, staff.clerk1, {}),
        (engine.approve, staff.reviewer2, {}),
        (engine.reject, staff.leader, {"opinion": "再核对"}),
        (engine.approve, staff.reviewer1, {}),
        (engine.approve, staff.leader, {}),
        (engine.approve, staff.fz_reg, {}),
    ]
    for fn, actor, kwargs in steps:
        before_records, before_audit = counts()
        fn(doc, actor, **kwargs)
        assert counts() == (before_records + 1, before_audit + 1), fn.__name__
    actions = list(AuditLog.objects.filter(object_key=f"orgs.unitregistration:{doc.pk}")
                   .values_list("action", flat=True))
    assert actions == ["registration.save"] + [f"registration.{fn.__name__}" for fn, _, _ in steps]
    last = AuditLog.objects.filter(object_key=f"orgs.unitregistration:{doc.pk}").last()
    assert last.before["status"] == "pending" and last.after["status"] == "approved"
    assert audit_services.verify() == []


def test_empty_opinion_on_approval_reads_agreed(staff):
    doc = submitted(staff)
    engine.approve(doc, staff.reviewer1, "   ")
    rec = ReviewRecord.objects.filter(action=Action.APPROVE).get()
    assert rec.opinion == "同意"


# ---- 审核不通过 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("opinion", ["", "   ", None])
def test_reject_requires_an_opinion(staff, opinion):
    doc = submitted(staff)
    before, n = state(doc), counts()
    err = refused(lambda: engine.reject(doc, staff.reviewer1, opinion), code="opinion_required")
    assert err.field == "opinion" and "审核意见" in err.message
    assert state(doc) == before and counts() == n


def test_reject_at_the_first_node_returns_to_the_clerk(staff):
    doc = submitted(staff)
    doc = engine.reject(doc, staff.reviewer1, "请补充材料")
    doc = reload(doc)
    assert (doc.status, doc.current_node, doc.last_action) == (Status.DRAFT, "", Action.REJECT)
    assert doc.was_returned and doc.status_text == "已退回" and doc.is_editable
    rec = ReviewRecord.objects.filter(action=Action.REJECT).get()
    assert (rec.node, rec.opinion, rec.from_status, rec.to_status) == ("reviewer", "请补充材料", "pending", "draft")
    # the clerk may correct and submit again; the returned mark goes away
    doc = engine.submit(doc, staff.clerk1)
    assert doc.status_text == "审核中" and not doc.was_returned


def test_reject_at_a_later_node_returns_to_the_previous_node(staff):
    doc = submitted(staff, is_competent=True)
    doc = engine.approve(doc, staff.reviewer1)
    doc = engine.approve(doc, staff.leader)
    doc = engine.reject(doc, staff.fz_reg, "预算编码待核实")
    assert (reload(doc).status, reload(doc).current_node) == (Status.PENDING, "leader")
    doc = engine.reject(doc, staff.leader, "退回单位审核")
    assert (reload(doc).status, reload(doc).current_node) == (Status.PENDING, "reviewer")


def test_reject_skips_an_inapplicable_node(staff):
    doc = submitted(staff, is_competent=False)
    doc = engine.approve(doc, staff.reviewer1)
    doc = engine.reject(doc, staff.fz_reg, "退回")
    assert reload(doc).current_node == "reviewer"


# ---- 撤回 ------------------------------------------------------------------------------------------------


def test_withdraw_before_the_first_review(staff):
    doc = submitted(staff)
    doc = engine.withdraw(doc, staff.clerk1)
    doc = reload(doc)
    assert (doc.status, doc.current_node, doc.status_text) == (Status.WITHDRAWN, "", "已撤回")
    assert doc.is_editable and not doc.was_returned
    # a withdrawn document may be submitted again, by any clerk of the unit
    doc = engine.submit(doc, staff.clerk2)
    assert doc.submitted_by == staff.clerk2


def test_only_the_submitter_may_withdraw(staff):
    doc = submitted(staff)
    before, n = state(doc), counts()
    for other in (staff.clerk2, staff.reviewer1, staff.fz_reg):
        refused(lambda u=other: engine.withdraw(doc, u), exc=NotAllowed)
    assert state(doc) == before and counts() == n


def test_no_withdraw_once_the_next_node_acted(staff):
    doc = submitted(staff, is_competent=True)
    engine.approve(doc, staff.reviewer1)
    before, n = state(doc), counts()
    refused(lambda: engine.withdraw(doc, staff.clerk1), code="already_reviewed")
    assert state(doc) == before and counts() == n
    # still not after the leader sends it back to the reviewer node
    engine.reject(doc, staff.leader, "请重新审核")
    refused(lambda: engine.withdraw(doc, staff.clerk1), code="already_reviewed")


def test_discard_a_draft_keeps_it_as_withdrawn_with_one_record(staff):
    doc = new_registration(staff.clerk1)
    n = counts()
    doc = reload(engine.discard(doc, staff.clerk2, opinion="不再需要"))
    assert (doc.status, doc.last_action, doc.status_text) == (Status.WITHDRAWN, Action.DISCARD, "已撤回")
    last = engine.timeline(doc).last()
    assert (last.action, last.opinion, last.actor) == (Action.DISCARD, "不再需要", staff.clerk2)
    assert counts() == (n[0] + 1, n[1] + 1)


def test_discard_refusals(staff):
    draft = new_registration(staff.clerk1)
    refused(lambda: engine.discard(draft, staff.reviewer1), exc=NotAllowed)
    refused(lambda: engine.discard(draft, staff.other_clerk), exc=NotAllowed)
    pending = engine.submit(draft, staff.clerk1)
    refused(lambda: engine.discard(pending, staff.clerk1), code="bad_state")
    assert reload(pending).status == Status.PENDING


def test_withdraw_needs_a_pending_document(staff):
    doc = new_registration(staff.clerk1)
    refused(lambda: engine.withdraw(doc, staff.clerk1), code="bad_state")


# ---- refusals ------------------------------------------------------------------------------------------


def test_stale_version_is_refused(staff):
    doc = new_registration(staff.clerk1)
    old = doc.version
    engine.submit(doc, staff.clerk1, version=old)
    before, n = state(doc), counts()
    err = refused(lambda: engine.withdraw(doc, staff.clerk1, version=old), exc=StaleError)
    assert err.code == "stale" and err.status == 409 and "刷新" in err.message
    refused(lambda: engine.approve(doc, staff.reviewer1, version=old), exc=StaleError)
    refused(lambda: engine.reject(doc, staff.reviewer1, "不同意", version=old), exc=StaleError)
    assert state(doc) == before and counts() == n
    engine.approve(doc, staff.reviewer1, version=str(reload(doc).version))  # forms post strings


def test_submitting_twice_is_refused(staff):
    doc = submitted(staff)
    refused(lambda: engine.submit(doc, staff.clerk1), code="bad_state")


def test_self_approval_is_refused_at_every_node(staff):
    doc = submitted(staff, clerk=staff.clerk_reviewer)
    before, n = state(doc), counts()
    err = refused(lambda: engine.approve(doc, staff.clerk_reviewer), exc=NotAllowed)
    assert "本人" in err.message
    refused(lambda: engine.reject(doc, staff.clerk_reviewer, "不同意"), exc=NotAllowed)
    assert state(doc) == before and counts() == n
    # a clerk who is also the leader submits: the reviewer passes it, the leader node refuses him
    engine.withdraw(doc, staff.clerk_reviewer)
    registration_save(actor=staff.clerk_leader, registration=doc,
                      data=registration_data(staff.unit, is_competent=True))
    engine.submit(doc, staff.clerk_leader)
    engine.approve(doc, staff.clerk_reviewer)   # no longer his own submission
    assert reload(doc).current_node == "leader"
    refused(lambda: engine.approve(doc, staff.clerk_leader), exc=NotAllowed)
    engine.approve(doc, staff.leader)
    assert reload(doc).current_node == "regulator"


def test_users_without_the_right_are_refused(staff):
    doc = new_registration(staff.clerk1)
    refused(lambda: engine.submit(doc, staff.other_clerk), exc=NotAllowed)   # clerk of another unit
    refused(lambda: engine.submit(doc, staff.reviewer1), exc=NotAllowed)     # not a clerk
    engine.submit(doc, staff.clerk1)
    before, n = state(doc), counts()
    for outsider in (staff.other_reviewer, staff.leader, staff.fz_reg, staff.clerk2):
        refused(lambda u=outsider: engine.approve(doc, u), exc=NotAllowed)
        refused(lambda u=outsider: engine.reject(doc, u, "不同意"), exc=NotAllowed)
    assert state(doc) == before and counts() == n
    engine.approve(doc, staff.reviewer1)
    for outsider in (staff.fj_reg, staff.jx_reg, staff.reviewer2, staff.other_reviewer):
        refused(lambda u=outsider: engine.approve(doc, u), exc=NotAllowed)
    engine.approve(doc, staff.fz_reg)
    assert reload(doc).status == Status.APPROVED


def test_approved_document_accepts_no_further_action(staff):
    doc = submitted(staff)
    engine.approve(doc, staff.reviewer1)
    engine.approve(doc, staff.fz_reg)
    before, n = state(doc), counts()
    refused(lambda: engine.submit(doc, staff.clerk1), code="bad_state")
    refused(lambda: engine.withdraw(doc, staff.clerk1), code="bad_state")
    refused(lambda: engine.approve(doc, staff.fz_reg), code="bad_state")
    refused(lambda: engine.reject(doc, staff.fz_reg, "x"), code="bad_state")
    assert state(doc) == before and counts() == n


def test_failing_node_check_refuses_and_changes_nothing(staff):
    doc = submitted(staff, budget_code="350100999")
    engine.approve(doc, staff.reviewer1)
    before, n = state(doc), counts()
    refused(lambda: engine.approve(doc, staff.fz_reg), code="budget_code_mismatch")
    assert state(doc) == before and counts() == n


# ---- buttons ---------------------------------------------------------------------------------------------


def actions_of(staff, doc):
    doc = reload(doc)
    names = ["clerk1", "clerk2", "clerk_reviewer", "clerk_leader", "reviewer1", "reviewer2", "leader",
             "fz_reg", "fz_reg2", "fj_reg", "jx_reg", "other_reviewer", "other_clerk"]
    return {n: engine.available_actions(getattr(staff, n), doc) for n in names}


def test_available_actions_are_exactly_the_allowed_buttons(staff):
    edit = {"edit", "submit"}
    doc = new_registration(staff.clerk1, is_competent=True)
    assert actions_of(staff, doc) == {
        "clerk1": edit, "clerk2": edit, "clerk_reviewer": edit, "clerk_leader": edit, "reviewer1": set(),
        "reviewer2": set(), "leader": set(), "fz_reg": set(), "fz_reg2": set(), "fj_reg": set(),
        "jx_reg": set(), "other_reviewer": set(), "other_clerk": set()}

    engine.submit(doc, staff.clerk_reviewer)
    review = {"approve", "reject"}
    got = actions_of(staff, doc)
    assert got == {
        "clerk1": set(), "clerk2": set(), "clerk_reviewer": {"withdraw"}, "clerk_leader": set(),
        "reviewer1": review, "reviewer2": review, "leader": set(), "fz_reg": set(), "fz_reg2": set(),
        "fj_reg": set(), "jx_reg": set(), "other_reviewer": set(), "other_clerk": set()}

    engine.approve(doc, staff.reviewer1)
    got = actions_of(staff, doc)
    assert {n for n, a in got.items() if a} == {"clerk_leader", "leader"}
    assert got["leader"] == got["clerk_leader"] == review
    assert got["clerk_reviewer"] == set()  # no withdraw once a node acted

    engine.approve(doc, staff.leader)
    got = actions_of(staff, doc)
    assert {n for n, a in got.items() if a} == {"fz_reg", "fz_reg2"}

    engine.reject(doc, staff.fz_reg, "退回")
    engine.reject(doc, staff.leader, "退回")
    engine.reject(doc, staff.reviewer2, "退回")
    got = actions_of(staff, doc)
    assert {n for n, a in got.items() if a} == {"clerk1", "clerk2", "clerk_reviewer", "clerk_leader"}
    assert all(got[n] == edit for n in ("clerk1", "clerk2", "clerk_reviewer", "clerk_leader"))

    engine.submit(doc, staff.clerk1)
    engine.approve(doc, staff.clerk_reviewer)
    engine.approve(doc, staff.clerk_leader)
    engine.approve(doc, staff.fz_reg2)
    assert all(a == set() for a in actions_of(staff, doc).values())


# ---- inbox ----------------------------------------------------------------------------------------------


def ids(qs):
    return sorted(qs.values_list("pk", flat=True))


def test_awaiting_review_follows_the_current_node(staff, flow, gulou):
    gl_clerk = make_user("gl_clerk", gulou, Role.CLERK)
    gl_reviewer = make_user("gl_reviewer", gulou, Role.REVIEWER)

    a = submitted(staff, clerk=staff.clerk_reviewer, is_competent=True)
    b = submitted(staff, clerk=gl_clerk)
    c = submitted(staff, clerk=staff.other_clerk)   # 福建省教育厅, a 省级 unit

    assert ids(selectors.awaiting_review(staff.reviewer1, flow)) == [a.pk]
    assert ids(selectors.awaiting_review(staff.clerk_reviewer, flow)) == []   # never one's own submission
    assert ids(selectors.awaiting_review(gl_reviewer, flow)) == [b.pk]
    assert ids(selectors.awaiting_review(staff.other_reviewer, flow)) == [c.pk]
    for nobody in (staff.leader, staff.fz_reg, staff.fj_reg, staff.jx_reg, staff.clerk1, gl_clerk):
        assert ids(selectors.awaiting_review(nobody, flow)) == []

    engine.approve(a, staff.reviewer1)
    engine.approve(b, gl_reviewer)
    assert ids(selectors.awaiting_review(staff.reviewer1, flow)) == []
    assert ids(selectors.awaiting_review(staff.leader, flow)) == [a.pk]
    assert ids(selectors.awaiting_review(staff.clerk_leader, flow)) == [a.pk]
    assert ids(selectors.awaiting_review(staff.fz_reg, flow)) == [b.pk]
    assert ids(selectors.awaiting_review(staff.fz_reg2, flow)) == [b.pk]
    assert ids(selectors.awaiting_review(staff.fj_reg, flow)) == []   # 福州 has its own regulator
    assert ids(selectors.awaiting_review(staff.jx_reg, flow)) == []
    engine.approve(c, staff.other_reviewer)
    assert ids(selectors.awaiting_review(staff.fj_reg, flow)) == [c.pk]
    assert ids(selectors.awaiting_review(staff.fz_reg, flow)) == [b.pk]

    # the inbox agrees with the buttons, for everybody
    users = [u for u in vars(staff).values() if hasattr(u, "has_role")] + [gl_clerk, gl_reviewer]
    for user in users:
        listed = set(ids(selectors.awaiting_review(user, flow)))
        for doc in (a, b, c):
            assert (doc.pk in listed) == ("approve" in engine.available_actions(user, reload(doc))), (user, doc)


def test_my_open_lists_what_is_still_with_the_clerk(staff, flow):
    draft = new_registration(staff.clerk1)
    assert ids(selectors.my_open(staff.clerk1, flow)) == [draft.pk]
    assert ids(selectors.my_open(staff.clerk2, flow)) == [draft.pk]      # the unit's drafts
    assert ids(selectors.my_open(staff.reviewer1, flow)) == []           # not a clerk
    assert ids(selectors.my_open(staff.other_clerk, flow)) == []         # another unit

    engine.submit(draft, staff.clerk1)
    assert ids(selectors.my_open(staff.clerk1, flow)) == [draft.pk]      # withdrawable
    assert ids(selectors.my_open(staff.clerk2, flow)) == []
    engine.approve(draft, staff.reviewer1)
    assert ids(selectors.my_open(staff.clerk1, flow)) == []              # a node acted
    engine.reject(draft, staff.fz_reg, "退回")
    assert ids(selectors.my_open(staff.clerk1, flow)) == []              # back at reviewer, still pending
    engine.reject(draft, staff.reviewer1, "退回")
    assert ids(selectors.my_open(staff.clerk1, flow)) == [draft.pk]      # 已退回
    engine.submit(draft, staff.clerk2)
    engine.withdraw(draft, staff.clerk2)
    assert ids(selectors.my_open(staff.clerk1, flow)) == [draft.pk]      # 已撤回


def test_inbox_counts(staff, flow):
    submitted(staff, clerk=staff.clerk1)
    rows = {r.flow.doc_type: (r.to_review, r.mine) for r in selectors.inbox_counts(staff.reviewer1)}
    assert rows == {"registration": (1, 0)}
    rows = {r.flow.doc_type: (r.to_review, r.mine) for r in selectors.inbox_counts(staff.clerk1)}
    assert rows == {"registration": (0, 1)}
    assert selectors.inbox_counts(staff.clerk2) == []
    assert selectors.inbox_counts(staff.fz_reg) == []
    assert next(r for r in selectors.inbox_counts(staff.reviewer1)).flow is flow


def test_done_by_lists_finished_documents_the_user_acted_on(staff, flow):
    doc = submitted(staff)
    assert ids(selectors.done_by(staff.clerk1, flow)) == []
    engine.approve(doc, staff.reviewer1)
    engine.approve(doc, staff.fz_reg)
    for user in (staff.clerk1, staff.reviewer1, staff.fz_reg):          # submitted, reviewed, approved
        assert ids(selectors.done_by(user, flow)) == [doc.pk], user
    # in scope but never acted on it: not their 已办结
    for user in (staff.clerk2, staff.reviewer2, staff.fz_reg2, staff.fj_reg, staff.jx_reg, staff.other_clerk):
        assert ids(selectors.done_by(user, flow)) == [], user


def test_done_by_leaves_out_what_never_finished(staff, flow):
    doc = submitted(staff)
    engine.reject(doc, staff.reviewer1, "退回")                        # returned
    assert ids(selectors.done_by(staff.clerk1, flow)) == ids(selectors.done_by(staff.reviewer1, flow)) == []
    engine.discard(doc, staff.clerk1)                                  # 放弃: kept as withdrawn
    assert ids(selectors.done_by(staff.clerk1, flow)) == ids(selectors.done_by(staff.reviewer1, flow)) == []
    other = submitted(staff, clerk=staff.other_clerk)
    engine.withdraw(other, staff.other_clerk)
    assert ids(selectors.done_by(staff.other_clerk, flow)) == []


# ---- timeline --------------------------------------------------------------------------------------------


def test_timeline_is_in_order_of_action(staff):
    doc = new_registration(staff.clerk1, is_competent=True)
    engine.submit(doc, staff.clerk1)
    engine.approve(doc, staff.reviewer1, "通过")
    engine.reject(doc, staff.leader, "请补充")
    engine.approve(doc, staff.reviewer2)
    engine.approve(doc, staff.leader)
    engine.approve(doc, staff.fz_reg, "同意入库")
    rows = list(engine.timeline(doc))
    assert [(r.action, r.node, r.actor.username, r.opinion) for r in rows] == [
        ("save", "clerk", "fz_clerk", ""),
        ("submit", "clerk", "fz_clerk", ""),
        ("approve", "reviewer", "fz_reviewer", "通过"),
        ("reject", "leader", "fz_leader", "请补充"),
        ("approve", "reviewer", "fz_reviewer2", "同意"),
        ("approve", "leader", "fz_leader", "同意"),
        ("approve", "regulator", "fz_reg", "同意入库"),
    ]
    assert [r.pk for r in rows] == sorted(r.pk for r in rows)
    assert [r.at for r in rows] == sorted(r.at for r in rows)
    assert [r.node_label for r in rows[2:4]] == ["单位审核", "需求领导审核"]
    assert [r.to_node for r in rows] == ["", "reviewer", "leader", "reviewer", "leader", "regulator", ""]
    assert rows[-1].to_status == "approved" and rows[-1].actor_unit == staff.fz_reg.unit
    # another document's records are not mixed in
    other = new_registration(staff.other_clerk)
    assert [r.action for r in engine.timeline(other)] == ["save"]


# ---- hooks -----------------------------------------------------------------------------------------------


@pytest.fixture
def hooked(monkeypatch, flow):
    calls = []

    def hook(name):
        def run(doc, actor):
            calls.append((name, doc.status, doc.current_node, actor.username))
            if doc.address == f"refuse {name}":
                raise BusinessError(f"{name} refused", code=f"{name}_refused")
        return run

    f = dataclasses.replace(flow, on_submit=hook("submit"), on_return=hook("return"), on_approve=hook("approve"))
    monkeypatch.setitem(engine.FLOWS, "registration", f)
    return calls


def test_hooks_run_inside_the_transitions(staff, hooked):
    doc = new_registration(staff.clerk1, is_competent=True)
    engine.submit(doc, staff.clerk1)
    engine.withdraw(doc, staff.clerk1)
    engine.submit(doc, staff.clerk1)
    engine.approve(doc, staff.reviewer1)
    engine.reject(doc, staff.leader, "退回")        # back to the reviewer: not a return to the clerk
    engine.reject(doc, staff.reviewer1, "退回")     # back to the clerk
    engine.submit(doc, staff.clerk2)
    for user in (staff.reviewer2, staff.leader):
        engine.approve(doc, user)
    assert hooked == [
        ("submit", "pending", "reviewer", "fz_clerk"),
        ("return", "withdrawn", "", "fz_clerk"),
        ("submit", "pending", "reviewer", "fz_clerk"),
        ("return", "draft", "", "fz_reviewer"),
        ("submit", "pending", "reviewer", "fz_clerk2"),
    ]
    engine.approve(doc, staff.fz_reg)
    assert hooked[-1] == ("approve", "approved", "", "fz_reg")


@pytest.mark.parametrize("hook", ["submit", "approve"])
def test_a_refusing_hook_rolls_the_whole_transition_back(staff, hooked, hook):
    doc = new_registration(staff.clerk1, address=f"refuse {hook}")
    if hook == "approve":
        engine.submit(doc, staff.clerk1)
        engine.approve(doc, staff.reviewer1)
    before, n = state(doc), counts()
    call = (lambda: engine.submit(doc, staff.clerk1)) if hook == "submit" else (
        lambda: engine.approve(doc, staff.fz_reg))
    refused(call, code=f"{hook}_refused")
    assert state(doc) == before and counts() == n


def test_three_node_flow_rejects_one_node_back_and_runs_its_dotted_hooks(world, flow, staff):
    """The explicit example of the property test's rule: 审核不通过 goes back one node, not to the start; the
    flow's hooks, named by dotted path, run exactly at submit, at the return to the clerk and at approval."""
    from .support import HOOK_CALLS, new_registration

    HOOK_CALLS.clear()
    doc = new_registration(staff.clerk1, is_competent=True)  # reviewer → leader → regulator
    doc = engine.submit(doc, staff.clerk1)
    doc = engine.approve(doc, staff.reviewer1)
    doc = engine.approve(doc, staff.leader)
    assert doc.current_node == "regulator"
    doc = engine.reject(doc, staff.fz_reg, opinion="请补充")
    assert (doc.status, doc.current_node) == (Status.PENDING, "leader")
    doc = engine.reject(doc, staff.leader, opinion="请补充")
    assert (doc.status, doc.current_node) == (Status.PENDING, "reviewer")
    assert HOOK_CALLS == [("submit", doc.pk)]  # nothing returned to the clerk yet
    doc = engine.reject(doc, staff.reviewer1, opinion="请补充")
    assert (doc.status, doc.current_node) == (Status.DRAFT, "")
    doc = engine.submit(doc, staff.clerk1)
    for user in (staff.reviewer1, staff.leader, staff.fz_reg):
        doc = engine.approve(doc, user)
    assert doc.status == Status.APPROVED
    assert HOOK_CALLS == [("submit", doc.pk), ("return", doc.pk), ("submit", doc.pk), ("approve", doc.pk)]
