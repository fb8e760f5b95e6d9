"""The document kit's pages in a real browser, on its sample document (tests/kitsample): a clerk's empty 保存 is
refused beside the fields and saves nothing, a line table grows by 新增一行, 保存并提交 sends it to the reviewer,
and the reviewer's 审核 dialog moves it on. 我的后台任务 opens for any user."""

import pytest

from orgs.models import Role
from orgs.testing import make_user
from tests.kitsample.models import Notice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_saves_and_submits_a_kit_document_and_the_reviewer_approves(world, new_page):
    make_user("sub1_reviewer", world.sub1, Role.REVIEWER)
    page = new_page("sub1_clerk")
    page.goto(page.base + "/kitsample/new/")
    page.click("button[name=save]")
    assert page.locator(".field-error").first.is_visible()
    assert "新增示例公告" in page.content() and Notice.objects.count() == 0
    page.fill("input[name=name]", "教学设备采购公告")
    page.fill("input[name=amount]", "1200.50")
    page.click(".line-table .add-row")
    page.click(".line-table .add-row")
    rows = page.locator("#line-lines tbody tr")
    assert rows.count() == 2
    rows.nth(0).locator("input[name=line-item]").fill("课桌")
    rows.nth(0).locator("input[name=line-quantity]").fill("2")
    rows.nth(0).locator("input[name=line-amount]").fill("100")
    rows.nth(1).locator(".del-row").click()
    page.click("button[name=submit]")
    page.wait_for_url(page.base + "/kitsample/*/")
    assert "已保存并提交" in page.content() and "审核中" in page.content() and "课桌" in page.content()
    notice = Notice.objects.get()
    assert notice.lines.count() == 1

    reviewer = new_page("sub1_reviewer")
    reviewer.goto(reviewer.base + f"/kitsample/{notice.pk}/")
    reviewer.click("[data-open-dialog=review-dialog]")
    reviewer.click("#review-dialog button[value=approve]")
    reviewer.wait_for_url(reviewer.base + f"/kitsample/{notice.pk}/")
    assert "审核通过" in reviewer.content()
    notice.refresh_from_db()
    assert notice.current_node == "competent"

    page.goto(page.base + "/jobs/")
    assert "我的后台任务" in page.content()
