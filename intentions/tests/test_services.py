"""The rules of 采购意向公开: which projects an intention may hold, 发布 (final, timed), 撤销 before it."""

import pytest
from django.utils import timezone

from core.errors import BusinessError, FieldErrors
from intentions import selectors
from intentions.models import Intention
from intentions.testing import approved_project
from projects import services as project_services
from workflow import engine
from workflow.models import Status

from .support import approved, published, reload, save

pytestmark = pytest.mark.django_db


def refused(clerk, *projects, **kw) -> str:
    with pytest.raises(FieldErrors) as exc:
        save(clerk, *projects, **kw)
    return " ".join(exc.value.errors.values())


def test_clerk_saves_one_line_per_project_with_its_own_copy(yx):
    p1, p2 = approved_project(yx.clerk, name="教学设备"), approved_project(yx.clerk, name="办公家具", amount="50000")
    doc = save(yx.clerk, p1, p2)
    assert doc.title.startswith("福建省教育厅") and doc.title.endswith("政府采购意向")
    lines = list(selectors.lines_of(doc))
    assert [(ln.project_id, ln.name, str(ln.budget_amount)) for ln in lines] == [
        (p1.pk, "教学设备", "80000.00"), (p2.pk, "办公家具", "50000.00")]
    assert lines[0].expected_month.isoformat() == "2026-09-01"
    # edited in the intention: the project keeps its own values
    doc = save(yx.clerk, p1, doc=doc, name="教学设备（意向）", budget_amount="70000", expected_month="2026-11")
    line = selectors.lines_of(doc).get()
    assert (line.name, str(line.budget_amount), line.expected_month.month) == ("教学设备（意向）", "70000.00", 11)
    assert reload(p1).name == "教学设备" and reload(p1).total_amount == 80000
    assert not reload(p1).is_used  # an intention does not make the project used (RULES §A)


def test_refusals_of_the_projects(yx, world):
    pending = approved_project(yx.clerk, approve=False)
    assert "尚未审核通过" in refused(yx.clerk, pending)
    own_self = approved_project(yx.clerk, form="self", amount="5000")
    assert "自行采购项目不需要意向公开" in refused(yx.clerk, own_self)
    other = approved_project(world.sub1_clerk)
    assert "不存在或不属于本单位" in refused(yx.clerk, other)
    ok = approved_project(yx.clerk)
    assert "不能重复选择" in refused(yx.clerk, ok, ok)
    save(yx.clerk, ok)
    assert "已有采购意向公开" in refused(yx.clerk2, ok)  # one live intention per project, whoever asks
    assert Intention.objects.count() == 1


def test_a_revoked_project_is_refused(yx):
    p = approved_project(yx.clerk)
    project_services.Project.objects.filter(pk=p.pk).update(revoked_at=timezone.now())
    assert "已撤销" in refused(yx.clerk, p)


def test_a_line_without_a_project_is_refused(yx):
    with pytest.raises(FieldErrors) as exc:
        save(yx.clerk, approved_project(yx.clerk), project_id="")
    assert exc.value.errors == {"line.0.name": "第1行：请通过【选择采购项目】选择项目。"}


def test_a_discarded_intention_frees_its_project_a_published_one_never(yx):
    p = approved_project(yx.clerk)
    draft = save(yx.clerk, p)
    engine.discard(draft, yx.clerk)
    assert p in selectors.eligible_projects(yx.clerk)
    doc = published(yx.clerk, yx.reviewer, p)
    assert p not in selectors.eligible_projects(yx.clerk)
    assert "已有采购意向公开" in refused(yx.clerk, p)
    assert selectors.published_at_for_project(p.pk) == reload(doc).published_at


def test_flow_reject_back_to_clerk_then_approve_and_publish(yx):
    p = approved_project(yx.clerk)
    doc = save(yx.clerk, p, submit=True)
    assert (doc.status, doc.current_node) == (Status.PENDING, "reviewer")
    with pytest.raises(BusinessError):
        engine.reject(doc, yx.reviewer, opinion="")
    doc = engine.reject(doc, yx.reviewer, opinion="需求概况不清楚")
    assert doc.status == Status.DRAFT and doc.status_text == "已退回"
    doc = engine.approve(engine.submit(doc, yx.clerk), yx.reviewer)
    assert (doc.status, doc.stage, doc.status_text, doc.published_at) == (Status.APPROVED, "publish", "待发布", None)
    assert selectors.published_at_for_project(p.pk) is None
    before = timezone.now()
    doc = engine.advance(doc, yx.clerk, "publish")
    assert doc.status_text == "已发布" and reload(doc).published_at >= before


def test_publish_twice_is_refused_and_nothing_after_it(yx):
    doc = published(yx.clerk, yx.reviewer, approved_project(yx.clerk))
    at = reload(doc).published_at
    with pytest.raises(BusinessError):
        engine.advance(reload(doc), yx.clerk, "publish")
    with pytest.raises(BusinessError):  # 撤销 after 发布: final
        engine.direct(reload(doc), yx.clerk, "revoke", reason="写错了")
    assert engine.available_actions(yx.clerk, reload(doc)) == set()
    assert reload(doc).published_at == at


def test_only_the_clerk_publishes(yx):
    doc = approved(yx.clerk, yx.reviewer, approved_project(yx.clerk))
    with pytest.raises(BusinessError):  # NotAllowed is a BusinessError
        engine.advance(doc, yx.reviewer, "publish")
    assert "publish" in engine.available_actions(yx.clerk2, doc)  # any clerk of the unit


def test_revoke_before_publishing_returns_it_to_editing_with_a_reason(yx):
    p = approved_project(yx.clerk)
    doc = approved(yx.clerk, yx.reviewer, p)
    with pytest.raises(BusinessError) as exc:
        engine.direct(doc, yx.clerk, "revoke", reason="  ")
    assert exc.value.field == "reason"
    with pytest.raises(BusinessError):
        engine.direct(doc, yx.reviewer, "revoke", reason="改")
    doc = engine.direct(reload(doc), yx.clerk, "revoke", reason="预计采购时间有变")
    assert (doc.status, doc.stage, doc.is_editable) == (Status.DRAFT, "", True)
    assert p not in selectors.eligible_projects(yx.clerk)  # still held by this intention
    doc = save(yx.clerk, p, doc=doc, expected_month="2026-12", submit=True)
    assert doc.status == Status.PENDING


def test_submit_rechecks_a_project_revoked_after_saving(yx):
    p = approved_project(yx.clerk)
    doc = save(yx.clerk, p)
    project_services.Project.objects.filter(pk=p.pk).update(revoked_at=timezone.now())
    with pytest.raises(FieldErrors) as exc:
        engine.submit(doc, yx.clerk)
    assert "已撤销" in str(exc.value.errors)
    assert reload(doc).status == Status.DRAFT


def test_publish_refused_when_a_project_was_revoked_meanwhile(yx):
    p = approved_project(yx.clerk)
    doc = approved(yx.clerk, yx.reviewer, p)
    project_services.Project.objects.filter(pk=p.pk).update(revoked_at=timezone.now())
    with pytest.raises(BusinessError):
        engine.advance(doc, yx.clerk, "publish")
    assert reload(doc).stage == "publish" and reload(doc).published_at is None


def test_demo_publishes_one_intention_once(yx):
    from intentions import demo

    p = approved_project(yx.clerk, name="演示项目")
    assert demo.load(clerk=yx.clerk, reviewer=yx.reviewer) == 1
    assert demo.load(clerk=yx.clerk, reviewer=yx.reviewer) == 0
    doc = Intention.objects.get()
    assert doc.status_text == "已发布" and selectors.published_at_for_project(p.pk) == doc.published_at
