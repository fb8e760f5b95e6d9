"""Pages and API of 流标/废标 and 废标处理: each role, another unit, another agency, another region."""

import io

import openpyxl
import pytest

from core.testing import api_call, client_for
from failures.models import Failure, FailureHandling, FailureReason
from trading import selectors as trading_selectors
from trading import services as trading_services
from workflow import engine

from .support import announced, failed, handling, purchaser_fill, reload, reload_proc

pytestmark = pytest.mark.django_db
BIG = "3000000"


def _approved_change(tr):
    proc = failed(tr, BIG, "open_tender", reason=FailureReason.FEW_QUALIFIED)
    doc = purchaser_fill(tr, handling(tr, proc, "change_method"))
    engine.approve(doc, tr.reviewer)
    engine.approve(reload(doc), tr.w.fz_reg)
    return reload(doc), reload_proc(proc)


def test_declare_from_the_procurement_page(tr):
    proc = announced(tr)
    page = client_for(tr.agency_user).get(f"/trading/{proc.pk}/")
    assert "登记流标/废标" in page.content.decode()
    assert "登记流标/废标" not in client_for(tr.clerk).get(f"/trading/{proc.pk}/").content.decode()
    lot = trading_selectors.lots(proc)[0]
    body = {"lot_ids": [lot.pk], "reason": FailureReason.FEW_RESPONSIVE, "explanation": "仅两家。"}
    url = f"/failures/procurements/{proc.pk}/declare/"
    assert client_for(tr.clerk).post(url, body).status_code == 403        # the purchaser of an entrusted one
    assert client_for(tr.agency2_user).post(url, body).status_code == 404  # another agency: not its row
    assert client_for(tr.supplier_user).post(url, body).status_code == 404
    bad = client_for(tr.agency_user).post(url, {**body, "reason": "few_qualified"}, follow=True)
    assert "请选择废标原因" in bad.content.decode() and Failure.objects.count() == 0
    resp = client_for(tr.agency_user).post(url, body, follow=True)
    assert resp.status_code == 200 and Failure.objects.count() == 1
    assert f'href="/failures/new/?procurement={proc.pk}">发起废标处理' in resp.content.decode()
    form = client_for(tr.agency_user).get(f"/failures/new/?procurement={proc.pk}").content.decode()
    assert f'<option value="{proc.pk}" selected>' in form  # the kit's initial_from_query


def test_agency_list_new_and_scope(tr):
    proc = failed(tr)
    agency = client_for(tr.agency_user)
    form = agency.get("/failures/new/")
    assert form.status_code == 200 and proc.number in form.content.decode()
    assert "终止/变更情况说明" not in form.content.decode()  # the purchaser's part is the purchaser's page
    resp = agency.post("/failures/new/", {"procurement": proc.pk, "kind": "rebid", "explanation": "重新招标。",
                                          "submit": "1"})
    assert resp.status_code == 302
    doc = FailureHandling.objects.get()
    assert doc.status == "pending"
    assert doc.number in agency.get("/failures/").content.decode()
    assert client_for(tr.agency2_user).get(f"/failures/{doc.pk}/").status_code == 404
    assert doc.number not in client_for(tr.agency2_user).get("/failures/?tab=all").content.decode()
    assert client_for(tr.w.jx_reg).get(f"/failures/{doc.pk}/").status_code == 404
    assert client_for(tr.w.fz_clerk).get(f"/failures/{doc.pk}/").status_code == 404
    assert client_for(tr.w.fz_reg).get(f"/failures/{doc.pk}/").status_code == 200
    assert client_for(tr.reviewer).get(f"/failures/{doc.pk}/").status_code == 200
    assert client_for(tr.supplier_user).get("/failures/").status_code == 403
    assert client_for(tr.w.fz_reg).get("/failures/").status_code == 403
    assert client_for(tr.supplier_user).get("/failures/new/").status_code == 403


def test_the_purchasers_pages(tr):
    proc = failed(tr)
    doc = handling(tr, proc, "terminate")
    clerk = client_for(tr.clerk)
    listing = clerk.get("/failures/plan-terminations/")
    assert listing.status_code == 200 and doc.number in listing.content.decode() and "办理" in listing.content.decode()
    assert doc.number not in clerk.get("/failures/method-changes/?tab=all").content.decode()
    detail = clerk.get(f"/failures/{doc.pk}/").content.decode()
    assert f"/failures/{doc.pk}/purchaser/" in detail and 'id="review-dialog"' not in detail  # Node.entry: 办理
    reviewer_view = client_for(tr.reviewer).get(f"/failures/{doc.pk}/").content.decode()
    assert "/purchaser/" not in reviewer_view  # not the reviewer's step
    url = f"/failures/{doc.pk}/purchaser/"
    assert clerk.get(url).status_code == 200
    for who, status in ((tr.agency_user, 403), (tr.supplier_user, 403), (tr.w.fz_clerk, 404)):
        assert client_for(who).get(url).status_code == status
    assert client_for(tr.reviewer).post(url, {"purchaser_note": "x"}).status_code == 403
    missing = clerk.post(url, {"version": doc.version, "submit": "1"})
    assert missing.status_code == 200 and "请填写终止情况说明" in missing.content.decode()
    saved = clerk.post(url, {"version": doc.version, "purchaser_note": "终止说明", "contact_name": "王经办",
                             "contact_phone": "0591-87091234", "submit": "1"})
    assert saved.status_code == 302 and reload(doc).current_node == "reviewer"
    assert client_for(tr.agency_user).get("/failures/plan-terminations/").status_code == 403
    assert client_for(tr.w.fz_reg).get("/failures/method-changes/").status_code == 403


def test_regulator_lists_export_and_back_to_first(tr):
    doc, proc = _approved_change(tr)
    reg = client_for(tr.w.fz_reg)
    page = reg.get("/failures/region/tender/?tab=approved").content.decode()
    assert doc.number in page and f'name="ids" value="{doc.pk}"' in page
    assert doc.number not in reg.get("/failures/region/non-tender/?tab=all").content.decode()
    assert doc.number not in client_for(tr.w.jx_reg).get("/failures/region/tender/?tab=all").content.decode()
    for who in (tr.clerk, tr.agency_user, tr.supplier_user):
        assert client_for(who).get("/failures/region/tender/").status_code == 403
    xlsx = reg.get("/failures/region/tender/?tab=all&export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert doc.number in [c.value for row in sheet.iter_rows() for c in row]
    # 回第一步 of the ticked rows
    assert client_for(tr.agency_user).post("/failures/region/back/", {"ids": [doc.pk], "reason": "x"}).status_code == 403
    resp = client_for(tr.w.jx_reg).post("/failures/region/back/", {"ids": [doc.pk], "reason": "原因"})
    assert resp.status_code == 302 and reload(doc).status == "approved"   # outside its region: untouched
    resp = reg.post("/failures/region/back/", {"ids": [doc.pk], "reason": "变更理由不充分",
                                               "next": "/failures/region/tender/"}, follow=True)
    assert "已回第一步" in resp.content.decode() and reload(doc).status == "draft"
    assert doc.number in reg.get("/failures/region/tender/?tab=returned").content.decode()


def test_back_to_first_after_the_announcement_from_the_detail_page(tr):
    doc, proc = _approved_change(tr)
    trading_services.procurement_announced(actor=tr.agency_user, procurement=proc)
    reg = client_for(tr.w.fz_reg)
    detail = reg.get(f"/failures/{doc.pk}/").content.decode()
    assert "回第一步" in detail
    resp = reg.post(f"/failures/{doc.pk}/back_to_first/", {"version": doc.version, "reason": "原因"}, follow=True)
    assert "已发布采购公告" in resp.content.decode() and reload(doc).status == "approved"
    assert client_for(tr.agency_user).post(f"/failures/{doc.pk}/back_to_first/",
                                           {"version": doc.version, "reason": "x"}).status_code == 403


def test_api(tr):
    proc = announced(tr)
    lot = trading_selectors.lots(proc)[0]
    url = f"/api/procurements/{proc.pk}/failures"
    body = {"lot_ids": [lot.pk], "reason": "few_responsive", "explanation": "仅两家。"}
    assert api_call(tr.clerk, "post", url, body).status_code == 403
    assert api_call(tr.agency2_user, "post", url, body).status_code == 404
    assert api_call(tr.agency_user, "post", url, {**body, "lot_ids": "x"}).status_code == 422
    resp = api_call(tr.agency_user, "post", url, body)
    assert resp.status_code == 201 and resp.json()[0]["reason_text"].startswith("符合竞争要求")
    assert len(api_call(tr.clerk, "get", url).json()) == 1
    created = api_call(tr.agency_user, "post", "/api/failures", {
        "procurement": proc.pk, "kind": "change_method", "new_method": "negotiation", "change_reason": "理由",
        "explanation": "说明", "submit": True})
    assert created.status_code == 201, created.content
    doc = created.json()
    assert doc["status"] == "pending"
    assert api_call(tr.agency2_user, "get", f"/api/failures/{doc['id']}").status_code == 404
    entry = f"/api/failures/{doc['id']}/purchaser-entry"
    assert api_call(tr.reviewer, "post", entry, {"version": doc["version"]}).status_code == 403
    assert api_call(tr.clerk, "post", entry, {"version": doc["version"], "submit": True}).status_code == 422
    done = api_call(tr.clerk, "post", entry, {"version": doc["version"], "purchaser_note": "说明",
                                               "contact_name": "王经办", "contact_phone": "0591-87091234",
                                               "submit": True})
    assert done.status_code == 200 and "approve" not in done.json()["actions"]
    approved = api_call(tr.reviewer, "post", f"/api/failures/{doc['id']}/approve", {"version": done.json()["version"]})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    back = f"/api/failures/{doc['id']}/back_to_first"
    assert api_call(tr.agency_user, "post", back, {"version": approved.json()["version"], "opinion": "x"}).status_code == 403
    sent = api_call(tr.w.fz_reg, "post", back, {"version": approved.json()["version"], "opinion": "原因"})
    assert sent.status_code == 200 and sent.json()["status"] == "draft"
    schema = api_call(tr.agency_user, "get", "/api/openapi.json").json()
    assert {"/api/failures/{id}/back_to_first", "/api/procurements/{id}/failures",
            "/api/failures/{id}/purchaser-entry"} <= set(schema["paths"])
