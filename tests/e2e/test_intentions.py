"""采购意向公开 in a browser: the clerk picks an approved project with 【选择采购项目】, edits its line and submits;
the reviewer approves; the clerk publishes it from 采购意向公开发布; an anonymous visitor finds it on
/portal/intentions/ and opens its printable page. A draft is not there for the public."""

import pytest

from intentions.models import Intention
from intentions.testing import approved_project

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_creates_reviewer_approves_clerk_publishes_public_sees_it(world, new_page):
    from core.data.categories import ensure_seeded

    ensure_seeded()
    project = approved_project(world.dept_clerk, name="2026年多媒体教室设备采购", amount="350000")
    approved_project(world.dept_clerk, name="2026年图书采购", amount="90000")
    approved_project(world.dept_clerk, name="食堂自行采购", form="self", amount="5000")

    clerk = new_page("dept_clerk")
    clerk.goto(clerk.base + "/intentions/")
    assert "待处理" in clerk.content() and "已办结" in clerk.content()
    clerk.click("text=新增")
    clerk.click("button[data-open-dialog=pick-projects]")
    dialog = clerk.locator("#pick-projects")
    assert dialog.is_visible() and "食堂自行采购" not in dialog.inner_text()
    dialog.locator("input[type=search]").fill("多媒体")
    assert not dialog.locator("tr", has_text="2026年图书采购").is_visible()
    dialog.locator("tr", has_text="多媒体教室").locator("input[type=checkbox]").check()
    shot(clerk, "30_intention_pick_projects")
    dialog.locator("button[data-pick-rows]").click()
    rows = clerk.locator("#line-lines tbody tr")
    assert rows.count() == 1
    assert rows.nth(0).locator("input[name=line-name]").input_value() == "2026年多媒体教室设备采购"
    assert rows.nth(0).locator("input[name=line-budget_amount]").input_value() == "350000.00"
    rows.nth(0).locator("input[name=line-expected_month]").fill("2026-10")
    rows.nth(0).locator("input[name=line-remark]").fill("含安装调试")
    shot(clerk, "31_intention_form")
    clerk.click("button[name=submit]")
    clerk.wait_for_url(clerk.base + "/intentions/*/")
    assert "已保存并提交" in clerk.content() and "审核中" in clerk.content()
    doc = Intention.objects.get()
    line = doc.lines.get(is_active=True)
    assert (line.project_id, line.expected_month.month, line.remark) == (project.pk, 10, "含安装调试")

    reviewer = new_page("dept_reviewer")
    reviewer.goto(reviewer.base + "/intentions/?tab=todo")
    reviewer.click(f"text={doc.number}")
    reviewer.click("[data-open-dialog=review-dialog]")
    reviewer.click("#review-dialog button[value=approve]")
    reviewer.wait_for_url(reviewer.base + f"/intentions/{doc.pk}/")
    assert "待发布" in reviewer.content()

    clerk.goto(clerk.base + "/intentions/publish/")
    assert doc.number in clerk.content() and "撤销" in clerk.content()
    shot(clerk, "32_intention_publish_list")
    clerk.once("dialog", lambda d: d.accept())  # 发布后不能撤回、不能更正，确定发布？
    clerk.locator("tr", has_text=doc.number).locator("button", has_text="发布").click()
    clerk.wait_for_load_state()
    assert "已发布" in clerk.content()
    doc.refresh_from_db()
    assert doc.published_at is not None and doc.status_text == "已发布"

    draft_project = approved_project(world.dept_clerk, name="尚在编辑的意向项目")
    from intentions.tests.support import save

    save(world.dept_clerk, draft_project)

    anon = new_page()
    anon.goto(anon.base + "/portal/intentions/")
    text = anon.content()
    assert "2026年多媒体教室设备采购" in text and "福建省教育厅" in text and "350,000.00" in text
    assert "尚在编辑的意向项目" not in text and "退出" not in text
    shot(anon, "33_intention_public_list")
    anon.click("text=2026年多媒体教室设备采购")
    anon.wait_for_url(anon.base + f"/portal/intentions/{doc.pk}/")
    assert "财库〔2020〕10号" in anon.content() and "含安装调试" in anon.content() and "2026-10" in anon.content()
    shot(anon, "34_intention_public_detail")
    draft = Intention.objects.exclude(pk=doc.pk).get()
    assert anon.goto(anon.base + f"/portal/intentions/{draft.pk}/").status == 404
