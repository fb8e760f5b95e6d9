"""统招分签 API: the kit's document endpoints, the invitations, 不响应, 响应, the lead's responses."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from .conftest import approved_joint

pytestmark = pytest.mark.django_db


def client(user):
    c = Client(enforce_csrf_checks=False)
    c.force_login(user)
    return c


def post(c, url, body):
    return c.post(url, json.dumps(body), content_type="application/json")


def test_create_joint_through_the_api(jw):
    c = client(jw.clerk)
    body = {"name": "API统招分签", "fiscal_year": timezone.localdate().year, "procurement_kind": "goods",
            "execution_plan": "统一招标", "deadline": (timezone.localtime() + dt.timedelta(days=2)).isoformat(),
            "invited_units": [jw.a.pk], "line": [{"category_id": jw.goods.pk, "item_name": "计算机", "quantity": 2,
                                                  "measure_unit": "台", "unit_price": "4000"}]}
    resp = post(c, "/api/joint", body)
    assert resp.status_code == 201, resp.content
    assert resp.json()["fields"]["invited_units"] == [jw.a.pk]
    bad = post(c, "/api/joint", {**body, "invited_units": [jw.w.jx_unit.pk]})
    assert bad.status_code in (400, 422) and "invited_units" in bad.json()["errors"]


def test_invitations_decline_and_respond(jw):
    joint = approved_joint(jw)
    a = client(jw.a_clerk)
    items = a.get("/api/joint-invitations").json()
    assert [i["joint_id"] for i in items] == [joint.pk] and items[0]["is_open"]
    rid = items[0]["id"]
    line = joint.lines.get()
    resp = post(a, f"/api/joint-invitations/{rid}/respond",
                {"name": "考试院响应", "takes": {str(line.pk): "3"},
                 "fund_lines": [{"indicator": jw.a_ind.pk, "amount": "15000"}], "submit": True})
    assert resp.status_code == 201, resp.content
    assert resp.json()["status"] == "pending"
    b = client(jw.b_clerk)
    rb = b.get("/api/joint-invitations").json()[0]["id"]
    assert post(b, f"/api/joint-invitations/{rb}/decline", {"reason": ""}).status_code in (400, 422)
    assert post(b, f"/api/joint-invitations/{rb}/decline", {"reason": "无需求"}).json()["state"] == "不响应"
    assert post(b, f"/api/joint-invitations/{rid}/decline", {"reason": "x"}).status_code == 404  # not b's
    states = {r["unit_name"]: r["state"] for r in client(jw.clerk).get(f"/api/joint/{joint.pk}/responses").json()}
    assert states == {"福建省教育考试院": "响应审核中", "福建省卫生健康委员会": "不响应", "福州市第二中学": "未响应"}
    assert client(jw.a_clerk).get(f"/api/joint/{joint.pk}/responses").status_code == 404


def test_collect_through_the_api_is_refused_with_the_reason(jw):
    joint = approved_joint(jw)
    resp = post(client(jw.clerk), f"/api/joint/{joint.pk}/collect", {"version": joint.version})
    assert resp.status_code in (409, 422) and "尚未响应" in resp.json()["message"]


def test_openapi_lists_the_joint_endpoints(jw):
    paths = client(jw.clerk).get("/api/openapi.json").json()["paths"]
    assert "/api/joint" in paths and "/api/joint-invitations/{id}/respond" in paths
