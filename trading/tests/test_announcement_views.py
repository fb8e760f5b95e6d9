"""Pages and API of 采购公告 and 报名: the refusal beside the field, scope (an agency only what it runs, a supplier
only its own registrations, a regulator only its region), wrong roles 403, the public page without login."""

import datetime as dt

import pytest
from django.urls import reverse

from core.testing import api_call as _call
from core.testing import client_for
from orgs.models import Role, Unit
from orgs.testing import make_unit, make_user
from trading import services
from trading.docs import ANNOUNCEMENT
from trading.models import Registration

from .announcing import announcement_data, entrusted_procurement, published

pytestmark = pytest.mark.django_db


def api_call(user, method, url, body=None, status=200):
    resp = _call(user, method, url, body)
    assert resp.status_code == status, (resp.status_code, resp.content[:400])
    return resp.json()


def form_post(proc, **over) -> dict:
    data = announcement_data(proc, **over)
    out = {k: ("" if v is None else v) for k, v in data.items() if k != "attachment_ids"}
    for k in ("docs_start", "docs_end"):
        out[k] = data[k].isoformat()
    for k in ("bid_deadline", "opening_at"):
        out[k] = data[k].strftime("%Y-%m-%dT%H:%M") if data[k] else ""
    out["affects_bids"] = "on" if data["affects_bids"] else ""
    return out


def test_a_short_deadline_is_refused_beside_the_field(tr):
    proc = entrusted_procurement(tr)
    c = client_for(tr.agency_user)
    post = form_post(proc)
    post["bid_deadline"] = (dt.date.fromisoformat(post["docs_start"])).isoformat() + "T09:30"
    resp = c.post(ANNOUNCEMENT.url("new"), post)
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "不得少于3个工作日" in html and 'class="field has-error"' in html
    assert not ANNOUNCEMENT.model.objects.exists()
    resp = c.post(ANNOUNCEMENT.url("new"), {**form_post(proc), "submit": "1"})
    assert resp.status_code == 302
    doc = ANNOUNCEMENT.model.objects.get()
    assert doc.status == "pending"


def test_new_form_offers_only_what_the_agency_runs(tr):
    mine = entrusted_procurement(tr)
    other_plan_unit = make_unit("福州市第三中学", region_code="350100", budget_code="350100103")
    assert other_plan_unit  # another purchaser's plan entrusted to agency2 is not offered to tr.agency
    html = client_for(tr.agency_user).get(ANNOUNCEMENT.url("new")).content.decode()
    assert mine.number in html
    assert mine.number not in client_for(tr.agency2_user).get(ANNOUNCEMENT.url("new")).content.decode()
    assert client_for(tr.supplier_user).get(ANNOUNCEMENT.url("new")).status_code == 403
    assert client_for(tr.reviewer).get(ANNOUNCEMENT.url("new")).status_code == 403


def test_detail_scope(tr):
    proc = entrusted_procurement(tr)
    doc = published(tr, proc)
    url = ANNOUNCEMENT.url("detail", doc.pk)
    for user in (tr.agency_user, tr.clerk, tr.reviewer, tr.w.fz_reg, tr.w.fj_reg):
        assert client_for(user).get(url).status_code == 200, user
    for user in (tr.agency2_user, tr.supplier_user, tr.w.jx_reg, tr.other_clerk):
        assert client_for(user).get(url).status_code == 404, user
    proc_url = reverse("trading:detail", args=[proc.pk])
    page = client_for(tr.agency_user).get(proc_url).content.decode()
    assert doc.number in page and "供应商报名" in page
    assert client_for(tr.agency2_user).get(proc_url).status_code == 404


def test_supplier_registers_and_sees_only_its_own(tr):
    proc = entrusted_procurement(tr)
    doc = published(tr, proc)
    s1, s2 = client_for(tr.supplier_user), client_for(tr.supplier2_user)
    assert doc.title in s1.get(reverse("trading:open_announcements")).content.decode()
    url = reverse("trading:register", args=[doc.pk])
    resp = s1.post(url, {"contact_name": "", "contact_phone": ""})
    assert resp.status_code == 200 and "field-error" in resp.content.decode()
    assert s1.post(url, {"contact_name": "李一", "contact_phone": "0591-1"}).status_code == 302
    assert s2.post(url, {"contact_name": "王二", "contact_phone": "0591-2"}).status_code == 302
    assert Registration.objects.count() == 2
    mine = s1.get(reverse("trading:my_registrations")).content.decode()
    assert "李一" in mine and "王二" not in mine
    for user in (tr.agency_user, tr.clerk, tr.w.fz_reg):
        assert client_for(user).get(url).status_code == 403
        assert client_for(user).get(reverse("trading:my_registrations")).status_code == 403
    panel = client_for(tr.reviewer).get(reverse("trading:detail", args=[proc.pk])).content.decode()
    assert "李一" in panel and "王二" in panel
    again = s1.post(url, {"contact_name": "李一", "contact_phone": "0591-1"})
    assert "您已报名" in again.content.decode()


def test_regulator_pages_cover_the_region_only(tr):
    proc = entrusted_procurement(tr)
    doc = published(tr, proc)
    services.registration_create(actor=tr.supplier_user, procurement=proc, contact_name="李一",
                                 contact_phone="0591-1")
    for name in ("trading:region_announcements", "trading:region_registrations"):
        url = reverse(name)
        assert proc.number in client_for(tr.w.fz_reg).get(url + "?tab=all").content.decode()
        assert proc.number not in client_for(tr.w.jx_reg).get(url + "?tab=all").content.decode()
        for user in (tr.agency_user, tr.clerk, tr.supplier_user):
            assert client_for(user).get(url).status_code == 403
        export = client_for(tr.w.fz_reg).get(url + "?tab=all&export=xlsx")
        assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert doc.title in client_for(tr.w.fz_reg).get(reverse("trading:region_announcements")).content.decode()


def test_public_page_without_login(tr, client):
    proc = entrusted_procurement(tr)
    doc = published(tr, proc)
    draft_proc = entrusted_procurement(tr)
    draft = ANNOUNCEMENT.save_doc(tr.agency_user, None, announcement_data(draft_proc, title="尚未发布的公告"), None)
    page = client.get(reverse("trading_public:list")).content.decode()
    assert doc.title in page and "尚未发布的公告" not in page
    detail = client.get(reverse("trading_public:detail", args=[doc.pk]))
    assert detail.status_code == 200 and "打印" in detail.content.decode()
    assert client.get(reverse("trading_public:detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("trading_public:list") + "?export=xlsx").status_code == 404


def test_entrusted_list_links_acceptance_until_accepted(tr):
    from .support import filed_plan

    plan = filed_plan(tr.clerk, tr.reviewer, entrusted=tr.agency)
    c = client_for(tr.agency_user)
    accept = reverse("trading:accept", args=[plan.pk])
    assert accept in c.get(reverse("plans:entrusted")).content.decode()
    services.procurement_accept(actor=tr.agency_user, plan=plan)
    assert accept not in c.get(reverse("plans:entrusted")).content.decode()


# ---- API -------------------------------------------------------------------------------------------------------


def test_api_accept_and_procurements(tr):
    from .support import filed_plan

    plan = filed_plan(tr.clerk, tr.reviewer, entrusted=tr.agency)
    body = api_call(tr.agency_user, "get", "/api/trading/awaiting")
    assert [p["id"] for p in body["items"]] == [plan.pk]
    assert api_call(tr.agency2_user, "post", f"/api/trading/awaiting/{plan.pk}/accept", {}, status=404)
    assert api_call(tr.supplier_user, "get", "/api/trading/awaiting", status=403)
    proc = api_call(tr.agency_user, "post", f"/api/trading/awaiting/{plan.pk}/accept", {}, status=201)
    assert proc["number"].startswith("CG") and len(proc["lots"]) == 1 and proc["lots"][0]["lines"]
    assert api_call(tr.agency_user, "get", f"/api/trading/procurements/{proc['id']}")["lots"][0]["seq"] == 1
    api_call(tr.agency2_user, "get", f"/api/trading/procurements/{proc['id']}", status=404)
    assert api_call(tr.w.fz_reg, "get", "/api/trading/procurements")["count"] == 1
    assert api_call(tr.w.jx_reg, "get", "/api/trading/procurements")["count"] == 0


def test_api_announcement_and_registration(tr):
    proc = entrusted_procurement(tr)
    data = announcement_data(proc)
    body = {**{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}, "submit": True}
    short = {**body, "bid_deadline": data["docs_start"].isoformat() + "T09:30"}
    err = api_call(tr.agency_user, "post", "/api/announcements", short, status=422)
    assert "bid_deadline" in err["errors"]
    doc = api_call(tr.agency_user, "post", "/api/announcements", body, status=201)
    assert doc["status"] == "pending"
    api_call(tr.reviewer, "post", f"/api/announcements/{doc['id']}/approve", {"version": doc["version"]})
    cur = api_call(tr.agency_user, "get", f"/api/announcements/{doc['id']}")
    api_call(tr.agency_user, "post", f"/api/announcements/{doc['id']}/publish", {"version": cur["version"]})
    items = api_call(tr.supplier_user, "get", "/api/trading/open-announcements")["items"]
    assert [i["id"] for i in items] == [doc["id"]]
    reg = api_call(tr.supplier_user, "post", f"/api/trading/open-announcements/{doc['id']}/registrations",
                   {"contact_name": "李一", "contact_phone": "0591-1"}, status=201)
    assert reg["supplier_id"] == tr.supplier.pk
    api_call(tr.agency_user, "post", f"/api/trading/open-announcements/{doc['id']}/registrations",
             {"contact_name": "李一", "contact_phone": "0591-1"}, status=403)
    assert api_call(tr.supplier2_user, "get", "/api/trading/my-registrations")["count"] == 0
    regs = api_call(tr.reviewer, "get", f"/api/trading/procurements/{proc.pk}/registrations")
    assert [r["id"] for r in regs] == [reg["id"]]


def test_a_central_procurement_agency_submits_as_agency(tr):
    central = make_unit("福建省政府采购中心（测试）", region_code="350000", kind=Unit.KIND_CENTRAL)
    make_user("tr_central", central, Role.AGENCY)
    doc = type("D", (), {"organizer": central})()
    from trading import notices

    assert notices.submit_role(doc) == Role.AGENCY
    assert notices.submit_role(type("D", (), {"organizer": tr.unit})()) == Role.CLERK


def test_the_procurement_page_links_preselect_the_procurement_and_the_kind(tr):
    proc = entrusted_procurement(tr)
    c = client_for(tr.agency_user)
    page = c.get(f"/trading/{proc.pk}/").content.decode()
    purchase = f"{ANNOUNCEMENT.url('new')}?procurement_id={proc.pk}&amp;kind=purchase"
    assert purchase in page and "kind=correction" not in page  # no 更正公告 before the 采购公告 is published
    form = c.get(f"{ANNOUNCEMENT.url('new')}?procurement_id={proc.pk}&kind=purchase").content.decode()
    assert f'<option value="{proc.pk}" selected>' in form
    published(tr, proc)
    page = c.get(f"/trading/{proc.pk}/").content.decode()
    assert f"{ANNOUNCEMENT.url('new')}?procurement_id={proc.pk}&amp;kind=correction" in page
    form = c.get(f"{ANNOUNCEMENT.url('new')}?procurement_id={proc.pk}&kind=correction").content.decode()
    assert f'<option value="{proc.pk}" selected>' in form and '<option value="correction" selected>' in form
    for who in (tr.clerk, tr.reviewer, tr.w.fz_reg):  # they see the page, not the links
        assert "procurement_id=" not in client_for(who).get(f"/trading/{proc.pk}/").content.decode()


def test_the_hidden_attachment_field_has_no_label_row(tr):
    entrusted_procurement(tr)
    html = client_for(tr.agency_user).get(ANNOUNCEMENT.url("new")).content.decode()
    basics = html.split("<h2>基本信息</h2>")[1].split("</section>")[0]
    assert "<span>采购文件</span>" not in basics and "<span></span>" not in basics
    assert 'name="procurement_id"' in basics
