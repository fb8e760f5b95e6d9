"""Error pages and the Content-Security-Policy in a real browser (issue 6, items 9 and 23).

A logged-in clerk following a stale link sees the Chinese 404 page inside the system's layout, never Django's
debug page. Under the CSP the pages still work: the inline scripts (with their nonce), the dialogs and checks
bound from static/js/app.js, and htmx loading a panel, with no policy violation reported by the browser.
"""

import pytest
from playwright.sync_api import expect

from projects.tests.support import make_indicator, submitted
from projects.tests.test_request_support import approved_project

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def watch_csp(page) -> list[str]:
    """Console messages about the Content-Security-Policy (Chromium logs every violation there)."""
    seen = []
    page.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None)
    return seen


def test_clerk_on_a_missing_url_sees_the_chinese_404_in_the_layout(world, new_page):
    clerk = new_page("fz_clerk")
    csp = watch_csp(clerk)
    response = clerk.goto(clerk.base + "/projects/no-such-page/")
    assert response.status == 404
    assert clerk.locator("h1").inner_text() == "页面不存在"
    assert clerk.locator("nav.sidebar").is_visible()  # the system's menu, not a bare page
    assert world.fz_unit.name in clerk.locator("header.topbar").inner_text()
    body = clerk.locator("body").inner_text()
    assert "Page not found" not in body and "URLconf" not in body and "Traceback" not in body
    shot(clerk, "error_404")
    clerk.click("text=返回工作台")
    clerk.wait_for_url(clerk.base + "/")
    assert not csp


def test_pages_work_under_the_csp(world, new_page):
    from core.data.categories import ensure_seeded

    ensure_seeded()
    ind = make_indicator(world.dept, "1000000", pro_name="教育厅公用经费")
    pending = submitted(world.dept_clerk, indicator=ind, amount="5000", name="待审核的项目")
    approved = approved_project(world.dept_clerk, {ind: "8000"}, name="已审核的项目")

    clerk = new_page("dept_clerk")
    csp = watch_csp(clerk)
    # the project form asks the server (htmx, no inline script) for the line amount as the clerk types
    clerk.goto(clerk.base + "/projects/")
    clerk.click(".toolbar >> text=新增")
    clerk.click("text=一般项目采购")
    line = clerk.locator("#content-lines tbody tr").first
    line.locator("input[name=line-quantity]").fill("3")
    line.locator("input[name=line-unit_price]").fill("1000")
    expect(line.locator("td[data-col=amount]")).to_have_text("3,000.00")
    # htmx loads the request panel of an approved project
    clerk.goto(clerk.base + f"/projects/{approved.pk}/")
    clerk.wait_for_selector("#request-panel h2")
    assert not csp, csp

    reviewer = new_page("dept_reviewer")
    csp = watch_csp(reviewer)
    reviewer.goto(reviewer.base + f"/projects/{pending.pk}/")
    reviewer.click("button:text-is('审核')")  # opens the dialog through app.js
    assert reviewer.locator("#review-dialog").is_visible()
    reviewer.click("button:text-is('审核不通过')")  # no opinion: said beside the field, nothing sent
    assert reviewer.locator("#opinion-error").is_visible()
    assert reviewer.locator("#review-dialog").is_visible()
    reviewer.click("#review-dialog button:text-is('取消')")
    assert not reviewer.locator("#review-dialog").is_visible()
    assert not csp, csp
