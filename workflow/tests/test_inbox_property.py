"""Random transitions on documents of three units; after every step the work-item inbox (awaiting_review, my_open,
inbox_counts) equals what the per-flow queries it replaced computed from the documents themselves (kept here
as the oracle)."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.errors import BusinessError
from orgs.models import Role
from orgs.selectors import regions_reviewed_by
from orgs.testing import make_user
from registry.models import UnitRegistration
from registry.services import registration_save
from workflow import engine, selectors
from workflow.models import EDITABLE, Status

from .support import registration_data

pytestmark = pytest.mark.usefixtures("flow")


# ---- the oracle: the per-flow queries of workflow/selectors.py before the work items ------------------


def old_awaiting_review(user, flow):
    qs = flow.model.objects.none()
    if not user.is_authenticated or user.unit_id is None:
        return qs
    for node in flow.nodes:
        if not user.has_role(node.role):
            continue
        base = flow.model.objects.filter(status=Status.PENDING, current_node=node.code)
        if node.where == engine.OWN_UNIT:
            part = base.filter(**{f"{node.unit_field}_id": user.unit_id})
        elif node.where == engine.REGULATOR:
            part = base.filter(**{f"{node.unit_field}__region__in": regions_reviewed_by(user)})
        else:
            continue
        qs = qs | part
    return qs.exclude(submitted_by=user)


def old_my_open(user, flow):
    if not user.is_authenticated or not user.has_role(flow.submit_role) or user.unit_id is None:
        return flow.model.objects.none()
    base = flow.model.objects.filter(unit_id=user.unit_id)
    editable = base.filter(status__in=EDITABLE).exclude(last_action="discard")
    return editable | base.filter(status=Status.PENDING, submitted_by=user, last_action="submit")


def old_inbox_counts(user):
    out = {}
    for flow in engine.FLOWS.values():
        to_review, mine = old_awaiting_review(user, flow).count(), old_my_open(user, flow).count()
        if to_review or mine:
            out[flow.doc_type] = (to_review, mine)
    return out


def ids(qs):
    return sorted(qs.values_list("pk", flat=True))


# ---- the world: a 福州 school, a 鼓楼 school (福州's regulator reviews it), the province's department ----------


@pytest.fixture
def people(world, gulou):
    units = [world.fz_unit, gulou, world.dept]
    users = [world.fz_reg, world.fj_reg, world.jx_reg, make_user("p_fz_reg2", world.fz_reg_unit, Role.REGULATOR)]
    for i, unit in enumerate(units):
        users += [make_user(f"p{i}_clerk", unit, Role.CLERK), make_user(f"p{i}_clerk2", unit, Role.CLERK),
                  make_user(f"p{i}_clerk_reviewer", unit, Role.CLERK, Role.REVIEWER),
                  make_user(f"p{i}_reviewer", unit, Role.REVIEWER), make_user(f"p{i}_leader", unit, Role.LEADER)]
    return units, users


ACTIONS = ["save", "submit", "withdraw", "approve", "reject", "discard"]
STEP = st.tuples(st.sampled_from(ACTIONS), st.integers(0, 2), st.integers(0, 40), st.booleans())


def act(action, doc, actor, competent):
    if action == "save":
        return registration_save(actor=actor, registration=doc,
                                 data=registration_data(doc.unit, is_competent=competent))
    if action == "approve":
        return engine.approve(doc, actor)
    if action == "reject":
        return engine.reject(doc, actor, "请补充")
    return getattr(engine, action)(doc, actor)


BUTTON = {"save": "edit", "discard": "submit"}


# a scripted walk as well, so every example run covers each node, the regulators, 撤回, 退回 and 放弃
def _script(*steps):
    return [(action, i, 0, True) for action, i in steps]


SCRIPT = _script(("submit", 0), ("submit", 1), ("submit", 2),
                 ("approve", 0), ("approve", 0),                                      # 0 at the regulator (福州)
                 ("approve", 1), ("reject", 1), ("approve", 1), ("approve", 1),      # 1: back one node, then done
                 ("withdraw", 2), ("submit", 2), ("approve", 2), ("approve", 2),     # 2: the province's regulator
                 ("reject", 0), ("reject", 0), ("reject", 0), ("save", 0), ("discard", 0))


@example(competent=[True, False, False], steps=SCRIPT)
@settings(max_examples=20, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(competent=st.lists(st.booleans(), min_size=3, max_size=3), steps=st.lists(STEP, max_size=18))
def test_work_items_agree_with_the_per_flow_queries(flow, people, competent, steps):
    units, users = people
    atomic = transaction.atomic()
    atomic.__enter__()     # every example in a savepoint rolled back at the end
    try:
        clerks = [next(u for u in users if u.unit_id == unit.pk and u.has_role(Role.CLERK)) for unit in units]
        docs = [registration_save(actor=c, data=registration_data(c.unit, is_competent=k))
                for c, k in zip(clerks, competent, strict=True)]
        done = []
        for action, i, pick, flag in steps:
            doc = UnitRegistration.objects.get(pk=docs[i].pk)
            # half the time someone the engine allows (random users rarely get far), else anyone
            allowed = [u for u in users if BUTTON.get(action, action) in engine.available_actions(u, doc)]
            actor = allowed[pick % len(allowed)] if allowed and flag else users[pick % len(users)]
            try:
                act(action, doc, actor, flag)
            except BusinessError:
                pass
            else:
                done.append(action)
            for user in users:
                assert ids(selectors.awaiting_review(user, flow)) == ids(old_awaiting_review(user, flow)), user
                assert ids(selectors.my_open(user, flow)) == ids(old_my_open(user, flow)), user
        for user in users:
            got = {r.flow.doc_type: (r.to_review, r.mine) for r in selectors.inbox_counts(user)}
            assert got == old_inbox_counts(user), user
        if steps is SCRIPT:   # the scripted walk is not vacuous: it got where it meant to
            assert UnitRegistration.objects.filter(status=Status.APPROVED).count() == 2, done
            assert done == [a for a, *_ in SCRIPT], done
    finally:
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)
