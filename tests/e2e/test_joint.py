"""统招分签 in a real browser (FJ 2.1): the lead creates it and its reviewer approves; of three invited units one
declines with a reason (the §2.1.3 popup on 采购项目立项 → 新增), one responds and its reviewer approves, one lets
the window close → 归集 is refused before the deadline and allowed after it → the lead files a 统招分签 plan of the
collected project, and 取消归集 is refused while the plan uses it."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from intentions.models import Intention
from joint.models import JointProject
from joint.tests.conftest import jw  # noqa: F401  (the fixture)
from plans.models import Plan
from projects import services as project_services
from projects.models import Project

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def review(page, url):
    page.goto(url)
    page.click("[data-open-dialog=review-dialog]")
    page.click("#review-dialog button[value=approve]")
    page.wait_for_load_state()


def test_joint_project_three_units_collect_refused_then_allowed(jw, new_page):  # noqa: F811
    lead = new_page("dept_clerk")
    lead.on("dialog", lambda d: d.accept())
    lead.goto(lead.base + "/joint/new/")
    assert lead.locator(f"input[name=invited_units][value='{jw.lead.pk}']").is_checked()  # lead included by default
    lead.fill("input[name=name]", "2026年全省教育系统计算机统招分签")
    lead.fill("input[name=execution_plan]" if lead.locator("input[name=execution_plan]").count() else
              "textarea[name=execution_plan]", "由牵头单位统一组织招标，各分签单位分别与中标供应商签订合同。")
    deadline = timezone.localtime() + dt.timedelta(days=3)
    lead.fill("input[name=deadline]", deadline.strftime("%Y-%m-%dT%H:%M"))
    lead.locator(f"input[name=invited_units][value='{jw.lead.pk}']").uncheck()  # removable
    for unit in (jw.a, jw.b, jw.c):
        lead.locator(f"input[name=invited_units][value='{unit.pk}']").check()
    row = lead.locator("#line-lines tbody tr").first
    row.locator("select[name=line-category_id]").select_option(str(jw.goods.pk))
    row.locator("input[name=line-item_name]").fill("台式计算机")
    row.locator("input[name=line-quantity]").fill("100")
    row.locator("input[name=line-measure_unit]").fill("台")
    row.locator("input[name=line-unit_price]").fill("5000")
    lead.click("button[name=submit]")
    lead.wait_for_load_state()
    assert not lead.locator(".field-error").count(), lead.locator(".field-error").all_inner_texts()
    joint = JointProject.objects.get()
    assert joint.status == "pending" and joint.total_amount == 500000

    reviewer = new_page("dept_reviewer")
    review(reviewer, reviewer.base + f"/joint/{joint.pk}/")
    joint.refresh_from_db()
    assert joint.status == "approved" and joint.is_open

    # unit A declines with a reason from the popup of 采购项目立项 → 新增 → 统招分签采购
    a = new_page("sub1_clerk")
    a.goto(a.base + "/projects/new/")
    a.click("text=统招分签采购")
    popup = a.locator("#joint-response-popup")
    assert popup.is_visible() and joint.number in popup.inner_text()
    shot(a, "joint_popup")
    popup.locator("summary:has-text('不响应')").click()
    popup.locator("textarea[name=reason]").fill("本单位本年度已另行采购计算机")
    popup.locator("button:has-text('确定')").click()
    a.wait_for_url(a.base + "/projects/new/")
    assert "已选择不响应" in a.content()
    a.click("text=统招分签采购")
    assert joint.number not in a.locator("#joint-response-popup").inner_text()  # never offered again

    # unit B responds (10 台 on its own indicator) and its reviewer approves
    b = new_page("b_clerk")
    b.goto(b.base + "/projects/new/")
    b.click("text=统招分签采购")
    b.locator("#joint-response-popup a:has-text('响应')").click()
    b.fill(f"input[name=take-{joint.lines.get().pk}]", "10")
    # 项目资金构成 is projects' table, live as on 立项: 可用金额, 使用后剩余 and the over-use message are the server's
    fund = b.locator("#fund-lines tbody tr").nth(0)
    fund.locator("select.fund-indicator").select_option(str(jw.b_ind.pk))
    expect(fund.locator(".fund-available")).to_have_text("500,000.00")
    fund.locator("input[name=fund-amount]").fill("600000")
    expect(fund.locator(".fund-remaining")).to_have_text("-100,000.00（超出可用金额）")
    assert "不足本次使用的 600,000.00 元" in fund.locator(".fund-remaining").get_attribute("title")
    expect(b.locator("#fund-check")).to_contain_text("与项目金额（50,000.00 元）不一致")
    fund.locator("input[name=fund-amount]").fill("50000")
    expect(fund.locator(".fund-remaining")).to_have_text("450,000.00")
    expect(b.locator("#fund-check")).to_have_text("与项目金额一致")
    b.fill(f"input[name=take-{joint.lines.get().pk}]", "12")  # a changed 数量 re-checks the 资金合计
    expect(b.locator("#fund-check")).to_contain_text("与项目金额（60,000.00 元）不一致")
    b.fill(f"input[name=take-{joint.lines.get().pk}]", "10")
    expect(b.locator("#fund-check")).to_have_text("与项目金额一致")
    shot(b, "joint_respond")
    b.click("button[name=submit]")
    b.wait_for_url(b.base + "/projects/*/")
    project = Project.objects.get(implementation_form="joint_response")
    assert project.status == "pending" and project.unit_id == jw.b.pk
    review(new_page("b_reviewer"), b.base + f"/projects/{project.pk}/")
    project.refresh_from_db()
    assert project.status == "approved" and project_services.uses_of(project) == [f"joint.jointproject:{joint.pk}"]

    # unit C does nothing: before the deadline 归集 is refused and names it
    lead.goto(lead.base + f"/joint/{joint.pk}/")
    lead.click("button:has-text('归集')")
    lead.wait_for_load_state()
    assert "尚未响应：福州市第二中学" in lead.content()
    assert "本单位本年度已另行采购计算机" in lead.content() and "已响应" in lead.content()
    shot(lead, "joint_collect_refused")

    # the window closes by itself at the deadline (the clock moved: the deadline set in the past)
    JointProject.objects.filter(pk=joint.pk).update(deadline=timezone.now() - dt.timedelta(minutes=1))
    lead.goto(lead.base + f"/joint/{joint.pk}/")
    assert "响应已截止" in lead.content()
    lead.click("button:has-text('归集')")
    lead.wait_for_load_state()
    assert "已归集：1家单位的响应纳入归集，合计 50,000.00 元" in lead.content()
    shot(lead, "joint_collected")
    joint.refresh_from_db()
    assert joint.stage == "collect_done" and list(joint.responses.filter(included=True).values_list(
        "unit_id", flat=True)) == [jw.b.pk]

    # after 归集 the lead publishes the intention of the joint project (FJ 2.1.4 注), public without login
    lead.goto(lead.base + "/intentions/new/")
    lead.click("button[data-open-dialog=pick-projects]")
    lead.locator("#pick-projects tr", has_text=joint.name).locator("input[type=checkbox]").check()
    lead.locator("#pick-projects button[data-pick-rows]").click()
    line = lead.locator("#line-lines tbody tr").nth(0)
    line.locator("[name=line-demand_summary]").fill("全省教育系统计算机，各分签单位分别签订合同")
    line.locator("input[name=line-expected_month]").fill("2027-01")
    lead.click("button[name=submit]")
    lead.wait_for_url(lead.base + "/intentions/*/")
    assert "已保存并提交" in lead.content()
    intention = Intention.objects.get(lines__joint=joint)
    review(reviewer, reviewer.base + f"/intentions/{intention.pk}/")
    lead.goto(lead.base + "/intentions/publish/")
    lead.once("dialog", lambda d: d.accept())
    lead.locator("tr", has_text=intention.number).locator("button", has_text="发布").click()
    lead.wait_for_load_state()
    anon = new_page()
    anon.goto(anon.base + "/portal/intentions/")
    assert joint.name in anon.content()
    shot(anon, "joint_intention_public")

    # after 归集 the lead files a 统招分签 plan (FJ 4.1.4): 新增 → 统招分签采购 → 【+选择采购项目】 → 选择
    lead.goto(lead.base + "/plans/new/")
    lead.click("a:has-text('统招分签采购')")
    row = lead.locator("tr", has_text=joint.number)
    assert "50,000.00" in row.inner_text() and "福建省卫生健康委员会" in row.inner_text()
    shot(lead, "joint_plan_pick")
    row.locator("button:has-text('选择')").click()
    lead.wait_for_url(lead.base + "/plans/*/edit/")
    assert "已归集的统招分签项目自动获取" in lead.content() and "福建省卫生健康委员会：" in lead.content()
    lead.select_option("select[name=organization_form]", "self_organized")
    lead.select_option("select[name=procurement_method]", "inquiry")
    lead.check("input[name=sme_oriented]")
    lead.fill("input[name=contact_name]", "林经办")
    lead.fill("input[name=contact_phone]", "0591-87654321")
    lead.click("button[name=submit]")
    plan = Plan.objects.get(joint_project=joint)
    lead.wait_for_url(lead.base + f"/plans/{plan.pk}/")
    shot(lead, "joint_plan_submitted")
    joint.refresh_from_db()
    assert joint.planned_by == f"plans.plan:{plan.pk}"
    review(reviewer, reviewer.base + f"/plans/{plan.pk}/")
    plan.refresh_from_db()
    assert plan.status_text == "已备案" and plan.total_amount == 50000

    # 取消归集 is refused while the plan uses the joint project
    lead.goto(lead.base + f"/joint/{joint.pk}/")
    lead.click("[data-open-dialog=direct-uncollect]")
    lead.fill("#direct-uncollect textarea[name=reason]", "调整归集范围")
    lead.click("#direct-uncollect button:has-text('确定')")
    lead.wait_for_load_state()
    assert "已被采购计划使用，不能取消归集" in lead.content()
    assert JointProject.objects.get(pk=joint.pk).stage == "collect_done"
