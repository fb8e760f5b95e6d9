"""Pages of 评审结果: scope (the agency only what it runs, the purchaser its own, regulators their region, wrong
roles 403), the confirmation page, the printable notice with 大写金额, the regulator's lists and the public page."""

import pytest

from core.testing import api_call, client_for
from workflow import engine

from .support import confirmed, in_progress, lot_of, recorded, reload

pytestmark = pytest.mark.django_db


def _user(tr, who):
    return getattr(tr, who, None) or getattr(tr.w, who)


@pytest.mark.parametrize("who, status", [
    ("agency_user", 200), ("clerk", 200), ("reviewer", 200), ("fz_reg", 200), ("fj_reg", 200),
    ("agency2_user", 404), ("other_clerk", 404), ("jx_reg", 404), ("supplier_user", 404),
])
def test_detail_scope(tr, who, status):
    result = recorded(tr)
    assert client_for(_user(tr, who)).get(f"/awards/{result.pk}/").status_code == status


def test_list_scope_and_wrong_roles(tr):
    result = recorded(tr)
    assert result.number in client_for(tr.agency_user).get("/awards/?tab=all").content.decode()
    assert result.number not in client_for(tr.agency2_user).get("/awards/?tab=all").content.decode()
    assert result.number in client_for(tr.w.fz_reg).get("/awards/?tab=all").content.decode()
    assert result.number not in client_for(tr.w.jx_reg).get("/awards/?tab=all").content.decode()
    assert client_for(tr.supplier_user).get("/awards/").status_code == 403
    assert client_for(tr.supplier_user).get("/awards/new/").status_code == 403
    assert client_for(tr.reviewer).get("/awards/new/").status_code == 403


def test_the_new_page_offers_only_the_agencys_open_lots(tr):
    proc = in_progress(tr)
    page = client_for(tr.agency_user).get(f"/awards/new/?lot_id={lot_of(proc).pk}").content.decode()
    assert proc.number in page and "selected" in page
    assert proc.number not in client_for(tr.agency2_user).get("/awards/new/").content.decode()
    panel = client_for(tr.agency_user).get(f"/trading/{proc.pk}/").content.decode()
    assert "录入评审结果" in panel


def test_the_reviewer_confirms_on_the_page_and_the_deadline_is_shown(tr):
    result = recorded(tr)
    page = client_for(tr.reviewer).get(f"/awards/{result.pk}/").content.decode()
    assert "确认中标（成交）供应商" in page and "2026-03-09" in page
    r = client_for(tr.reviewer).post(f"/awards/{result.pk}/confirm/",
                                     {"winner_rank": "2", "confirm_reason": "", "version": result.version})
    assert r.status_code == 302 and reload(result).status == "pending"  # a reason is required for the second
    assert client_for(tr.agency_user).post(f"/awards/{result.pk}/confirm/", {"version": result.version}).status_code == 403
    assert client_for(tr.agency2_user).post(f"/awards/{result.pk}/confirm/", {}).status_code == 404
    client_for(tr.reviewer).post(f"/awards/{result.pk}/confirm/", {"winner_rank": "1", "version": result.version})
    assert reload(result).status == "approved"


def test_the_notice_prints_with_the_amount_in_words_and_the_public_page(tr):
    result = confirmed(tr)
    assert client_for(tr.agency_user).get(f"/awards/{result.pk}/notice/").status_code == 404  # not issued yet
    result = engine.advance(reload(result), tr.agency_user, "issue_notice")
    page = client_for(tr.clerk).get(f"/awards/{result.pk}/notice/").content.decode()
    assert reload(result).notice_number in page and "大写金额" in page and "元" in page and "整" in page
    assert "自本通知书发出之日起30日内" in page  # the contract_sign_days parameter (法 46)
    assert client_for(tr.agency2_user).get(f"/awards/{result.pk}/notice/").status_code == 404
    assert client_for(None).get(f"/portal/awards/{result.pk}/").status_code == 404  # not published yet
    engine.advance(reload(result), tr.agency_user, "publish")
    public = client_for(None).get("/portal/awards/").content.decode()
    assert reload(result).winner_name in public
    detail = client_for(None).get(f"/portal/awards/{result.pk}/").content.decode()
    assert "张评审" in detail
    assert client_for(None).get("/portal/awards/?export=1").status_code == 404


@pytest.mark.parametrize("code", ["notices", "self_notices", "post_award", "exceptions"])
def test_regulator_lists(tr, code):
    result = engine.advance(reload(confirmed(tr)), tr.agency_user, "issue_notice")
    url = f"/awards/region/{code}/?tab=all"
    assert client_for(tr.clerk).get(url).status_code == 403
    assert client_for(tr.agency_user).get(url).status_code == 403
    page = client_for(tr.w.fz_reg).get(url).content.decode()
    if code in ("notices", "post_award"):
        assert reload(result).procurement.name in page
        assert reload(result).procurement.name not in client_for(tr.w.jx_reg).get(url).content.decode()
    export = client_for(tr.w.fz_reg).get(url + "&export=1")
    assert export.status_code == 200


def test_api_confirm_and_notice(tr):
    result = recorded(tr)
    assert api_call(tr.agency_user, "post", f"/api/awards/{result.pk}/confirm", {"version": result.version}).status_code == 403
    r = api_call(tr.reviewer, "post", f"/api/awards/{result.pk}/confirm", {"version": result.version})
    assert r.status_code == 200, r.content
    assert api_call(tr.reviewer, "get", f"/api/awards/{result.pk}/notice").status_code == 404
    engine.advance(reload(result), tr.agency_user, "issue_notice")
    body = api_call(tr.reviewer, "get", f"/api/awards/{result.pk}/notice").json()
    assert body["notice_number"] == reload(result).notice_number and body["amount_in_words"].endswith("整")
    rows = api_call(tr.agency_user, "get", f"/api/awards-procurements/{result.procurement_id}/awarded").json()
    assert rows[0]["supplier_name"] == reload(result).winner_name
    assert api_call(tr.agency2_user, "get", f"/api/awards-procurements/{result.procurement_id}/awarded").status_code == 404
    assert api_call(tr.w.jx_reg, "get", f"/api/awards/{result.pk}").status_code == 404


def test_the_report_opens_for_whoever_reads_the_result(tr):
    """The 评审报告 the agency uploads opens for the purchaser's reviewer who confirms and the region's
    regulator (attachments.visibility: the result's readers), not for another agency or region."""
    from attachments.models import Attachment
    from core.testing import client_for

    from .support import recorded

    result = recorded(tr)
    att = Attachment.objects.get(object_id=result.pk, content_type__model="result")
    for user, status in ((tr.agency_user, 200), (tr.reviewer, 200), (tr.w.fz_reg, 200), (tr.agency2_user, 404),
                         (tr.w.jx_reg, 404), (tr.supplier_user, 404)):
        assert client_for(user).get(f"/attachments/{att.pk}/download/").status_code == status, user.username
    page = client_for(tr.reviewer).get(f"/awards/{result.pk}/").content.decode()
    assert att.original_name in page
    # seeing is not owning: the reviewer cannot delete the agency's file
    assert client_for(tr.reviewer).post(f"/attachments/{att.pk}/delete/").status_code == 403
