"""After 归集 the lead unit's intention points at the 统招分签 (JointProject), not at a single project: the picker
offers the collected joint project, the responders' own projects are refused, one live intention per joint."""

import pytest
from django.test import Client

from core.errors import BusinessError, FieldErrors
from intentions import selectors
from intentions.docs import INTENTION
from joint.models import JointProject
from joint.services import joint_decline
from joint.tests.conftest import approved_joint, past, respond
from workflow import engine
from workflow.kit import editing

pytestmark = pytest.mark.django_db


def collected(jw):
    joint = approved_joint(jw)
    response = respond(jw, joint, jw.a_clerk, indicator=jw.a_ind, reviewer=jw.a_reviewer)
    joint_decline(actor=jw.b_clerk, response=joint.responses.get(unit=jw.b), reason="无需求")
    joint = engine.advance(past(joint), jw.clerk, "collect")
    return JointProject.objects.get(pk=joint.pk), response


def refused(call) -> str:
    with pytest.raises(FieldErrors) as exc:
        call()
    return " ".join(exc.value.errors.values())


def save(clerk, *, joint=None, project=None, submit=False):
    row = {"project_id": str(project.pk) if project else "", "joint_id": str(joint.pk) if joint else "",
           "name": "全省教育系统计算机统一采购", "demand_summary": "计算机", "budget_amount": "50000",
           "expected_month": "2026-10", "remark": ""}
    data = {"title": "", **INTENTION.clean_lines({"line": [row]})}
    return editing.save_and_submit(lambda: INTENTION.save_doc(clerk, None, data, None), actor=clerk, submit=submit)


def test_lead_publishes_the_intention_of_a_collected_joint_project(jw):
    joint, response = collected(jw)
    assert list(selectors.eligible_joints(jw.clerk)) == [joint]
    page = Client()
    page.force_login(jw.clerk)
    assert joint.number in page.get("/intentions/new/").content.decode()
    # the responder's own 统招分签采购 project is not for an intention of its own
    assert response not in selectors.eligible_projects(jw.a_clerk)
    assert "牵头单位在归集后公开" in refused(lambda: save(jw.a_clerk, project=response))
    # another unit cannot take the lead's joint project
    assert "不属于本单位或尚未归集" in refused(lambda: save(jw.a_clerk, joint=joint))
    doc = save(jw.clerk, joint=joint, submit=True)
    assert doc.lines.get().joint_id == joint.pk and doc.lines.get().project_id is None
    doc = engine.advance(engine.approve(doc, jw.reviewer), jw.clerk, "publish")
    assert selectors.published_at_for_project(joint_id=joint.pk) == type(doc).objects.get(pk=doc.pk).published_at
    assert selectors.eligible_joints(jw.clerk).count() == 0
    assert "已有采购意向公开" in refused(lambda: save(jw.clerk, joint=joint))
    assert "全省教育系统计算机统一采购" in Client().get("/portal/intentions/").content.decode()


def test_an_uncollected_joint_project_is_refused_and_cannot_be_published(jw):
    joint = approved_joint(jw)
    assert "尚未归集" in refused(lambda: save(jw.clerk, joint=joint))
    joint, _ = collected(jw)
    doc = engine.approve(save(jw.clerk, joint=joint, submit=True), jw.reviewer)
    engine.direct(joint, jw.clerk, "uncollect", reason="重新归集")
    with pytest.raises(BusinessError, match="取消归集"):
        engine.advance(doc, jw.clerk, "publish")


def test_a_line_names_a_project_or_a_joint_project_not_both(jw):
    joint, response = collected(jw)
    assert "选择采购项目" in refused(lambda: save(jw.clerk, joint=joint, project=response))
