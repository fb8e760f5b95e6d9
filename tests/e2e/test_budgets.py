"""采购预算管理 in a real browser: the department's clerk queries its indicators (and its subordinate's with
包含下级单位), opens one, sees every procurement budget; the provincial regulator adds a virtual budget for a
registered unit and is refused for an unregistered one."""

from decimal import Decimal

import pytest
from django.db import transaction

from budgets import ledger
from budgets.models import BudgetIndicator
from budgets.tests.factories import make_indicator, make_project

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def table_text(page) -> str:
    return page.locator("table.grid").first.inner_text()


def test_budget_queries_and_virtual_budget(world, new_page):
    w = world
    it = make_indicator(w.dept, amount="500000.00", pro_name="教育厅信息化建设", pro_code="3500002601",
                        bgt_id="BGT350000260001")
    make_indicator(w.dept, amount="120000.00", pro_name="教育厅办公设备购置", bgt_id="BGT350000260002",
                   fund_type_code="21", is_gov_pur=False)
    make_indicator(w.dept, amount="20000.00", pro_name="教育厅已撤销指标", bgt_id="BGT350000260003", is_valid=False)
    make_indicator(w.sub1, amount="80000.00", pro_name="考试院考务设备", bgt_id="BGT350000260101")
    make_indicator(w.fz_unit, amount="60000.00", pro_name="一中实验室改造", bgt_id="BGT350100260001")
    make_indicator(w.dept, amount="300000.00", pro_name="教育厅物业服务", bgt_id="VI-350000-2026-000050",
                   source=BudgetIndicator.SOURCE_VIRTUAL, virtual_scenario="multi_year")
    project = make_project(w.dept, w.dept_clerk, name="教育厅智慧校园平台采购")
    with transaction.atomic():
        ledger.reserve(actor=w.dept_clerk, holder=ledger.holder_key(project), amounts={it.pk: Decimal("180000")},
                       reason="立项提交")

    # 指标预算查询 from the left menu: own unit only by default
    clerk = new_page("dept_clerk")
    clerk.click("nav >> text=指标预算查询")
    assert clerk.locator("h1.page-title").inner_text() == "指标预算查询"
    table = table_text(clerk)
    assert "教育厅信息化建设" in table and "教育厅办公设备购置" in table
    assert "考试院考务设备" not in table and "教育厅已撤销指标" not in table and "一中实验室改造" not in table
    assert "教育厅物业服务" not in table  # virtual budgets are 采购预算查询's
    assert "320,000.00" in table  # 500 000 − 180 000 available
    assert not clerk.is_checked("input[type=checkbox][name=include_sub]")

    # filter by 资金性质, then widen to the subordinate units
    clerk.select_option("select[name=fund_type]", label="一般公共预算资金")
    clerk.click("form.query button:text-is('查询')")
    table = table_text(clerk)
    assert "教育厅信息化建设" in table and "教育厅办公设备购置" not in table
    clerk.check("input[type=checkbox][name=include_sub]")
    clerk.click("form.query button:text-is('查询')")
    table = table_text(clerk)
    assert "考试院考务设备" in table and "福建省教育考试院" in table and "教育厅信息化建设" in table
    assert clerk.is_checked("input[type=checkbox][name=include_sub]")
    shot(clerk, "11_indicator_list")
    clerk.click("a[role=tab]:has-text('无效')")
    assert "教育厅已撤销指标" in table_text(clerk)
    assert clerk.is_checked("input[type=checkbox][name=include_sub]")  # the tab keeps the query
    clerk.click("a[role=tab]:has-text('有效')")

    # the detail page: platform fields with their wire names, the project reserving it, the ledger
    clerk.click("table.grid >> text=BGT350000260001")
    assert "BGT350000260001" in clerk.locator("main").inner_text()
    fields = clerk.locator("table.fields").inner_text()
    assert "COR_BGT_DOC_NO" in fields and "指标文号" in fields and "FUND_TYPE_CODE" in fields
    holders = clerk.locator("table.holders").inner_text()
    assert "教育厅智慧校园平台采购" in holders and "180,000.00" in holders
    assert "立项提交" in clerk.locator("table.ledger").inner_text()

    # 采购预算查询: platform and virtual, subordinates included by default; 高级搜索 folds out
    clerk.click("nav >> text=采购预算查询")
    assert clerk.is_checked("input[type=checkbox][name=include_sub]")
    table = table_text(clerk)
    assert "教育厅物业服务" in table and "考试院考务设备" in table and "虚拟预算" in table
    assert not clerk.locator("select[name=source]").is_visible()
    clerk.click("summary:text-is('高级搜索')")
    clerk.select_option("select[name=source]", label="虚拟预算")
    clerk.click("form.query button:text-is('查询')")
    table = table_text(clerk)
    assert "教育厅物业服务" in table and "考试院考务设备" not in table
    clerk.uncheck("input[type=checkbox][name=include_sub]")
    clerk.select_option("select[name=source]", value="")
    clerk.click("form.query button:text-is('查询')")
    table = table_text(clerk)
    assert "考试院考务设备" not in table and "教育厅信息化建设" in table

    # the provincial regulator's 预算管理: 新增预算 only for registered units of the province
    reg = new_page("fj_reg")
    reg.click("nav a:text-is('预算管理')")
    assert reg.locator("h1.page-title").inner_text() == "预算管理"
    assert "教育厅物业服务" in table_text(reg)
    reg.click("a.btn:text-is('新增预算')")
    options = reg.locator("#unit-options option").evaluate_all("els => els.map(e => e.value)")
    assert options == ["福建省教育厅（350001001）", "福建省教育考试院（350001002）"]  # 福州一中 is not a member
    reg.fill("input[name=unit]", "福州市第一中学（350100101）")
    reg.select_option("select[name=scenario]", value="not_issued")
    reg.fill("input[name=pro_name]", "标准化考场建设")
    reg.fill("input[name=amount]", "260000")
    reg.select_option("select[name=fund_type_code]", label="一般公共预算资金")
    reg.fill("textarea[name=note]", "预算暂未下达，有资金保障")
    reg.click("button:text-is('保存')")
    error = reg.locator(".has-error").first.inner_text()
    assert "采购单位" in error and "尚未通过用户库基本信息审核" in error
    assert not BudgetIndicator.objects.filter(pro_name="标准化考场建设").exists()
    shot(reg, "12_virtual_budget")
    reg.fill("input[name=unit]", "福建省教育考试院（350001002）")
    reg.click("button:text-is('保存')")
    assert "已新增预算 VI-350000-2026-000001" in reg.locator(".messages").inner_text()
    assert "标准化考场建设" in reg.locator("main").inner_text()
    created = BudgetIndicator.objects.get(pro_name="标准化考场建设")
    assert created.unit == w.sub1 and created.amount == Decimal("260000.00") and created.source == "virtual"

    # the subordinate unit finds it in its own 采购预算查询
    sub = new_page("sub1_clerk")
    sub.click("nav >> text=采购预算查询")
    assert "标准化考场建设" in table_text(sub) and "VI-350000-2026-000001" in table_text(sub)
