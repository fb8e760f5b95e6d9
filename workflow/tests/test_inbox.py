"""The work items (workflow.inbox) follow every transition of a document, and who sees them is the engine's rule:
the node's role at the node's place, never the submitter; the clerks' own rows in their unit only."""

import pytest

from orgs import scope_columns
from orgs.models import Region, Role
from orgs.testing import make_unit, make_user
from workflow import engine, inbox, selectors
from workflow.models import WorkItem

from .support import new_registration, reload

pytestmark = pytest.mark.usefixtures("flow")

REVIEW, OPEN = WorkItem.REVIEW, WorkItem.OPEN


def items(doc) -> list[tuple]:
    """(kind, node, role, place, unit, for one user) of the document's rows."""
    return sorted((w.kind, w.node, w.role, w.place, w.unit_id, w.user_id)
                  for w in WorkItem.objects.filter(object_id=doc.pk, doc_type=doc.doc_type))


def sees(user, doc) -> set[str]:
    """What the inbox offers this user on this document: 'review' and / or 'open'."""
    return {w.kind for w in selectors.work_items(user, limit=1000) if w.object_id == doc.pk}


def at(node, role, staff):
    return (REVIEW, node, role, engine.OWN_UNIT, staff.unit.pk, None)


def open_row(staff, user=None):
    return (OPEN, "", "clerk", engine.OWN_UNIT, staff.unit.pk, user.pk if user else None)


def test_the_work_item_follows_every_transition(staff):
    doc = new_registration(staff.clerk1, is_competent=True)
    assert items(doc) == [open_row(staff)]                                     # a new draft: the unit's clerks
    assert WorkItem.objects.get(object_id=doc.pk).status_text == "编辑中"

    engine.submit(doc, staff.clerk1)
    assert items(doc) == sorted([at("reviewer", "reviewer", staff), open_row(staff, staff.clerk1)])   # + 撤回
    engine.withdraw(doc, staff.clerk1)
    assert items(doc) == [open_row(staff)]
    assert WorkItem.objects.get(object_id=doc.pk).status_text == "已撤回"
    engine.submit(doc, staff.clerk2)
    assert items(doc) == sorted([at("reviewer", "reviewer", staff), open_row(staff, staff.clerk2)])
    engine.approve(doc, staff.reviewer1)
    assert items(doc) == [at("leader", "leader", staff)]                 # next node; no longer withdrawable
    engine.approve(doc, staff.leader)
    regulator = WorkItem.objects.get(object_id=doc.pk)
    assert (regulator.node, regulator.role, regulator.place) == ("regulator", "regulator", engine.REGULATOR)
    assert (regulator.acting_unit_id, regulator.region_path) == (None, staff.unit.region_path)
    engine.reject(doc, staff.fz_reg, "请补充")
    assert items(doc) == [at("leader", "leader", staff)]                 # back one node, not to the start
    engine.reject(doc, staff.leader, "请补充")
    engine.reject(doc, staff.reviewer1, "请补充")
    assert items(doc) == [open_row(staff)]                                     # back with the clerks: 已退回
    assert WorkItem.objects.get(object_id=doc.pk).status_text == "已退回"
    engine.discard(doc, staff.clerk1)
    assert items(doc) == []                                                    # 放弃 closes it for good


def test_final_approval_leaves_no_work(staff):
    doc = engine.submit(new_registration(staff.clerk1), staff.clerk1)
    engine.approve(doc, staff.reviewer1)                  # not 主管预算单位: the leader node is skipped
    assert items(doc) == [(REVIEW, "regulator", "regulator", engine.REGULATOR, staff.unit.pk, None)]
    engine.approve(doc, staff.fz_reg)
    assert items(doc) == []


def test_a_save_rewrites_the_rows_shown(staff):
    from registry.services import registration_save

    from .support import registration_data

    doc = new_registration(staff.clerk1)
    before = WorkItem.objects.get(object_id=doc.pk)
    registration_save(actor=staff.clerk1, registration=doc,
                      data=registration_data(staff.unit, name="福州第一中学（更名）"))
    after = WorkItem.objects.get(object_id=doc.pk)
    assert after.title.startswith("福州第一中学（更名）") and after.since >= before.since
    assert after.number == doc.number and after.unit_name == staff.unit.name


def test_the_submitter_never_sees_their_own_item_for_review(staff):
    doc = engine.submit(new_registration(staff.clerk_reviewer), staff.clerk_reviewer)
    assert sees(staff.clerk_reviewer, doc) == {OPEN}           # 撤回, not 审核
    assert sees(staff.reviewer1, doc) == {REVIEW}
    assert sees(staff.clerk1, doc) == set()                    # a pending document is no longer the unit's
    engine.approve(doc, staff.reviewer1)                       # now at the regulator
    assert sees(staff.clerk_reviewer, doc) == sees(staff.reviewer1, doc) == set()


def test_another_unit_and_another_region_see_nothing(staff):
    doc = engine.submit(new_registration(staff.clerk1), staff.clerk1)
    for user in (staff.other_reviewer, staff.other_clerk, staff.fz_reg, staff.fj_reg, staff.jx_reg, staff.leader):
        assert sees(user, doc) == set(), user
    engine.approve(doc, staff.reviewer1)
    assert sees(staff.fz_reg, doc) == sees(staff.fz_reg2, doc) == {REVIEW}
    for user in (staff.fj_reg, staff.jx_reg, staff.reviewer1, staff.other_reviewer):   # 福州 has its own regulator
        assert sees(user, doc) == set(), user


def test_a_new_regulator_below_takes_its_region_over_at_once(staff, world, gulou):
    """The rows keep the unit's region; who is responsible for it is decided when the inbox is read."""
    clerk, reviewer = make_user("gl_clerk", gulou, Role.CLERK), make_user("gl_reviewer", gulou, Role.REVIEWER)
    doc = engine.submit(new_registration(clerk), clerk)
    engine.approve(doc, reviewer)
    assert sees(staff.fz_reg, doc) == {REVIEW}
    from orgs.models import Unit

    gl_reg = make_user("gl_reg", make_unit("鼓楼区财政局采购办", region_code="350102", kind=Unit.KIND_REGULATOR),
                       Role.REGULATOR)
    assert sees(staff.fz_reg, doc) == set() and sees(gl_reg, doc) == {REVIEW}
    assert engine.available_actions(gl_reg, reload(doc)) >= {"approve"}


def test_a_unit_moved_to_another_region_takes_its_work_items_along(staff, world):
    """orgs.scope_columns refreshes the rows' region copy, as it does Project.region_path."""
    doc = engine.submit(new_registration(staff.clerk1), staff.clerk1)
    engine.approve(doc, staff.reviewer1)
    assert any(r.model is WorkItem for r in scope_columns.registered())
    staff.unit.region = Region.objects.get(code="350000")
    staff.unit.save()
    assert scope_columns.refresh_scope_columns([staff.unit]) >= 1
    row = WorkItem.objects.get(object_id=doc.pk)
    assert row.region_path == "/350000/"
    assert sees(staff.fz_reg, doc) == set() and sees(staff.fj_reg, doc) == {REVIEW}
    assert scope_columns.refresh_scope_columns([staff.unit]) == 0      # nothing left to change


def test_rebuild_writes_what_the_engine_wrote(staff):
    a = new_registration(staff.clerk1, is_competent=True)
    engine.submit(a, staff.clerk1)
    engine.approve(a, staff.reviewer1)
    b = engine.submit(new_registration(staff.other_clerk), staff.other_clerk)

    def snapshot():
        return sorted((w.object_id, w.kind, w.node, w.role, w.place, w.unit_id, w.acting_unit_id, w.region_path, w.user_id,
                       w.submitted_by_id, w.number, w.title, w.unit_name, w.status_text)
                      for w in WorkItem.objects.all())

    written = snapshot()
    assert {w[0] for w in written} == {a.pk, b.pk}
    WorkItem.objects.all().delete()
    assert inbox.rebuild() == len(written)
    assert snapshot() == written
