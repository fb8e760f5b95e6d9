"""采购公告 in a browser: the agency accepts a filed plan (受理, from 采购计划接收), writes the announcement of a
project whose intention is 12 days old and is made to give 意向未满30天的理由; a deadline shorter than the law
allows is refused beside the field; the purchaser's reviewer confirms; the agency publishes; two suppliers
register; the public page shows it without login."""

import datetime as dt

import pytest

from core import workdays
from trading.models import Announcement, Procurement, Registration
from trading.tests.announcing import published_intention
from trading.tests.conftest import tr  # noqa: F401
from trading.tests.support import filed_plan

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agency_accepts_announces_purchaser_confirms_suppliers_register(tr, new_page):  # noqa: F811
    plan = filed_plan(tr.clerk, tr.reviewer, entrusted=tr.agency)
    published_intention(tr.clerk, tr.reviewer, plan.project, days_ago=12)

    agency = new_page("tr_agency")
    agency.goto(agency.base + "/plans/entrusted/")
    agency.locator("tr", has_text=plan.number).locator("text=受理").click()
    agency.wait_for_url(agency.base + f"/trading/accept/{plan.pk}/")
    agency.click("button:has-text('受理')")
    agency.wait_for_url(agency.base + "/trading/*/")
    proc = Procurement.objects.get(plan=plan)
    assert proc.number in agency.content()

    agency.click("text=新增采购公告")
    agency.wait_for_url(f"**/announcements/new/?procurement_id={proc.pk}&kind=purchase")
    assert agency.input_value("select[name=procurement_id]") == str(proc.pk)  # preselected by the link
    start = workdays.add_working_days(dt.date.today(), 1)
    agency.fill("input[name=docs_start]", start.isoformat())
    agency.fill("input[name=docs_end]", workdays.add_working_days(start, 5).isoformat())
    agency.fill("input[name=bid_deadline]", f"{start.isoformat()}T09:30")  # the same day: far too short
    agency.fill("textarea[name=content]", "采购一批教学用计算机，详见询价通知书。")
    agency.click("button[name=submit]")
    refusal = agency.locator("label.has-error", has=agency.locator("input[name=bid_deadline]"))
    assert "不得少于3个工作日" in refusal.inner_text()
    reason = agency.locator("label.has-error", has=agency.locator("select[name=intention_reason]"))
    assert "不足30日" in reason.inner_text()
    shot(agency, "60_announcement_refused")
    assert not Announcement.objects.exists()

    deadline = start + dt.timedelta(days=10)
    agency.fill("input[name=bid_deadline]", f"{deadline.isoformat()}T09:30")
    agency.select_option("select[name=intention_reason]", "urgent")
    agency.fill("textarea[name=intention_explanation]", "开学前须完成采购，来不及等满30日。")
    agency.click("button[name=submit]")
    agency.wait_for_url(agency.base + "/trading/announcements/*/")
    doc = Announcement.objects.get()
    assert doc.status == "pending" and doc.intention_reason == "urgent"
    shot(agency, "61_announcement_submitted")

    reviewer = new_page("tr_reviewer")
    reviewer.goto(reviewer.base + "/trading/announcements/?tab=todo")
    reviewer.click(f"text={doc.number}")
    reviewer.click("[data-open-dialog=review-dialog]")
    reviewer.click("#review-dialog button[value=approve]")
    reviewer.wait_for_url(reviewer.base + f"/trading/announcements/{doc.pk}/")
    assert "待发布" in reviewer.content()

    agency.goto(agency.base + f"/trading/announcements/{doc.pk}/")
    agency.once("dialog", lambda d: d.accept())
    agency.click("form[action$='publish/'] button")
    agency.wait_for_url(agency.base + f"/trading/announcements/{doc.pk}/")
    assert "已发布" in agency.content()
    shot(agency, "62_announcement_published")

    for username, name in (("tr_supplier", "李一"), ("tr_supplier2", "王二")):
        supplier = new_page(username)
        supplier.goto(supplier.base + "/trading/supplier/announcements/")
        supplier.locator("tr", has_text=proc.number).locator("text=报名").click()
        supplier.fill("input[name=contact_name]", name)
        supplier.fill("input[name=contact_phone]", "0591-88880000")
        shot(supplier, f"63_registration_{username}")
        supplier.click("button:has-text('报名')")
        supplier.wait_for_url(supplier.base + "/trading/supplier/registrations/")
        assert name in supplier.content()
    assert Registration.objects.filter(procurement=proc).count() == 2

    agency.goto(agency.base + f"/trading/{proc.pk}/")
    assert "李一" in agency.content() and "王二" in agency.content()
    shot(agency, "64_procurement_registrations")

    public = new_page()
    public.goto(public.base + "/portal/trading/")
    public.click(f"text={doc.title}")
    assert "打印" in public.content() and proc.number in public.content()
    shot(public, "65_announcement_public")
