"""Work items at the kit's places and stages, on the kit's sample document (tests/kitsample): clerk → reviewer →
the unit's competent unit (主管预算单位), then 待发布 → 发布; the competent unit changing while it waits."""

from orgs import scope_columns
from orgs.models import Role
from orgs.testing import make_unit, make_user
from tests.kitsample import conftest as kitsample
from tests.kitsample.models import Notice
from tests.kitsample.test_kit import new_notice
from workflow import engine, selectors
from workflow.models import WorkItem

w = kitsample.w  # the kit sample's world (a fixture)


def rows(doc):
    return sorted((r.kind, r.node, r.role, r.place, r.acting_unit_id) for r in
                  WorkItem.objects.filter(object_id=doc.pk, doc_type=doc.doc_type))


def listed(user, doc) -> set[str]:
    return {r.kind for r in selectors.work_items(user, limit=500) if r.object_id == doc.pk}


def fresh(doc):
    return Notice.objects.get(pk=doc.pk)


def test_competent_unit_node_then_the_publish_stage(w):
    n = new_notice(w, submit=True)
    engine.approve(fresh(n), w.sub1_reviewer)
    assert rows(n) == [("review", "competent", "competent", "competent", w.dept.pk)]   # 福建省教育厅 acts
    assert listed(w.dept_competent, n) == {"review"}
    assert listed(w.sub1_reviewer, n) == listed(w.dept_clerk, n) == set()
    flow = engine.flow_for(n)
    assert list(selectors.awaiting_review(w.dept_competent, flow)) == [fresh(n)]

    engine.approve(fresh(n), w.dept_competent)
    assert rows(n) == [("stage", "publish", "clerk", "own_unit", w.sub1.pk)]            # 待发布: the clerks
    assert listed(w.sub1_clerk, n) == {"stage"}
    assert {r.flow.doc_type: (r.to_review, r.mine) for r in selectors.inbox_counts(w.sub1_clerk)} == {
        flow.doc_type: (0, 1)}
    engine.direct(fresh(n), w.sub1_clerk, "revoke", reason="内容有误")                     # 撤销: back to editing
    assert rows(n) == [("open", "", "clerk", "own_unit", w.sub1.pk)]
    engine.submit(fresh(n), w.sub1_clerk)
    engine.approve(fresh(n), w.sub1_reviewer)
    engine.approve(fresh(n), w.dept_competent)
    engine.advance(fresh(n), w.sub1_clerk, "publish")
    assert rows(n) == [] and listed(w.sub1_clerk, n) == set()                            # 已发布: nothing left


def test_a_new_competent_unit_takes_the_waiting_item_over(w):
    n = new_notice(w, submit=True)
    engine.approve(fresh(n), w.sub1_reviewer)
    other = make_unit("福建省卫生健康委员会", region_code="350000", is_competent=True, budget_code="350002001")
    other_competent = make_user("other_competent", other, Role.COMPETENT)
    w.sub1.competent = other
    w.sub1.save()
    w.sub1.refresh_path()
    assert scope_columns.refresh_scope_columns([w.sub1]) >= 1
    assert rows(n) == [("review", "competent", "competent", "competent", other.pk)]
    assert listed(other_competent, n) == {"review"} and listed(w.dept_competent, n) == set()
    assert engine.available_actions(other_competent, fresh(n)) >= {"approve"}
    assert scope_columns.refresh_scope_columns([w.sub1]) == 0
