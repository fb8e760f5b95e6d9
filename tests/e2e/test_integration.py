"""The budget platform's feed in a real browser: the simulator pushes a year over HTTP to the live server, the
Fujian regulator sees the indicator messages in 一体化预算管理 and the units in 一体化单位基本信息."""

import pytest

from budgets.models import BudgetIndicator
from integration import simulator
from integration.models import InboundMessage

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_simulator_feed_seen_by_the_regulator(world, new_page, live_server):
    w = world
    summary = simulator.push(live_server.url, year=2026)
    assert summary.ok, summary.errors
    assert ("indicator", "applied") in summary.sent
    fj_batch = f"SIM-2026-IND-{w.dept.budget_code}"
    jx_batch = f"SIM-2026-IND-{w.jx_unit.budget_code}"
    assert InboundMessage.objects.get(message_id=fj_batch).status == "applied"
    assert BudgetIndicator.objects.filter(unit=w.dept).count() >= 4

    reg = new_page("fj_reg")
    reg.click("nav >> text=一体化预算管理")
    grid = reg.locator("table.grid").inner_text()
    assert fj_batch in grid and f"SIM-2026-IND-{w.fz_unit.budget_code}" in grid
    assert jx_batch not in grid  # another province
    assert "已处理" in grid and "调整" in grid
    shot(reg, "10_integration_messages")

    # the batch's detail: the pretty-printed body and what was applied
    reg.click(f"table.grid a:text-is('{fj_batch}')")
    assert "教学设备购置" in reg.locator("pre.message-body").inner_text() or \
        "PRO_NAME" in reg.locator("pre.message-body").inner_text()
    result = reg.locator("section.panel:has(h2:text-is('处理结果'))").inner_text()
    assert "已新增" in result and w.dept.name in result

    reg.click("nav >> text=一体化单位基本信息")
    units = reg.locator("table.grid").inner_text()
    for unit in (w.dept, w.sub1, w.fz_unit):
        assert unit.name in units
    assert w.jx_unit.name not in units
    assert "一致" in units

    # running the simulator again applies nothing: every message is acknowledged as a duplicate
    again = simulator.push(live_server.url, year=2026)
    assert {status for _, status in again.sent} == {"duplicate"}
    reg.click("nav >> text=接收消息日志")
    reg.click("div.tabs a:has-text('重复消息')")
    assert fj_batch in reg.locator("table.grid").inner_text()

    # the purchaser's clerk finds the pushed indicators in 指标预算查询
    clerk = new_page("dept_clerk")
    clerk.click("nav >> text=指标预算查询")
    grid = clerk.locator("table.grid").inner_text()
    pushed = list(BudgetIndicator.objects.filter(unit=w.dept).values_list("bgt_id", flat=True))
    assert pushed and all(bgt_id in grid for bgt_id in pushed)
    assert not any(b in grid for b in BudgetIndicator.objects.exclude(unit=w.dept).values_list("bgt_id", flat=True))
    shot(clerk, "17_indicators_from_simulator")
