"""Pages of 质疑与投诉: a supplier sees only its own (404 otherwise), the organizer and purchaser answer, the regulator
handles the complaints of its region only; wrong roles 403."""

import datetime as dt
import io

import openpyxl
import pytest

from challenges import services
from challenges.models import ChallengeStatus, ComplaintStatus
from core.testing import client_for

from .support import reload

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def filed(ch):
    return ch.make(D(2025, 9, 26), on=D(2025, 9, 30))


@pytest.fixture
def complaint(ch, filed, tr):
    ch.clock(D(2025, 10, 10))
    services.challenge_answer(actor=tr.agency_user, challenge=filed, answer="评分标准合法。", no_secrets=True)
    ch.clock(D(2025, 10, 20))
    return services.complaint_create(actor=tr.supplier_user, challenge=filed, claims="投诉请求", facts="事实")


@pytest.mark.parametrize("who, status", [
    ("supplier_user", 200), ("agency_user", 200), ("clerk", 200), ("reviewer", 200), ("fz_reg", 200), ("fj_reg", 200),
    ("supplier2_user", 404), ("agency2_user", 404), ("other_clerk", 404), ("jx_reg", 404),
])
def test_challenge_detail_scope(tr, filed, who, status):
    user = getattr(tr, who, None) or getattr(tr.w, who)
    assert client_for(user).get(f"/challenges/{filed.pk}/").status_code == status


@pytest.mark.parametrize("who, status", [
    ("supplier_user", 200), ("clerk", 200), ("fz_reg", 200), ("fj_reg", 200),
    ("supplier2_user", 404), ("agency2_user", 404), ("jx_reg", 404),
])
def test_complaint_detail_scope(tr, complaint, who, status):
    user = getattr(tr, who, None) or getattr(tr.w, who)
    assert client_for(user).get(f"/challenges/complaints/{complaint.pk}/").status_code == status


def test_lists_by_role(tr, filed):
    assert filed.number in client_for(tr.supplier_user).get("/challenges/").content.decode()
    assert filed.number not in client_for(tr.supplier2_user).get("/challenges/").content.decode()
    assert filed.number in client_for(tr.agency_user).get("/challenges/answers/").content.decode()
    assert filed.number in client_for(tr.clerk).get("/challenges/answers/").content.decode()
    assert filed.number not in client_for(tr.agency2_user).get("/challenges/answers/").content.decode()
    for user, url in ((tr.agency_user, "/challenges/"), (tr.supplier_user, "/challenges/answers/"),
                      (tr.clerk, "/challenges/complaints/"), (tr.supplier_user, "/challenges/complaints/"),
                      (tr.w.fz_reg, "/challenges/new/"), (tr.agency_user, "/challenges/notices/")):
        assert client_for(user).get(url).status_code == 403, url


def test_the_procurement_page_shows_the_panel(tr, ch, filed):
    page = client_for(tr.agency_user).get(f"/trading/{ch.proc.pk}/").content.decode()
    assert "质疑与投诉" in page and filed.number in page


def test_filing_through_the_page(tr, ch):
    ch.clock(D(2025, 9, 30))
    c = client_for(tr.supplier_user)
    form = {"procurement_number": ch.proc.number, "subject": "documents", "known_on": "2025-09-26",
            "claims": "请求", "facts": "事实"}
    bad = c.post("/challenges/new/", {**form, "procurement_number": "CG-NOPE"})
    assert bad.status_code == 200 and "未找到您本轮已报名的该采购编号项目" in bad.content.decode()
    late = c.post("/challenges/new/", {**form, "known_on": "2025-09-01"})
    assert "质疑期限已过" in late.content.decode()
    resp = c.post("/challenges/new/", form)
    assert resp.status_code == 302
    assert "请求" in c.get(resp["Location"]).content.decode()


def test_answer_through_the_page_is_told_to_the_other_supplier(tr, ch, filed):
    ch.clock(D(2025, 10, 9))
    c = client_for(tr.agency_user)
    resp = c.post(f"/challenges/{filed.pk}/answer/", {"answer": "答复正文"})
    assert resp.status_code == 422 and "不涉及商业秘密" in resp.content.decode()
    assert client_for(tr.supplier2_user).post(f"/challenges/{filed.pk}/answer/",
                                              {"answer": "x", "no_secrets": "on"}).status_code == 404
    assert client_for(tr.reviewer).post(f"/challenges/{filed.pk}/answer/",
                                        {"answer": "x", "no_secrets": "on"}).status_code == 403
    assert c.post(f"/challenges/{filed.pk}/answer/", {"answer": "答复正文", "no_secrets": "on"}).status_code == 302
    assert reload(filed).status == ChallengeStatus.ANSWERED
    notices = client_for(tr.supplier2_user).get("/challenges/notices/").content.decode()
    assert "答复正文" in notices and "请求修改评分标准" not in notices  # the answer, not the claims


def test_regulator_handles_its_regions_complaints(tr, ch, complaint):
    reg = client_for(tr.w.fz_reg)
    assert complaint.number in reg.get("/challenges/complaints/?tab=todo").content.decode()
    assert complaint.number in client_for(tr.w.fj_reg).get("/challenges/complaints/").content.decode()
    assert complaint.number not in client_for(tr.w.jx_reg).get("/challenges/complaints/").content.decode()
    assert client_for(tr.w.fj_reg).post(f"/challenges/complaints/{complaint.pk}/accept/").status_code == 403
    assert reg.post(f"/challenges/complaints/{complaint.pk}/accept/").status_code == 302
    too_long = reg.post(f"/challenges/complaints/{complaint.pk}/suspend/", {"until": "2025-12-31", "reason": "调查"})
    assert too_long.status_code == 422 and "最长不得超过30日" in too_long.content.decode()
    assert reg.post(f"/challenges/complaints/{complaint.pk}/suspend/",
                    {"until": "2025-11-05", "reason": "调查"}).status_code == 302
    assert "暂停至 2025-11-05" in client_for(tr.agency_user).get(f"/trading/{ch.proc.pk}/").content.decode()
    assert reg.post(f"/challenges/complaints/{complaint.pk}/decide/",
                    {"outcome": "upheld", "reasons": "成立"}).status_code == 302
    assert reload(complaint).status == ComplaintStatus.DECIDED and reload(ch.proc).suspended_until is None
    assert complaint.number in reg.get("/challenges/complaints/?tab=done").content.decode()
    xlsx = reg.get("/challenges/complaints/?tab=done&export=xlsx")
    assert xlsx.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content) if xlsx.streaming else
                                                  xlsx.content)).active.values)
    assert any(complaint.number in [str(v) for v in row] for row in rows)


def test_supplier_withdraws_through_the_page(tr, complaint):
    c = client_for(tr.supplier_user)
    assert c.post(f"/challenges/complaints/{complaint.pk}/withdraw/", {"reason": ""}).status_code == 422
    assert c.post(f"/challenges/complaints/{complaint.pk}/withdraw/", {"reason": "撤回"}).status_code == 302
    assert reload(complaint).status == ComplaintStatus.WITHDRAWN


def test_the_evidence_opens_for_whoever_reads_the_challenge(ch):
    """The supplier's 证明材料 opens for the organizer, the purchaser and the region's regulator (the
    challenge's readers: attachments.visibility), not for the other supplier or another region."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    from attachments.models import Attachment
    from challenges import services
    from core.testing import client_for

    ch.clock(dt.date(2025, 9, 26))
    pdf = SimpleUploadedFile("证明材料.pdf", b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",
                             content_type="application/pdf")
    c = services.challenge_create(actor=ch.tr.supplier_user, procurement=ch.proc, subject="documents",
                                  known_on=dt.date(2025, 9, 26), claims="请求修改评分标准", facts="评分标准指向特定品牌",
                                  files=[pdf])
    att = Attachment.objects.get(object_id=c.pk, content_type__model="challenge")
    tr = ch.tr
    for user, status in ((tr.supplier_user, 200), (tr.agency_user, 200), (tr.clerk, 200), (tr.w.fz_reg, 200),
                         (tr.supplier2_user, 404), (tr.agency2_user, 404), (tr.w.jx_reg, 404)):
        assert client_for(user).get(f"/attachments/{att.pk}/download/").status_code == status, user.username


def test_a_list_without_row_actions_draws_no_empty_operations_column(ch):
    """质疑答复通知 offers nothing to do on a row: no 操作 column (the list pipeline draws it only when the list
    declares row actions); 采购计划受理 keeps its 受理."""
    from core.testing import client_for

    notices = client_for(ch.tr.supplier2_user).get("/challenges/notices/").content.decode()
    assert "<th>操作</th>" not in notices
    awaiting = client_for(ch.tr.agency_user).get("/trading/accept/").content.decode()
    assert "<th>操作</th>" in awaiting


def test_the_form_offers_only_the_suppliers_registered_procurements(tr, ch):
    from trading import services as trading

    from .support import procurement

    other = procurement(tr)  # announced, tr.supplier not registered
    page = client_for(tr.supplier_user).get(f"/challenges/new/?procurement={ch.proc.number}").content.decode()
    assert '<select name="procurement_number"' in page
    assert f'<option value="{ch.proc.number}" selected>' in page and other.number not in page
    trading.registration_create(actor=tr.supplier_user, procurement=other, contact_name="张三",
                                contact_phone="13800000000")
    assert other.number in client_for(tr.supplier_user).get("/challenges/new/").content.decode()
    resp = client_for(tr.supplier2_user).post("/challenges/new/", {
        "procurement_number": other.number, "subject": "documents", "known_on": "2025-09-26", "claims": "请求",
        "facts": "事实"})  # supplier2 is not registered for it
    assert resp.status_code == 200 and "未找到您本轮已报名的该采购编号项目" in resp.content.decode()
