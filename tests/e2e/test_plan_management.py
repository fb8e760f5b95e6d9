"""政府采购 → 计划管理 in a real browser: the regulator's menu (the 一体化 pages now under it, as the JX manual lays
them out), the new 一体化预算指标 list of the region's indicators with what projects hold of them, and on the
purchaser's side a used project's 使用情况."""

from pathlib import Path

import pytest
from django.conf import settings

from projects import services as project_services
from projects.tests.test_request_support import approved_project, indicator

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_regulator_menu_and_region_indicators(world, new_page):
    w = world
    ind = indicator(w.dept, "500000", name="教育厅信息化建设")
    indicator(w.fz_unit, "60000", name="一中实验室改造")
    indicator(w.jx_unit, "70000", name="南昌一中课桌椅")
    invalid = indicator(w.dept, "20000", name="教育厅已撤销指标", is_valid=False)
    approved_project(w.dept_clerk, {ind: "120000"}, name="教育厅办公设备采购")

    reg = new_page("fj_reg")
    nav = reg.locator("nav.sidebar")
    top = [t.strip() for t in nav.locator("ul.depth-0 > li > details > summary").all_inner_texts()]
    assert "一体化" not in top and "政府采购" in top
    plans = nav.locator("details:has(> summary:text-is('计划管理'))")
    labels = plans.locator("a").all_inner_texts()
    assert labels.index("预算管理") < labels.index("一体化预算管理") < labels.index("一体化单位基本信息")
    assert {"一体化预算指标", "重置预算匹配", "接收消息日志"} <= set(labels)
    assert plans.locator("details > summary:text-is('一体化预算指标管理')").count() == 1
    nav.locator("a:text-is('一体化预算指标')").click()
    reg.wait_for_url("**/budgets/region/")
    assert reg.locator("h1.page-title").inner_text() == "一体化预算指标"
    assert reg.locator(".breadcrumb span").all_inner_texts() == ["政府采购", "计划管理", "一体化预算指标管理", "一体化预算指标"]
    assert nav.locator("a.active").inner_text() == "一体化预算指标"
    table = reg.locator("table.grid").inner_text()
    assert "教育厅信息化建设" in table and "一中实验室改造" in table and "南昌一中课桌椅" not in table
    assert "500,000.00" in table and "120,000.00" in table and "380,000.00" in table
    assert invalid.bgt_id not in table
    shot(reg, "40_regulator_region_indicators")
    nav.screenshot(path=str(Path(settings.SCREENSHOT_DIR) / "41_regulator_menu_plan_management.png"))

    reg.fill("input[name=pro_name]", "实验室")
    reg.click("#query-form button:text-is('查询')")
    table = reg.locator("table.grid").inner_text()
    assert "一中实验室改造" in table and "教育厅信息化建设" not in table
    reg.goto(reg.base + "/budgets/region/")
    reg.locator("div.tabs a:has-text('无效')").click()
    assert invalid.bgt_id in reg.locator("table.grid").inner_text()
    with reg.expect_download() as dl:
        reg.locator("a:has-text('导出为Excel')").click()
    assert dl.value.suggested_filename.endswith(".xlsx")

    # the 一体化 pages still open from their new place
    nav.locator("a:text-is('一体化预算管理')").click()
    reg.wait_for_url("**/integration/**")
    assert reg.locator("h1.page-title").inner_text() == "一体化预算管理"


def test_a_used_projects_page_shows_its_uses(world, new_page):
    w = world
    ind = indicator(w.dept, "500000", name="办公设备购置")
    project = approved_project(w.dept_clerk, {ind: "300000"}, name="教育厅信息化设备采购")
    project_services.project_mark_used(project=project, by="plans.plan:1", label="采购计划 JH-350000-2026-000001")

    clerk = new_page("dept_clerk")
    clerk.goto(clerk.base + f"/projects/{project.pk}/")
    section = clerk.locator("#sec-uses")
    text = section.inner_text()
    assert "采购计划 JH-350000-2026-000001" in text and "使用中" in text
    assert "已使用（自 " in clerk.locator("#sec-arrangement").inner_text()
    section.scroll_into_view_if_needed()
    shot(clerk, "42_project_uses")
