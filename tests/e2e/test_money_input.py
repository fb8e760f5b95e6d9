"""The project form's live totals round like the save (ROUND_HALF_UP to the cent): issue 6, item 19. They are
the server's own Decimal arithmetic now, answered through htmx (projects:money_check)."""

import pytest
from playwright.sync_api import expect

from .test_projects import scene  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_live_totals_round_like_the_server(scene, new_page):  # noqa: F811
    w = scene
    clerk = new_page("dept_clerk")
    clerk.goto(clerk.base + "/projects/new/general/")
    clerk.select_option("select[name=procurement_kind]", "goods")
    line = clerk.locator("#content-lines tbody tr").first
    # 1.005 × 1.00 = 1.005 → 1.01 (ROUND_HALF_UP); as a float, 1.005 * 100 rounds to 100 → 1.00
    line.locator("input[name=line-quantity]").fill("1.005")
    line.locator("input[name=line-unit_price]").fill("1")
    expect(line.locator(".line-amount")).to_have_text("1.01")
    clerk.click("button:text-is('新增一行')")
    line2 = clerk.locator("#content-lines tbody tr").nth(1)
    line2.locator("input[name=line-quantity]").fill("1")
    line2.locator("input[name=line-unit_price]").fill("0.2")
    expect(clerk.locator("#content-total")).to_have_text("1.21")

    fund = clerk.locator("#fund-lines tbody tr").nth(0)
    fund.locator("select.fund-indicator").select_option(str(w.ind_a.pk))
    fund.locator("input[name=fund-amount]").fill("0.1")
    clerk.click("text=选择指标（新增一行）")
    fund2 = clerk.locator("#fund-lines tbody tr").nth(1)
    fund2.locator("select.fund-indicator").select_option(str(w.ind_b.pk))
    fund2.locator("input[name=fund-amount]").fill("0.2")
    # 0.1 + 0.2 is 0.30 exactly, not 0.30000000000000004
    expect(clerk.locator("#fund-total")).to_have_text("0.30")
    fund.locator("input[name=fund-amount]").fill("999999.91")
    expect(fund.locator(".fund-remaining")).to_have_text("0.09")
