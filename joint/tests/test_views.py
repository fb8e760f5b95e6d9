"""统招分签 pages: the lead's kit pages, the §2.1.3 popup on 新增, 不响应, 响应, the invitation, scope."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from joint.models import JointProject
from projects.models import Project

from .conftest import approved_joint, past, respond

pytestmark = pytest.mark.django_db


def client(user):
    c = Client()
    c.force_login(user)
    return c


def test_list_and_new_form_with_the_lead_checked(jw):
    c = client(jw.clerk)
    assert "统招分签项目" in c.get(reverse("joint:list")).content.decode()
    page = c.get(reverse("joint:new")).content.decode()
    assert f'value="{jw.lead.pk}"' in page and "checked" in page  # the lead takes part by default
    assert "福建省卫生健康委员会" in page and "南昌市第一中学" not in page  # only the lead's region tree


def test_create_through_the_page_and_refusal_beside_the_field(jw):
    c = client(jw.clerk)
    post = {"name": "统一采购", "fiscal_year": timezone.localdate().year, "procurement_kind": "goods",
            "execution_plan": "统一招标", "deadline": (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "invited_units": [jw.a.pk, jw.b.pk], "line-category_id": [jw.goods.pk], "line-item_name": ["计算机"],
            "line-quantity": ["10"], "line-measure_unit": ["台"], "line-unit_price": ["5000"]}
    resp = c.post(reverse("joint:new"), {**post, "deadline": "2000-01-01T00:00"})
    assert resp.status_code == 200 and "响应截止时间须晚于当前时间" in resp.content.decode()
    resp = c.post(reverse("joint:new"), {**post, "submit": "1"})
    joint = JointProject.objects.get()
    assert resp.status_code == 302 and joint.status == "pending" and joint.total_amount == 50000


def test_detail_shows_every_units_answer(jw):
    joint = approved_joint(jw)
    respond(jw, joint, jw.a_clerk, indicator=jw.a_ind)
    from joint import services
    services.joint_decline(actor=jw.b_clerk, response=joint.responses.get(unit=jw.b), reason="今年无预算")
    page = client(jw.clerk).get(reverse("joint:detail", args=[joint.pk])).content.decode()
    assert "项目归集范围及单位响应情况" in page
    assert "响应审核中" in page and "今年无预算" in page and "未响应" in page
    assert ">归集<" in page  # the stage button of the lead's clerk


def test_collect_page_refusal_then_success_after_the_deadline(jw):
    joint = approved_joint(jw)
    respond(jw, joint, jw.a_clerk, indicator=jw.a_ind, reviewer=jw.a_reviewer)
    c = client(jw.clerk)
    url = reverse("joint:action", args=[joint.pk, "collect"])
    resp = c.post(url, {"version": joint.version}, follow=True)
    assert "尚未响应" in resp.content.decode()
    joint = past(JointProject.objects.get(pk=joint.pk))
    resp = c.post(url, {"version": joint.version}, follow=True)
    assert "已归集：1家单位" in resp.content.decode()
    assert JointProject.objects.get(pk=joint.pk).stage == "collect_done"


def test_choose_page_popup_lists_open_invitations(jw):
    joint = approved_joint(jw)
    page = client(jw.a_clerk).get(reverse("projects:new_choose")).content.decode()
    assert 'id="joint-response-popup"' in page and joint.number in page
    assert "不响应" in page and reverse("joint:respond", args=[joint.responses.get(unit=jw.a).pk]) in page
    other = client(jw.w.jx_clerk).get(reverse("projects:new_choose")).content.decode()
    assert joint.number not in other


def test_decline_page(jw):
    joint = approved_joint(jw)
    r = joint.responses.get(unit=jw.a)
    c = client(jw.a_clerk)
    resp = c.post(reverse("joint:decline", args=[r.pk]), {"reason": ""}, follow=True)
    assert "请填写不响应原因" in resp.content.decode()
    c.post(reverse("joint:decline", args=[r.pk]), {"reason": "无需求"})
    r.refresh_from_db()
    assert r.answer == "declined" and r.decline_reason == "无需求"
    assert client(jw.b_clerk).post(reverse("joint:decline", args=[r.pk]), {"reason": "x"}).status_code == 404


def test_respond_page_saves_and_submits(jw):
    joint = approved_joint(jw)
    r = joint.responses.get(unit=jw.a)
    c = client(jw.a_clerk)
    url = reverse("joint:respond", args=[r.pk])
    page = c.get(url).content.decode()
    assert "台式计算机" in page and 'name="take-' in page
    line = joint.lines.get()
    resp = c.post(url, {"name": "考试院计算机", f"take-{line.pk}": "abc", "fund-indicator": [jw.a_ind.pk],
                        "fund-amount": ["10000"]})
    assert resp.status_code == 200 and "数量须为大于0的数字" in resp.content.decode()
    resp = c.post(url, {"name": "考试院计算机", f"take-{line.pk}": "2", "fund-indicator": [jw.a_ind.pk],
                        "fund-amount": ["10000"], "submit": "1"})
    project = Project.objects.get(implementation_form="joint_response")
    assert resp.status_code == 302 and project.status == "pending" and project.total_amount == 10000
    # projects' 编辑 of a returned response goes to the response page
    from workflow import engine
    engine.reject(project, jw.a_reviewer, opinion="数量再核")
    assert client(jw.a_clerk).get(reverse("projects:edit", args=[project.pk]))["Location"] == url


def test_invitation_page_scope(jw):
    joint = approved_joint(jw)
    r = joint.responses.get(unit=jw.a)
    assert "项目执行方案" in client(jw.a_clerk).get(reverse("joint:invitation", args=[r.pk])).content.decode()
    assert client(jw.b_clerk).get(reverse("joint:invitation", args=[r.pk])).status_code == 404
    assert client(jw.a_clerk).get(reverse("joint:detail", args=[joint.pk])).status_code == 404  # the lead's page
    assert client(jw.w.fj_reg).get(reverse("joint:detail", args=[joint.pk])).status_code == 200  # the regulator


def test_menu_entry(jw):
    assert reverse("joint:list") in client(jw.clerk).get("/").content.decode()


def test_respond_page_draws_projects_fund_table(jw):
    """项目资金构成 is projects' line table (as on 立项): the unit's indicators with 可用金额, the live URL."""
    r = approved_joint(jw).responses.get(unit=jw.a)
    page = client(jw.a_clerk).get(reverse("joint:respond", args=[r.pk])).content.decode()
    assert 'id="fund-lines"' in page and 'id="fund-row"' in page and "选择指标（新增一行）" in page
    assert "使用后剩余（元）" in page and "资金合计（元）" in page
    assert f'value="{jw.a_ind.pk}"' in page and "可用 500,000.00 元" in page
    assert f'value="{jw.b_ind.pk}"' not in page  # another unit's indicator is not offered
    assert reverse("joint:respond_money_check", args=[r.pk]) in page
    assert page.count('class="form-buttons"') == 1 and "保存并提交" in page


def test_respond_page_keeps_the_fund_rows_and_their_errors(jw):
    joint = approved_joint(jw)
    r = joint.responses.get(unit=jw.a)
    line = joint.lines.get()
    resp = client(jw.a_clerk).post(reverse("joint:respond", args=[r.pk]), {
        "name": "考试院计算机", f"take-{line.pk}": "2", "fund-indicator": [jw.a_ind.pk, jw.a_ind.pk],
        "fund-amount": ["6000", "4000"]})
    page = resp.content.decode()
    assert resp.status_code == 200 and "第2行：指标" in page and "重复选择" in page
    assert page.count('name="fund-amount"') == 3  # the two rows as typed, and the new-row template
    assert 'value="6000"' in page and 'value="4000"' in page
    assert not Project.objects.exists()


def test_respond_money_check_answers_with_projects_computation(jw):
    joint = approved_joint(jw)
    r = joint.responses.get(unit=jw.a)
    line = joint.lines.get()
    url = reverse("joint:respond_money_check", args=[r.pk])
    c = client(jw.a_clerk)
    body = c.post(url, {f"take-{line.pk}": "2", "fund-indicator": [jw.a_ind.pk], "fund-amount": ["10000"]})
    text = body.content.decode()
    assert body.status_code == 200 and "490,000.00" in text and "与项目金额一致" in text  # 2 台 × 5,000.00
    over = c.post(url, {f"take-{line.pk}": "200", "fund-indicator": [jw.a_ind.pk], "fund-amount": ["600000"]})
    text = over.content.decode()
    assert "-100,000.00" in text and "（超出可用金额）" in text
    assert "第1行：指标" in text and "不足本次使用的 600,000.00 元" in text  # the save's own over-use message
    assert "与项目金额（1,000,000.00 元）不一致" in text
    # lines the save would refuse count nothing; odd numbers are not a server error
    odd = c.post(url, {f"take-{line.pk}": "1e400", "fund-indicator": ["x"], "fund-amount": ["1e400"]})
    assert odd.status_code == 200


def test_respond_money_check_scope(jw):
    r = approved_joint(jw).responses.get(unit=jw.a)
    url = reverse("joint:respond_money_check", args=[r.pk])
    assert client(jw.a_clerk).get(url).status_code == 405
    assert client(jw.b_clerk).post(url, {}).status_code == 404  # another invited unit's answer
    assert client(jw.a_reviewer).post(url, {}).status_code == 403
    assert Client().post(url, {}).status_code == 302  # to the login page
    # the response page itself for the same roles
    assert client(jw.b_clerk).get(reverse("joint:respond", args=[r.pk])).status_code == 404
    assert client(jw.a_reviewer).get(reverse("joint:respond", args=[r.pk])).status_code == 403
