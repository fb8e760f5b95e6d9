"""The 主体管理 slice in a real browser: submit → reject with opinion → edit and resubmit → approve."""

import pytest

from orgs.models import Role, Unit
from orgs.testing import make_user
from registry.models import UnitRegistration

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, )]


def fill_registration(page, budget_code):
    page.fill("input[name=budget_code]", budget_code)
    page.fill("input[name=address]", "福州市鼓楼区杨桥路")
    page.fill("input[name=legal_representative]", "陈校长")
    page.fill("input[name=contact_name]", "周经办")
    page.fill("input[name=contact_phone]", "0591-87654321")


def test_registration_reviewed_by_regulator(world, new_page):
    w = world
    # the clerk completes the unit's information with a wrong budget code and submits
    clerk = new_page("fz_clerk")
    shot(clerk, "01_workbench_clerk")
    clerk.click("nav >> text=用户库基本信息")
    fill_registration(clerk, "350100999")
    clerk.fill("input[name=credit_code]", "91350100X")  # a bad code first: message beside the field
    clerk.click("button[name=submit]")
    assert clerk.locator(".field-error").first.is_visible()
    assert "统一社会信用代码" in clerk.locator(".has-error").first.inner_text()
    assert not UnitRegistration.objects.exists()
    clerk.fill("input[name=credit_code]", w.fz_unit.credit_code)
    clerk.click("button[name=submit]")
    assert "已提交" in clerk.locator(".messages").inner_text()
    reg = UnitRegistration.objects.get()
    assert reg.status == "pending"

    # the regulator of 福州 sees it in 审核采购单位信息 and rejects it with an opinion
    reg_page = new_page("fz_reg")
    assert "采购单位用户库基本信息" in reg_page.locator(".cards").inner_text()  # the 待处理 count on the 工作台
    assert reg.number in reg_page.locator("main").inner_text()
    shot(reg_page, "02_workbench_regulator")
    reg_page.click("nav >> text=审核采购单位信息")
    assert "福州市第一中学" in reg_page.locator("table.grid").inner_text()
    shot(reg_page, "03_list_review")
    reg_page.click("table.grid td.ops a:text-is('审核')")
    assert "不一致" in reg_page.locator(".panel.check").inner_text()
    reg_page.click("button:text-is('审核')")
    reg_page.click("button:has-text('审核不通过')")  # no opinion: refused in the dialog
    assert reg_page.locator("#opinion-error").is_visible()
    # approving a mismatching code is refused by the server with the reason
    reg_page.click("button:has-text('审核通过')")
    assert "不一致" in reg_page.locator(".messages").inner_text()
    reg.refresh_from_db()
    assert reg.status == "pending"
    reg_page.click("button:text-is('审核')")
    reg_page.fill("textarea[name=opinion]", "单位预算编码与一体化平台不一致，请核对后重新提交。")
    reg_page.click("button:has-text('审核不通过')")
    assert "已退回" in reg_page.locator(".messages").inner_text()

    # the clerk sees it returned with the opinion, edits and resubmits
    clerk.goto(clerk.base + f"/orgs/registrations/{reg.pk}/")
    assert "已退回" in clerk.locator("h1").inner_text()
    assert "请核对后重新提交" in clerk.locator(".timeline").inner_text()
    clerk.click("text=编辑")
    clerk.fill("input[name=budget_code]", "350100101")
    clerk.click("button[name=submit]")
    assert "已提交" in clerk.locator(".messages").inner_text()

    # the regulator approves; the timeline shows every step
    reg_page.goto(reg_page.base + f"/orgs/registrations/{reg.pk}/")
    assert "一致" in reg_page.locator(".panel.check").inner_text()
    reg_page.click("button:text-is('审核')")
    reg_page.fill("textarea[name=opinion]", "信息无误，同意入库。")
    reg_page.click("button:has-text('审核通过')")
    assert "审核通过" in reg_page.locator(".messages").inner_text()
    timeline = reg_page.locator(".timeline").inner_text()
    for step in ["提交", "审核不通过", "审核通过", "同意入库"]:
        assert step in timeline
    assert timeline.count("提交") >= 2
    shot(reg_page, "04_detail_timeline")
    w.fz_unit.refresh_from_db()
    assert w.fz_unit.is_member and w.fz_unit.budget_code == "350100101"

    # approved units appear in 查看采购单位信息
    reg_page.click("nav >> text=查看采购单位信息")
    assert "福州市第一中学" in reg_page.locator("table.grid").inner_text()

    # a regulator of another province gets 404 on the record
    jx = new_page("jx_reg")
    resp = jx.goto(jx.base + f"/orgs/registrations/{reg.pk}/")
    assert resp.status == 404

    # a user without the role sees no 审核 button and gets 403 on the action URL
    reviewer = new_page("fz_reviewer")
    reviewer.goto(reviewer.base + f"/orgs/registrations/{reg.pk}/")
    assert reviewer.locator("button:text-is('审核')").count() == 0
    resp = reviewer.request.post(reviewer.base + f"/orgs/registrations/{reg.pk}/approve/",
                                 headers={"X-CSRFToken": csrf(reviewer)}, form={"opinion": "x"})
    assert resp.status == 403


def csrf(page):
    return next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")


def test_regulator_cannot_approve_own_submission(world, new_page):
    """The 财政厅 is a budget unit too: its regulator, also its clerk, submits; only a colleague may approve."""
    w = world
    both = make_user("fj_both", w.fj_reg_unit, Role.REGULATOR, Role.CLERK)
    from integration.models import PlatformUnit
    Unit.objects.filter(pk=w.fj_reg_unit.pk).update(budget_code="350000001")
    PlatformUnit.objects.create(agency_code="350000001", agency_name=w.fj_reg_unit.name,
                                credit_code=w.fj_reg_unit.credit_code, mof_div_code="350000", fiscal_year=2026)
    page = new_page(both.username)
    page.click("nav >> text=用户库基本信息")
    page.fill("input[name=budget_code]", "350000001")
    page.fill("input[name=address]", "福州市鼓楼区中山路5号")
    page.fill("input[name=legal_representative]", "厅长")
    page.fill("input[name=contact_name]", "林监管")
    page.fill("input[name=contact_phone]", "0591-87000000")
    page.click("button[name=submit]")
    reg = UnitRegistration.objects.get(unit=w.fj_reg_unit)
    page.goto(page.base + f"/orgs/registrations/{reg.pk}/")
    assert page.locator("button:text-is('审核')").count() == 0
    assert page.locator("button:has-text('撤回')").count() == 1
    resp = page.request.post(page.base + f"/orgs/registrations/{reg.pk}/approve/",
                             headers={"X-CSRFToken": csrf(page)}, form={"opinion": "自己批"})
    assert resp.status == 403
    reg.refresh_from_db()
    assert reg.status == "pending"
    colleague = new_page("fj_reg2")
    colleague.goto(colleague.base + f"/orgs/registrations/{reg.pk}/")
    colleague.click("button:text-is('审核')")
    colleague.click("button:has-text('审核通过')")
    reg.refresh_from_db()
    assert reg.status == "approved"
