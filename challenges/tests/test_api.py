"""质疑与投诉 API: the same rules as the pages, 422 with field messages on bad input, 404 out of scope."""

import datetime as dt

import pytest

from core.testing import api_call

pytestmark = pytest.mark.django_db
D = dt.date


def test_the_whole_path_through_the_api(tr, ch):
    ch.clock(D(2025, 9, 30))
    body = {"procurement_number": ch.proc.number, "subject": "result", "known_on": "2025-09-26", "claims": "请求",
            "facts": "事实"}
    resp = api_call(tr.supplier_user, "post", "/api/challenges", body)
    assert resp.status_code == 201, resp.content
    c = resp.json()
    assert c["status"] == "submitted" and c["answer_due"] == "2025-10-16" and c["complaint_deadline"] is None
    assert api_call(tr.supplier2_user, "get", f"/api/challenges/{c['id']}").status_code == 404
    assert api_call(tr.supplier_user, "get", "/api/challenges?tab=submitted").json()["count"] == 1
    assert api_call(tr.supplier2_user, "get", "/api/challenges").json()["count"] == 0
    ch.clock(D(2025, 10, 10))
    no = api_call(tr.agency_user, "post", f"/api/challenges/{c['id']}/answer", {"answer": "答复", "no_secrets": False})
    assert no.status_code == 422 and "no_secrets" in no.json()["errors"]
    ok = api_call(tr.agency_user, "post", f"/api/challenges/{c['id']}/answer", {"answer": "答复", "no_secrets": True})
    assert ok.status_code == 200 and ok.json()["complaint_deadline"] == "2025-10-30"
    ch.clock(D(2025, 10, 20))
    resp = api_call(tr.supplier_user, "post", f"/api/challenges/{c['id']}/complaint", {"claims": "投诉", "facts": "事实"})
    assert resp.status_code == 201, resp.content
    k = resp.json()
    assert k["regulator_region"] and k["decision_due"] == "2025-12-01"
    assert api_call(tr.w.jx_reg, "get", f"/api/complaints/{k['id']}").status_code == 404
    assert api_call(tr.w.fz_reg, "get", "/api/complaints?tab=todo").json()["count"] == 1
    assert api_call(tr.w.fz_reg, "post", f"/api/complaints/{k['id']}/accept").status_code == 200
    far = api_call(tr.w.fz_reg, "post", f"/api/complaints/{k['id']}/suspend", {"until": "2025-12-31", "reason": "调查"})
    assert far.status_code == 422 and "until" in far.json()["errors"]
    sus = api_call(tr.w.fz_reg, "post", f"/api/complaints/{k['id']}/suspend", {"until": "2025-11-05", "reason": "调查"})
    assert sus.json()["suspended_until"] == "2025-11-05"
    assert api_call(tr.w.fj_reg, "post", f"/api/complaints/{k['id']}/decide",
                    {"outcome": "upheld", "reasons": "x"}).status_code == 403
    done = api_call(tr.w.fz_reg, "post", f"/api/complaints/{k['id']}/decide", {"outcome": "upheld", "reasons": "成立"})
    assert done.json()["outcome_text"] == "投诉成立"


@pytest.mark.parametrize("body, field", [
    ({}, "procurement_number"),
    ({"procurement_number": "x", "subject": "nope", "known_on": "2025-09-26", "claims": "a", "facts": "b"}, "subject"),
    ({"procurement_number": "x", "subject": "result", "known_on": "26/09/2025", "claims": "a", "facts": "b"},
     "known_on"),
    ({"procurement_number": "x", "subject": "result", "known_on": "9" * 400, "claims": "a", "facts": "b"}, "known_on"),
    ({"procurement_number": ["x"], "subject": "result", "known_on": "2025-09-26", "claims": "a", "facts": "b"},
     "procurement_number"),
    ({"procurement_number": "CG-NONE", "subject": "result", "known_on": "2025-09-26", "claims": "a", "facts": "b"},
     "procurement_number"),
    ({"procurement_number": "MINE", "subject": "result", "known_on": "2025-09-26", "claims": "a", "facts": "b",
      "attachment_ids": ["a"]}, "attachment_ids"),
])
def test_bad_input_is_422_beside_the_field(tr, ch, body, field):
    ch.clock(D(2025, 9, 30))
    if body.get("procurement_number") == "MINE":  # a registered procurement: the error is the other field's
        body = {**body, "procurement_number": ch.proc.number}
    resp = api_call(tr.supplier_user, "post", "/api/challenges", body)
    assert resp.status_code == 422 and field in resp.json()["errors"], resp.content


def test_wrong_roles_and_missing_rows(tr, ch):
    assert api_call(tr.agency_user, "post", "/api/challenges", {"procurement_number": "x"}).status_code == 403
    assert api_call(tr.supplier_user, "get", "/api/challenges/2000000000").status_code == 404
    assert api_call(tr.supplier_user, "post", "/api/complaints/99999999/withdraw", {"reason": "x"}).status_code == 404
    assert api_call(tr.supplier_user, "post", "/api/challenges", "not an object").status_code in (400, 422)
