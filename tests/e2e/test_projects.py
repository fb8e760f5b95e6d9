"""采购项目立项 in a real browser: the clerk drafts a project on two indicators (seeing each one's available
money while typing), saves and submits; the reviewer approves it from 待处理; the detail shows the timeline."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from budgets.models import BudgetIndicator
from projects.models import Project

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scene(world):
    from core.data.categories import ensure_seeded
    from projects.tests.support import make_indicator

    ensure_seeded()
    world.ind_a = make_indicator(world.dept, "1000000", pro_name="教育厅公用经费", bgt_id="350000-2026-GY-001")
    world.ind_b = make_indicator(world.dept, "300000", pro_name="教育信息化专项", bgt_id="350000-2026-XX-002")
    return world


def test_clerk_initiates_on_two_indicators_and_reviewer_approves(scene, new_page):
    w = scene
    clerk = new_page("dept_clerk")
    clerk.click("nav >> text=采购项目立项")
    clerk.click(".toolbar >> text=新增")
    clerk.click("text=一般项目采购")
    clerk.fill("input[name=name]", "2026年教学机房计算机更新")
    clerk.select_option("select[name=procurement_kind]", "goods")
    clerk.fill("textarea[name=summary]", "更新两间教学机房的台式计算机。")

    line = clerk.locator("#content-lines tbody tr").first
    line.locator("select.line-category").select_option(label="A02020200 投影仪")
    line.locator("input[name=line-item_name]").fill("投影仪（教学用）")
    line.locator("input[name=line-quantity]").fill("10")
    line.locator("input[name=line-measure_unit]").fill("台")
    # 是否政府采购 follows the amount both ways, as the server decides it (htmx)
    line.locator("input[name=line-unit_price]").fill("200000")
    line.locator("input[name=line-unit_price]").press("Tab")  # a change of the form asks the server
    clerk.locator("#gov-explain", has_text="已达到分散采购限额 1,000,000.00 元").wait_for()
    line.locator("input[name=line-unit_price]").fill("5000")
    line.locator("input[name=line-unit_price]").press("Tab")
    clerk.locator("#gov-explain", has_text="低于分散采购限额 1,000,000.00 元").wait_for()
    assert clerk.locator("select#is-gov").input_value() == "0"  # no longer stuck at 是
    # 累计达到限额标准相关说明 only for a 是 the clerk declares below the 限额 (decided by the server, no page script)
    expect(clerk.locator("#cumulative-block")).to_be_hidden()
    clerk.select_option("select#is-gov", "1")
    expect(clerk.locator("#cumulative-block")).to_be_visible()
    clerk.select_option("select#is-gov", "0")
    expect(clerk.locator("#cumulative-block")).to_be_hidden()
    # 金额 and 合计 are the server's (htmx, projects:money_check)
    expect(line.locator(".line-amount")).to_have_text("50,000.00")
    expect(clerk.locator("#content-total")).to_have_text("50,000.00")
    # a 品目 of Fujian's 集中采购目录 is 政府采购 at any amount
    line.locator("select.line-category").select_option(label="A02010104 台式计算机")
    clerk.locator("#gov-explain", has_text="属于集中采购目录").wait_for()
    line.locator("input[name=line-item_name]").fill("台式计算机（教学用）")

    fund = clerk.locator("#fund-lines tbody tr").nth(0)
    fund.locator("select.fund-indicator").select_option(str(w.ind_a.pk))
    expect(fund.locator(".fund-available")).to_have_text("1,000,000.00")
    # 使用后剩余 is computed by the server from the ledger: the answer to the live call that posts 30000 carries it
    with clerk.expect_response(lambda r: r.url.endswith("/projects/money-check/")
                               and "fund-amount=30000" in (r.request.post_data or "")) as answer:
        fund.locator("input[name=fund-amount]").fill("30000")
    assert "970,000.00" in answer.value.text()
    expect(fund.locator(".fund-remaining")).to_have_text("970,000.00")
    expect(clerk.locator("#fund-check")).to_contain_text("不一致")
    clerk.click("text=选择指标（新增一行）")
    fund2 = clerk.locator("#fund-lines tbody tr").nth(1)
    fund2.locator("select.fund-indicator").select_option(str(w.ind_b.pk))
    expect(fund2.locator(".fund-available")).to_have_text("300,000.00")
    fund2.locator("input[name=fund-amount]").type("350000")           # more than it has: flagged as you type
    expect(fund2.locator(".fund-remaining")).to_have_text("-50,000.00（超出可用金额）")
    fund2.locator("input[name=fund-amount]").fill("20000")
    expect(fund2.locator(".fund-remaining")).to_have_text("280,000.00")
    expect(clerk.locator("#fund-check")).to_have_text("与项目金额一致")
    shot(clerk, "13_project_form")

    clerk.click("button[name=save]")
    assert "已保存" in clerk.locator(".messages").inner_text()
    project = Project.objects.get()
    assert project.total_amount == Decimal("50000") and project.status == "draft"
    clerk.click("button:text-is('提交')")
    assert "已提交" in clerk.locator(".messages").inner_text()
    assert BudgetIndicator.objects.get(pk=w.ind_a.pk).reserved == Decimal("30000")
    assert BudgetIndicator.objects.get(pk=w.ind_b.pk).reserved == Decimal("20000")

    reviewer = new_page("dept_reviewer")
    reviewer.click("nav >> text=采购项目立项")
    assert "待处理" in reviewer.locator(".tabs a.active").inner_text()
    row = reviewer.locator(f"tr[data-project-id='{project.pk}']")
    row.locator("td.ops a:text-is('审核')").click()
    reviewer.fill("textarea[name=opinion]", "资金来源清楚，同意立项。")
    reviewer.click("button:has-text('审核通过')")
    assert "审核通过" in reviewer.locator(".messages").inner_text()
    assert "已办结" in reviewer.locator("#project-status").inner_text()
    project.refresh_from_db()
    assert project.status == "approved"

    clerk.goto(clerk.base + f"/projects/{project.pk}/")
    timeline = clerk.locator(".timeline").inner_text()
    for step in ("保存", "提交", "审核通过", "同意立项"):
        assert step in timeline
    assert "教育信息化专项" in clerk.locator("#sec-funds").inner_text()
    shot(clerk, "14_project_detail")
    # the 已办结 tab of the list now holds it
    clerk.goto(clerk.base + "/projects/?tab=done")
    assert project.number in clerk.locator("#project-list").inner_text()
