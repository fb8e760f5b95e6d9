"""The lifecycle of an approved project in a real browser: 变更 and 撤销 through the 需求领导 (the money comes back
to the indicator), 资金追加 on a used project through the 需求领导, and a refused 实施形式变更 that says why."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from budgets import ledger
from budgets.models import BudgetIndicator
from projects.models import Project, ProjectRequest
from projects.tests.support import PDF
from projects.tests.test_request_support import approved_project, indicator, leader, mark_used

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def money_text(amount) -> str:
    return f"{Decimal(amount):,.2f}"


def open_panel(page, project):
    page.goto(page.base + f"/projects/{project.pk}/")
    page.wait_for_selector("#request-panel h2")  # loaded into the detail page


def review(page, number, opinion):
    """The leader opens the request from the 工作台's 待处理 and passes it."""
    page.goto(page.base + "/")
    row = page.locator("table.grid tr", has_text=number)
    row.locator("a:text-is('审核')").click()
    page.click("button:text-is('审核')")
    page.fill("textarea[name=opinion]", opinion)
    page.click("button:text-is('审核通过')")
    assert "审核通过" in page.locator(".messages").inner_text()


def test_change_then_revoke_through_the_leader_releases_the_money(world, new_page):
    w = world
    leader(w.dept)
    ind = indicator(w.dept, "500000", name="办公设备购置")
    project = approved_project(w.dept_clerk, {ind: "300000"}, name="教育厅办公设备采购")
    assert BudgetIndicator.objects.get(pk=ind.pk).available == Decimal("200000")

    # 变更: the clerk renames the project and splits the content list
    clerk = new_page("dept_clerk")
    open_panel(clerk, project)
    assert clerk.locator("#request-panel a:text-is('资金追加')").count() == 0  # unused: no fund operations
    clerk.click("#request-panel a:text-is('变更')")
    clerk.fill("textarea[name=reason]", "根据实际需求调整采购内容")
    clerk.fill("input[name=name]", "教育厅办公设备采购（调整）")
    clerk.fill("input[name='line-quantity']", "40")
    clerk.fill("input[name='line-measure_unit']", "台")
    clerk.fill("input[name='line-unit_price']", "5000")
    clerk.click("#sec-content button:text-is('新增一行')")
    second = clerk.locator("#content-lines tbody tr").nth(1)
    second.locator("select[name='line-category']").select_option(index=1)
    second.locator("input[name='line-item_name']").fill("便携式计算机")
    second.locator("input[name='line-quantity']").fill("20")
    second.locator("input[name='line-measure_unit']").fill("台")
    second.locator("input[name='line-unit_price']").fill("5000")
    expect(clerk.locator("#content-total")).to_have_text("300,000.00")  # live total, the server's
    clerk.click("button:text-is('提交')")
    assert "等待需求领导审核" in clerk.locator(".messages").inner_text()
    change = ProjectRequest.objects.get(kind="change")

    boss = new_page("dept_leader")
    boss.goto(boss.base + "/")
    assert change.number in boss.locator("main").inner_text()
    boss.goto(boss.base + f"/projects/requests/{change.pk}/")
    diff = boss.locator("section.diff").inner_text()
    assert "教育厅办公设备采购（调整）" in diff and "便携式计算机" in diff
    shot(boss, "15_request_diff")
    review(boss, change.number, "同意变更")
    project.refresh_from_db()
    assert project.name == "教育厅办公设备采购（调整）"

    # 撤销: submitted, withdrawn (撤回 from 待处理), submitted again, approved by the leader
    open_panel(clerk, project)
    clerk.click("#request-panel a:text-is('撤销')")
    clerk.fill("textarea[name=reason]", "项目取消，释放预算")
    clerk.click("button:text-is('提交')")  # refused: 撤销 carries its 项目撤销说明附件
    assert "撤销申请须上传项目撤销说明附件。" in clerk.locator("#sec-attachments").inner_text()
    clerk.set_input_files("#sec-attachments input[type=file]",
                          files=[{"name": "撤销说明.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    clerk.wait_for_selector("#sec-attachments input[name=attachment_ids]", state="attached")
    clerk.click("button:text-is('提交')")
    revoke = ProjectRequest.objects.get(kind="revoke")
    clerk.goto(clerk.base + "/")
    row = clerk.locator("table.grid tr", has_text=revoke.number)
    assert row.locator("a:text-is('撤回')").count() == 1  # 待处理 shows it with 撤回
    row.locator("a:text-is('撤回')").click()
    clerk.click("button:text-is('撤回')")
    assert "已撤回" in clerk.locator(".messages").inner_text()
    assert Project.objects.get(pk=project.pk).revoked_at is None
    assert ledger.held(ledger.holder_key(project)) == {ind.pk: Decimal("300000")}
    clerk.click("button:text-is('提交')")
    assert "已提交" in clerk.locator(".messages").inner_text()

    review(boss, revoke.number, "同意撤销")
    project.refresh_from_db()
    assert project.revoked_at is not None
    # the money is back on the indicator
    clerk.goto(clerk.base + f"/budgets/indicators/{ind.pk}/")
    assert "¥500,000.00 元" in clerk.locator("main").inner_text()
    open_panel(clerk, project)
    assert "已撤销" in clerk.locator("#request-panel").inner_text()
    assert clerk.locator("#request-panel .request-buttons").count() == 0


def test_fund_add_on_a_used_project_goes_through_the_leader(world, new_page):
    w = world
    leader(w.dept)
    ind1 = indicator(w.dept, "500000", name="办公设备购置")
    ind2 = indicator(w.dept, "200000", name="专项经费")
    project = mark_used(approved_project(w.dept_clerk, {ind1: "300000"}, name="教育厅信息化设备采购"))

    clerk = new_page("dept_clerk")
    open_panel(clerk, project)
    panel = clerk.locator("#request-panel")
    assert panel.locator("a:text-is('撤销')").count() == 0 and panel.locator("a:text-is('变更')").count() == 0
    panel.locator("a:text-is('资金追加')").click()
    clerk.fill("textarea[name=reason]", "采购数量增加")
    clerk.locator("select[name='move-indicator']").select_option(str(ind2.pk))
    expect(clerk.locator("#move-lines .show-room").first).to_have_text("200,000.00")  # available as you pick
    clerk.fill("input[name='move-amount']", "80000")
    # the 采购内容清单 follows the money in the same request (prefilled with the project's lines)
    expect(clerk.locator("#content-total")).to_have_text("300,000.00")
    clerk.fill("#sec-content input[name='line-unit_price']", "380000")
    expect(clerk.locator("#content-total")).to_have_text("380,000.00")
    clerk.click("button:text-is('提交')")  # without 指标管理处室
    assert "资金追加须选择指标管理处室。" in clerk.locator("main").inner_text()
    assert not ProjectRequest.objects.exists()
    clerk.select_option("select[name=budget_office]", "教科文处")
    clerk.click("button:text-is('提交')")
    assert "等待需求领导审核" in clerk.locator(".messages").inner_text()
    req = ProjectRequest.objects.get()
    assert ledger.held(ledger.holder_key(req)) == {ind2.pk: Decimal("80000")}

    boss = new_page("dept_leader")
    review(boss, req.number, "同意追加")
    held = ledger.held(ledger.holder_key(project))
    assert held == {ind1.pk: Decimal("300000"), ind2.pk: Decimal("80000")}
    text = boss.locator("main").inner_text()
    assert "教科文处" in text and "同意追加" in text and money_text(80000) in text
    project.refresh_from_db()
    assert project.total_amount == Decimal("380000")
    assert [ln.amount for ln in project.content_lines.filter(is_active=True)] == [Decimal("380000")]


def test_refused_implementation_form_change_shows_why(world, new_page):
    w = world
    ind = indicator(w.dept, "2000000", name="基建维修")
    big = approved_project(w.dept_clerk, {ind: "1200000"}, name="教学楼设备采购")

    clerk = new_page("dept_clerk")
    clerk.click("nav >> text=实施形式变更")
    row = clerk.locator("table.grid tr", has_text=big.number)
    assert "一般项目采购" in row.inner_text()
    row.locator("a:text-is('变更实施形式')").click()
    clerk.select_option("select[name=implementation_form]", "self")
    clerk.click("button:text-is('保存')")
    error = clerk.locator(".field.has-error .field-error").inner_text()
    assert re.search(r"自行采购仅适用于未达到分散采购限额的项目：项目金额 1,200,000.00 元", error)
    assert clerk.locator("select[name=implementation_form]").input_value() == "self"  # the choice stays
    shot(clerk, "16_form_change_refused")
    assert Project.objects.get(pk=big.pk).implementation_form == "general"

    clerk.select_option("select[name=implementation_form]", "renewal")
    clerk.click("button:text-is('保存')")
    assert "合同续签仅适用于服务类项目。" in clerk.locator(".field.has-error").inner_text()
    assert Project.objects.get(pk=big.pk).implementation_form == "general"

    # a form whose rules hold is saved (网上超市: goods within its cap)
    clerk.select_option("select[name=implementation_form]", "mall")
    clerk.click("button:text-is('保存')")
    assert "实施形式已变更为「网上超市」。" in clerk.locator(".messages").inner_text()
    assert "网上超市" in clerk.locator("table.grid tr", has_text=big.number).inner_text()
    assert Project.objects.get(pk=big.pk).implementation_form == "mall"
