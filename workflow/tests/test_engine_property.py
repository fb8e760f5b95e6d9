"""Property test of the approval engine: random users press random buttons on one registration.

The flow is reviewer → leader (only when the registration says 主管预算单位) → the responsible regulator
(福州's, with the budget-code check). A model written from DESIGN.md §5 predicts whether each action is
allowed; the engine must agree, and after every step:

(a) an approved document has, after its last submit, an approve record for every applicable node, in a
    replay that follows the records node by node, and its last record is the final node's approve;
(b) no approve/reject is by the submitter of that cycle;
(c) a successful action adds exactly one ReviewRecord and one AuditLog row;
(d) a refused action changes nothing (state reloaded from the database, record and audit counts);
(e) pending ⇔ current_node != '' (and the node is an applicable one);
plus: available_actions gives exactly the buttons the model allows, and the inbox selectors agree with it.
"""

from dataclasses import dataclass

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from audit.models import AuditLog
from core.errors import BusinessError
from orgs.testing import make_user
from registry.models import UnitRegistration
from registry.services import registration_save
from workflow import engine, selectors
from workflow.models import Action, ReviewRecord, Status

from .support import NODE_ORDER, make_flow, registration_data

OPINIONS = ["", "   ", "同意", "不同意，请补充材料", "\n退回\n"]
BUDGET_CODES = {"right": None, "wrong": "350100999", "invalid": "35A1"}   # None: the platform's code
VERSIONS = ["none", "current", "stale"]
ELIGIBLE = "<someone allowed>"   # resolved by the model to a user the model allows (half of the draws)
SUBMITTER = "<the submitter>"    # resolved to whoever submitted: self-review attempts


@dataclass(frozen=True)
class Actor:
    name: str
    unit: str            # 'fz' (the document's unit), 'dept' (another unit), 'fz_reg', 'fj_reg', 'jx_reg'
    roles: frozenset


ACTORS = [
    Actor("clerk1", "fz", frozenset({"clerk"})),
    Actor("clerk2", "fz", frozenset({"clerk"})),
    Actor("clerk_reviewer", "fz", frozenset({"clerk", "reviewer"})),   # submits, then tries to review
    Actor("clerk_leader", "fz", frozenset({"clerk", "leader"})),
    Actor("reviewer1", "fz", frozenset({"reviewer"})),
    Actor("reviewer2", "fz", frozenset({"reviewer"})),
    Actor("leader", "fz", frozenset({"leader"})),
    Actor("fz_reg", "fz_reg", frozenset({"regulator"})),
    Actor("fz_reg2", "fz_reg", frozenset({"regulator"})),
    Actor("fj_reg", "fj_reg", frozenset({"regulator"})),
    Actor("jx_reg", "jx_reg", frozenset({"regulator"})),
    Actor("other_reviewer", "dept", frozenset({"reviewer"})),
    Actor("other_clerk", "dept", frozenset({"clerk"})),
]
BY_NAME = {a.name: a for a in ACTORS}
# registration_save looks the document up in the actor's own unit (a view scopes it first): a clerk of
# another unit is not a meaningful caller of the save service, so it is left out of `save`.
SAVERS = [a.name for a in ACTORS if a.name != "other_clerk"]


# ---- the model: what DESIGN.md §5 allows --------------------------------------------------------------


def is_unit_clerk(a: Actor) -> bool:
    return a.unit == "fz" and "clerk" in a.roles


def may_act_at(a: Actor, node: str) -> bool:
    if node == "regulator":
        return a.unit == "fz_reg" and "regulator" in a.roles     # 福州 has its own regulator
    return a.unit == "fz" and node in a.roles                   # reviewer / leader of the unit


@dataclass
class Model:
    status: str = Status.DRAFT
    node: str = ""
    submitter: str | None = None
    last_action: str = ""    # a 保存 is not a transition: it leaves last_action alone
    is_competent: bool = False
    budget_ok: bool = True

    def applicable(self) -> list[str]:
        return [n for n in NODE_ORDER if n != "leader" or self.is_competent]

    def buttons(self, a: Actor) -> set[str]:
        out = set()
        if self.status in (Status.DRAFT, Status.WITHDRAWN) and is_unit_clerk(a):
            out |= {"edit", "submit"}
        if self.status == Status.PENDING:
            if a.name == self.submitter and self.last_action == Action.SUBMIT:
                out.add("withdraw")
            if a.name != self.submitter and may_act_at(a, self.node):
                out |= {"approve", "reject"}
        return out


NAMES = [a.name for a in ACTORS]
WHO = st.one_of(st.just(ELIGIBLE), st.sampled_from(NAMES))
REVIEW_WHO = st.one_of(st.just(ELIGIBLE), st.just(SUBMITTER), st.sampled_from(NAMES))
PICK = st.integers(0, len(ACTORS) - 1)
VERSION = st.one_of(st.just("current"), st.sampled_from(VERSIONS))


# ---- the machine ----------------------------------------------------------------------------------------


class EngineMachine(RuleBasedStateMachine):
    def __init__(self, users: dict, unit):
        super().__init__()
        self.users = users
        self.unit = unit
        self.doc = None
        self.model = Model()
        self.history: list[tuple[str, str, bool]] = []
        self._atomic = transaction.atomic()
        self._atomic.__enter__()    # every example runs in a savepoint that teardown rolls back

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # -- helpers

    def _fresh(self):
        return UnitRegistration.objects.get(pk=self.doc.pk)

    def _fingerprint(self):
        d = self._fresh()
        return ((d.status, d.current_node, d.last_action, d.version, d.submitted_by_id, d.is_competent,
                 d.budget_code), ReviewRecord.objects.count(), AuditLog.objects.count())

    def _version(self, mode: str):
        v = self._fresh().version
        return {"none": None, "current": v, "stale": v - 1}[mode]

    def _who(self, who: str, pick: int, button: str) -> str:
        """A named user, or (ELIGIBLE) the pick-th user the model offers this button; else a random one."""
        if who == SUBMITTER:
            return self.model.submitter or NAMES[pick]
        if who != ELIGIBLE:
            return who
        allowed = [a.name for a in ACTORS if button in self.model.buttons(a)] or NAMES
        return allowed[pick % len(allowed)]

    def _run(self, label: str, expected: bool, call):
        before = self._fingerprint()
        try:
            call()
        except BusinessError as exc:
            self.history.append((label, exc.code, False))
            assert not expected, f"{label} was refused ({exc.code}: {exc.message}) but the model allows it"
            assert self._fingerprint() == before, f"refused {label} changed something"            # (d)
            return False
        self.history.append((label, "ok", True))
        assert expected, f"{label} succeeded but the model forbids it"
        (_, records, audits) = before
        (_, records_after, audits_after) = self._fingerprint()
        assert (records_after, audits_after) == (records + 1, audits + 1), f"{label}: not one record + one audit"  # (c)
        return True

    def _check_model(self):
        d = self._fresh()
        m = self.model
        assert (d.status, d.current_node, d.last_action) == (m.status, m.node, m.last_action)
        assert d.submitted_by_id == (self.users[m.submitter].pk if m.submitter else None)
        assert d.is_competent == m.is_competent

    # -- rules

    @initialize(clerk=st.sampled_from(["clerk1", "clerk2", "clerk_reviewer", "clerk_leader"]),
                competent=st.booleans())
    def create(self, clerk, competent):
        self.doc = registration_save(actor=self.users[clerk],
                                     data=registration_data(self.unit, is_competent=competent))
        self.model.is_competent = competent
        self.history.append((f"create by {clerk}", "ok", True))

    @rule(who=st.one_of(st.just(ELIGIBLE), st.sampled_from(SAVERS)), pick=PICK, competent=st.booleans(),
          code=st.sampled_from(["right", "right", "wrong", "invalid"]), version=VERSION)
    def save(self, who, pick, competent, code, version):
        who = self._who(who, pick, "edit")
        m = self.model
        expected = (m.status in (Status.DRAFT, Status.WITHDRAWN) and is_unit_clerk(BY_NAME[who])
                    and code != "invalid" and version != "stale")
        data = registration_data(self.unit, is_competent=competent,
                                 budget_code=BUDGET_CODES[code] or self.unit.budget_code)
        v = self._version(version)
        if self._run(f"save by {who} ({code}, competent={competent}, version={version})", expected,
                     lambda: registration_save(actor=self.users[who], data=data, registration=self.doc, version=v)):
            m.is_competent = competent
            m.budget_ok = code == "right"
        self._check_model()

    @rule(who=WHO, pick=PICK, version=VERSION)
    def submit(self, who, pick, version):
        who = self._who(who, pick, "submit")
        m = self.model
        expected = (m.status in (Status.DRAFT, Status.WITHDRAWN) and is_unit_clerk(BY_NAME[who])
                    and version != "stale")
        v = self._version(version)
        if self._run(f"submit by {who} (version={version})", expected,
                     lambda: engine.submit(self.doc, self.users[who], version=v)):
            m.status, m.node, m.submitter, m.last_action = Status.PENDING, m.applicable()[0], who, Action.SUBMIT
        self._check_model()

    @rule(who=WHO, pick=PICK, version=VERSION)
    def withdraw(self, who, pick, version):
        who = self._who(who, pick, "withdraw")
        m = self.model
        expected = (m.status == Status.PENDING and m.submitter == who and m.last_action == Action.SUBMIT
                    and version != "stale")
        v = self._version(version)
        if self._run(f"withdraw by {who} (version={version})", expected,
                     lambda: engine.withdraw(self.doc, self.users[who], version=v)):
            m.status, m.node, m.last_action = Status.WITHDRAWN, "", Action.WITHDRAW
        self._check_model()

    @rule(who=REVIEW_WHO, pick=PICK, opinion=st.sampled_from(OPINIONS), version=VERSION)
    def approve(self, who, pick, opinion, version):
        who = self._who(who, pick, "approve")
        m = self.model
        expected = (m.status == Status.PENDING and m.submitter != who and may_act_at(BY_NAME[who], m.node)
                    and (m.node != "regulator" or m.budget_ok) and version != "stale")
        v = self._version(version)
        own = " [own submission]" if who == m.submitter else ""
        if self._run(f"approve by {who}{own} at {m.node or '-'} ({opinion!r}, version={version})", expected,
                     lambda: engine.approve(self.doc, self.users[who], opinion, version=v)):
            nodes = m.applicable()
            i = nodes.index(m.node)
            if i == len(nodes) - 1:
                m.status, m.node = Status.APPROVED, ""
            else:
                m.node = nodes[i + 1]
            m.last_action = Action.APPROVE
            rec = ReviewRecord.objects.latest("id")
            assert rec.opinion == (opinion.strip() or "同意")
        self._check_model()

    @rule(who=REVIEW_WHO, pick=PICK, opinion=st.sampled_from(OPINIONS), version=VERSION)
    def reject(self, who, pick, opinion, version):
        who = self._who(who, pick, "reject")
        m = self.model
        expected = (bool(opinion.strip()) and m.status == Status.PENDING and m.submitter != who
                    and may_act_at(BY_NAME[who], m.node) and version != "stale")
        v = self._version(version)
        own = " [own submission]" if who == m.submitter else ""
        if self._run(f"reject by {who}{own} at {m.node or '-'} ({opinion!r}, version={version})", expected,
                     lambda: engine.reject(self.doc, self.users[who], opinion, version=v)):
            nodes = m.applicable()
            i = nodes.index(m.node)
            if i == 0:
                m.status, m.node = Status.DRAFT, ""
            else:
                m.node = nodes[i - 1]
            m.last_action = Action.REJECT
        self._check_model()

    @rule(pick=PICK, opinion=st.sampled_from(OPINIONS))
    def advance(self, pick, opinion):
        """Move the document forward with someone allowed to (random walks rarely get far on their own)."""
        m = self.model
        if m.status in (Status.DRAFT, Status.WITHDRAWN):
            self.submit(ELIGIBLE, pick, "current")
        elif m.status == Status.PENDING:
            if m.submitter and may_act_at(BY_NAME[m.submitter], m.node):
                self.approve(SUBMITTER, pick, opinion, "current")    # holds the node's role: must be refused
            self.approve(ELIGIBLE, pick, opinion, "current")

    # -- invariants (one database read per step, shared by every check)

    @invariant()
    def invariants_hold(self):
        if self.doc is None:
            return
        d = self._fresh()
        records = list(engine.timeline(self.doc))
        self.check_status_and_node(d)
        self.check_no_self_review(records)
        self.check_approval_path(d, records)
        self.check_buttons(d)

    def check_status_and_node(self, d):                                                               # (e)
        assert (d.status == Status.PENDING) == (d.current_node != "")
        if d.status == Status.PENDING:
            assert d.current_node in [n.code for n in engine.flow_for(d).applicable(d)]
        assert (d.status == Status.APPROVED) == (d.approved_at is not None)
        assert d.is_editable == (d.status in (Status.DRAFT, Status.WITHDRAWN))

    def check_no_self_review(self, records):                                                          # (b)
        submitter = None
        for r in records:
            if r.action == Action.SUBMIT:
                submitter = r.actor_id
            elif r.action in (Action.APPROVE, Action.REJECT):
                assert submitter is not None and r.actor_id != submitter, r

    def check_approval_path(self, d, records):                                                        # (a)
        if d.status != Status.APPROVED:
            assert all(r.to_status != Status.APPROVED for r in records)
            return
        submits = [i for i, r in enumerate(records) if r.action == Action.SUBMIT]
        cycle = records[submits[-1] + 1:]
        nodes = [n.code for n in engine.flow_for(d).applicable(d)]
        assert {r.node for r in cycle if r.action == Action.APPROVE} >= set(nodes)
        assert cycle[-1].action == Action.APPROVE and cycle[-1].node == nodes[-1]
        assert cycle[-1].to_status == Status.APPROVED
        # replay: each review acts at the node the document was at
        at = 0
        for r in cycle:
            assert r.action in (Action.APPROVE, Action.REJECT), r.action
            assert r.node == nodes[at], (r.node, nodes[at])
            at += 1 if r.action == Action.APPROVE else -1
            assert at >= 0    # a reject at the first node would have ended the cycle in draft
        assert at == len(nodes)

    def check_buttons(self, d):
        flow = engine.flow_for(d)
        for a in ACTORS:
            user = self.users[a.name]
            got = engine.available_actions(user, d)
            assert got == self.model.buttons(a), (a.name, got, self.model.buttons(a))
            if d.status == Status.PENDING:
                in_inbox = selectors.awaiting_review(user, flow).filter(pk=d.pk).exists()
                assert in_inbox == ("approve" in got), (a.name, in_inbox, got)
            if is_unit_clerk(a):
                mine = selectors.my_open(user, flow).filter(pk=d.pk).exists()
                assert mine == bool(got & {"submit", "withdraw"}), (a.name, mine, got)


@pytest.fixture(autouse=True)
def flow(monkeypatch):
    monkeypatch.setitem(engine.FLOWS, UnitRegistration.doc_type, make_flow())


@pytest.fixture
def users(world):
    unit = world.fz_unit
    given = {"clerk1": world.fz_clerk, "reviewer1": world.fz_reviewer, "fz_reg": world.fz_reg,
             "fj_reg": world.fj_reg, "jx_reg": world.jx_reg, "other_reviewer": world.dept_reviewer,
             "other_clerk": world.dept_clerk}
    units = {"fz": unit, "fz_reg": world.fz_reg_unit}
    out = {}
    for a in ACTORS:
        if a.name in given:
            out[a.name] = given[a.name]
            assert set(out[a.name].role_codes) == set(a.roles)
        else:
            out[a.name] = make_user(f"p_{a.name}", units[a.unit], *sorted(a.roles))
    assert out["other_clerk"].unit == world.dept and out["other_reviewer"].unit == world.dept
    return out


def test_engine_against_the_model(world, users):
    run_state_machine_as_test(
        lambda: EngineMachine(users, world.fz_unit),
        settings=settings(max_examples=100, stateful_step_count=30, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]),
    )


def test_machine_reaches_approval(world, users):
    """The random walk is not vacuous: a scripted run through the same machine approves the document."""
    m = EngineMachine(users, world.fz_unit)
    try:
        m.create("clerk_reviewer", True)
        m.submit("clerk_reviewer", 0, "current")
        m.approve("clerk_reviewer", 0, "同意", "none")        # self-approval: refused
        m.approve(ELIGIBLE, 0, "", "current")                 # reviewer1
        m.reject("leader", 0, "", "none")                     # no opinion: refused
        m.reject("leader", 0, "请补充", "none")
        m.approve("reviewer2", 0, "同意", "stale")             # stale: refused
        m.approve("reviewer2", 0, "同意", "current")
        m.approve("clerk_leader", 0, "同意", "none")
        m.approve("fj_reg", 0, "同意", "none")                 # not 福州's regulator: refused
        m.approve(ELIGIBLE, 1, "同意", "none")                 # fz_reg2
        m.invariants_hold()
        assert m._fresh().status == Status.APPROVED
        assert [ok for _, _, ok in m.history].count(False) == 4
    finally:
        m.teardown()
