"""流标 → 废标处理 in a real browser: the agency proposes 变更采购方式 for a failed 公开招标 at or above the 公开招标数额,
the purchaser's clerk completes it on 采购方式变更录入 (FJ 4.4), its reviewer approves, and it waits for the city
regulator, who approves (法 27); another approved handling is sent back with 回第一步 from the 异常处理 list."""

import pytest

from failures.models import FailureHandling, FailureReason
from failures.tests.support import failed, handling
from trading.tests.conftest import tr  # noqa: F401
from workflow import engine

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BIG = "3000000"  # above the 福州 公开招标数额 (2 000 000)


def test_failure_becomes_a_method_change_approved_by_the_regulator_and_another_goes_back(tr, new_page):  # noqa: F811
    proc = failed(tr, BIG, "open_tender", reason=FailureReason.FEW_QUALIFIED)

    agency = new_page("tr_agency")
    agency.goto(agency.base + f"/trading/{proc.pk}/")
    assert "符合专业条件的供应商" in agency.locator("#panel-failures").inner_text()
    agency.locator("#panel-failures a:text-is('发起废标处理')").click()
    agency.wait_for_url(f"**/failures/new/?procurement={proc.pk}")
    assert agency.input_value("select[name=procurement]") == str(proc.pk)  # preselected by the link
    agency.select_option("select[name=kind]", "change_method")
    agency.select_option("select[name=new_method]", "negotiation")
    agency.fill("textarea[name=change_reason]", "两次公告合格供应商不足三家，拟采用竞争性谈判。")
    agency.fill("textarea[name=explanation]", "公开招标流标，申请变更采购方式。")
    agency.click("button[name=submit]")
    agency.wait_for_url("**/failures/*/")
    assert "审核中" in agency.locator("h1.page-title").inner_text()
    doc = FailureHandling.objects.get(procurement_id=proc.pk)

    clerk = new_page("tr_clerk")
    clerk.locator("nav.sidebar a:text-is('采购方式变更录入')").click()
    clerk.wait_for_url("**/failures/method-changes/")
    assert doc.number in clerk.locator("table.grid").inner_text()
    clerk.locator("table.grid a:text-is('办理')").first.click()
    clerk.wait_for_url(f"**/failures/{doc.pk}/purchaser/")
    clerk.click("button[name=submit]")  # nothing filled: told beside the fields
    assert "请填写变更情况说明" in clerk.locator("form.form").inner_text()
    clerk.fill("textarea[name=purchaser_note]", "同意变更为竞争性谈判，预算与需求不变。")
    clerk.fill("input[name=contact_name]", "王经办")
    clerk.fill("input[name=contact_phone]", "0591-87091234")
    shot(clerk, "90_method_change_entry")
    clerk.click("button[name=submit]")
    clerk.wait_for_url(f"**/failures/{doc.pk}/")

    reviewer = new_page("tr_reviewer")
    reviewer.goto(reviewer.base + f"/failures/{doc.pk}/")
    reviewer.click("button:text-is('审核')")
    reviewer.click("#review-dialog button:text-is('审核通过')")
    reviewer.wait_for_selector(".msg-success")
    assert "财政部门确认" in reviewer.locator("body").inner_text()

    reg = new_page("fz_reg")
    reg.locator("nav.sidebar a:text-is('招标方式（废标）处理')").click()
    reg.wait_for_url("**/failures/region/tender/")
    assert doc.number in reg.locator("table.grid").inner_text()   # 待处理
    shot(reg, "91_regulator_failure_handlings")
    reg.locator(f"table.grid a:text-is('{doc.number}')").click()
    reg.click("button:text-is('审核')")
    reg.click("#review-dialog button:text-is('审核通过')")
    reg.wait_for_selector(".msg-success")
    assert "已办结" in reg.locator("h1.page-title").inner_text()
    doc.refresh_from_db()
    assert doc.status == "approved" and doc.next_round == 2

    # another handling, approved by the purchaser (重新招标 needs no regulator), sent back from the list
    other_proc = failed(tr, BIG, "open_tender", reason=FailureReason.FEW_QUALIFIED)
    other = handling(tr, other_proc, "rebid")
    engine.approve(other, tr.reviewer)
    reg.goto(reg.base + "/failures/region/tender/?tab=approved")
    reg.check(f"input[name=ids][value='{other.pk}']")
    reg.click("button:text-is('回第一步')")
    reg.fill("#back-dialog textarea[name=reason]", "重新招标前须补充采购需求论证。")
    reg.click("#back-dialog button:text-is('确定')")
    reg.wait_for_selector(".msg-success")
    assert "已回第一步" in reg.locator(".messages").inner_text()
    other.refresh_from_db()
    assert other.status == "draft"
    agency.goto(agency.base + f"/failures/{other.pk}/")
    assert "编辑中" in agency.locator("h1.page-title").inner_text()
    assert "重新招标前须补充采购需求论证" in agency.locator("body").inner_text()
