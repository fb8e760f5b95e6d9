"""评审结果 in a browser: the agency records a lot's result (candidates, 评审报告 upload) and submits; the purchaser's
reviewer confirms the winner; the agency issues the 中标通知书 (printed with 大写金额) and publishes the 结果公告,
which an anonymous visitor finds on /portal/awards/; an 预中标（成交）异常处理 that changes the winner waits for the
regulator, who approves."""

import pytest

from awards.models import Result
from awards.tests.support import in_progress, lot_of
from trading.tests.conftest import tr  # noqa: F401, F811  (the fixture)

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _review(page, url):
    page.goto(url)
    page.click("[data-open-dialog=review-dialog]")
    page.click("#review-dialog button[value=approve]")
    page.wait_for_url(url)


def test_result_confirmed_notice_printed_published_and_exception_to_the_regulator(tr, new_page, tmp_path):  # noqa: F811
    proc = in_progress(tr)
    lot = lot_of(proc)

    agency = new_page(tr.agency_user.username)
    agency.goto(agency.base + f"/trading/{proc.pk}/")
    agency.click("text=录入评审结果")
    agency.fill("input[name=report_date]", "2026-03-02")
    agency.fill("textarea[name=expert_names]", "张评审、李评审、王评审")
    agency.click("text=新增一行")
    rows = agency.locator("#candidate-lines tbody tr")
    for i, (name, code, amount, rank) in enumerate([("福州办公设备有限公司", "91350100MA2YAW0019", "280000", "1"),
                                                    ("福建信息技术有限公司", "91350100MA2YAW002C", "285000", "2")]):
        rows.nth(i).locator("input[name=candidate-supplier_name]").fill(name)
        rows.nth(i).locator("input[name=candidate-credit_code]").fill(code)
        rows.nth(i).locator("input[name=candidate-amount]").fill(amount)
        rows.nth(i).locator("input[name=candidate-score]").fill(str(95 - i))
        rows.nth(i).locator("input[name=candidate-rank]").fill(rank)
    report = tmp_path / "评审报告.pdf"
    report.write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    agency.set_input_files(".attachment-upload input[type=file]", str(report))
    agency.wait_for_selector(".attachment-list li")
    shot(agency, "90_award_form")
    agency.click("button[name=submit]")
    agency.wait_for_url(agency.base + "/awards/*/")
    assert "已保存并提交" in agency.content()
    result = Result.objects.get(lot=lot)
    assert result.status == "pending"

    reviewer = new_page(tr.reviewer.username)
    reviewer.goto(reviewer.base + f"/awards/{result.pk}/")
    assert "2026-03-09" in reviewer.inner_text("#confirm-deadline")  # 5 working days of the report
    shot(reviewer, "91_award_confirm")
    reviewer.click("#confirm button[type=submit]")
    reviewer.wait_for_url(reviewer.base + f"/awards/{result.pk}/")
    assert "已确认中标（成交）供应商" in reviewer.content()

    agency.goto(agency.base + f"/awards/{result.pk}/")
    agency.once("dialog", lambda d: d.accept())
    agency.click("button:has-text('发出通知书')")
    agency.wait_for_selector("#notice-link")
    agency.click("#notice-link")
    agency.wait_for_url(agency.base + f"/awards/{result.pk}/notice/")
    assert agency.inner_text("#amount-words") == "贰拾捌万元整"
    assert "福州办公设备有限公司" in agency.inner_text("#notice")
    shot(agency, "92_award_notice")
    agency.goto(agency.base + f"/awards/{result.pk}/")
    agency.once("dialog", lambda d: d.accept())
    agency.click("button:has-text('发布结果公告')")
    agency.wait_for_selector("text=结果公告已发布")

    public = new_page()
    public.goto(public.base + "/portal/awards/")
    public.click(f"text={proc.name}")
    assert public.inner_text("#public-winner") == "福州办公设备有限公司"
    shot(public, "93_award_public")

    # 预中标（成交）异常处理: after a 质疑 the second candidate wins: a substantive change
    agency.goto(agency.base + f"/awards/{result.pk}/requests/new/exception/")
    agency.fill("textarea[name=reason]", "质疑成立，第一名资格不符合要求，按名次递补")
    rows = agency.locator("#candidate-lines tbody tr")
    rows.nth(0).locator("input[name=candidate-rank]").fill("2")
    rows.nth(1).locator("input[name=candidate-rank]").fill("1")
    shot(agency, "94_award_exception_form")
    agency.click("button[name=submit]")
    agency.wait_for_url(agency.base + "/awards/requests/*/")
    req = result.requests.get()
    _review(reviewer, reviewer.base + f"/awards/requests/{req.pk}/")
    req.refresh_from_db()
    assert req.status == "pending" and req.current_node == "regulator"
    regulator = new_page(tr.w.fz_reg.username)
    regulator.goto(regulator.base + "/awards/region/exceptions/?tab=regulator")
    assert req.number in regulator.content()
    shot(regulator, "95_award_exceptions_list")
    _review(regulator, regulator.base + f"/awards/requests/{req.pk}/")
    assert "福建信息技术有限公司" in regulator.content()
    shot(regulator, "96_award_exception_approved")
    result.refresh_from_db()
    assert result.winner_name == "福建信息技术有限公司" and result.stage == "notice"
