"""质疑与投诉 in the browser: a registered supplier's 质疑 is answered by the agency (the other registered supplier
is told), the supplier's 投诉 goes to the 福州 regulator, who suspends the procurement — the 采购项目执行 page says so
— until the decision resumes it."""

import datetime as dt

import pytest
from django.utils import timezone

from challenges.models import Challenge, Complaint, ComplaintStatus
from challenges.tests.support import procurement
from trading import services as trading
from trading.models import Procurement
from trading.tests.conftest import tr  # noqa: F401

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_challenge_is_answered_and_a_complaint_suspends_until_the_decision(tr, new_page):  # noqa: F811
    proc = procurement(tr)
    for user in (tr.supplier_user, tr.supplier2_user):
        trading.registration_create(actor=user, procurement=proc, contact_name="张三", contact_phone="13800000000")

    supplier = new_page("tr_supplier")
    supplier.goto(supplier.base + "/challenges/")
    supplier.click("text=提出质疑")
    supplier.select_option("select[name=procurement_number]", proc.number)
    supplier.select_option("select[name=subject]", "documents")
    supplier.fill("input[name=known_on]", f"{timezone.localdate():%Y-%m-%d}")
    supplier.fill("textarea[name=claims]", "请求删除本地服务网点的资格条件")
    supplier.fill("textarea[name=facts]", "该条件对外地供应商实行差别待遇")
    supplier.click("button:has-text('提交质疑')")
    supplier.wait_for_selector("text=质疑已提交")
    ch = Challenge.objects.get()

    agency = new_page("tr_agency")
    agency.goto(agency.base + "/challenges/answers/")
    agency.click(f"text={ch.number}")
    agency.fill("textarea[name=answer]", "资格条件已在更正公告中删除。")
    agency.check("input[name=no_secrets]")
    agency.click("button:has-text('答复')")
    agency.wait_for_selector("text=已答复，并已通知")
    shot(agency, "challenge-answered")

    other = new_page("tr_supplier2")
    other.goto(other.base + "/challenges/notices/")
    assert "资格条件已在更正公告中删除" in other.content()

    supplier.goto(supplier.base + f"/challenges/{ch.pk}/")
    supplier.click(f"a[href='/challenges/{ch.pk}/complain/']")
    supplier.fill("textarea[name=claims]", "请求认定资格条件违法")
    supplier.fill("textarea[name=facts]", "答复未纠正全部问题")
    supplier.click("button:has-text('提交投诉')")
    supplier.wait_for_selector("text=投诉已提交")
    complaint = Complaint.objects.get()

    reg = new_page("fz_reg")
    reg.goto(reg.base + "/challenges/complaints/")
    reg.click(f"text={complaint.number}")
    reg.click("button:has-text('受理')")
    reg.wait_for_selector("text=已受理")
    until = timezone.localdate() + dt.timedelta(days=10)
    reg.fill("#suspend input[name=until]", f"{until:%Y-%m-%d}")
    reg.fill("#suspend textarea[name=reason]", "调查取证")
    reg.click("#suspend button")
    reg.wait_for_selector("text=已通知暂停采购活动")
    assert Procurement.objects.get(pk=proc.pk).suspended_until == until

    agency.goto(agency.base + f"/trading/{proc.pk}/")
    assert f"暂停至 {until:%Y-%m-%d}" in agency.content()
    shot(agency, "procurement-suspended")

    reg.select_option("#decide select[name=outcome]", "upheld")
    reg.fill("#decide textarea[name=reasons]", "资格条件与项目特点不相适应，投诉成立。")
    reg.click("#decide button")
    reg.wait_for_selector("text=已作出处理决定")
    assert Complaint.objects.get().status == ComplaintStatus.DECIDED
    assert Procurement.objects.get(pk=proc.pk).suspended_until is None
    agency.goto(agency.base + f"/trading/{proc.pk}/")
    assert "暂停至" not in agency.content()
