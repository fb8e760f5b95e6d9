"""采购项目立项 over JSON: scope (right role, wrong role 403, out of scope 404, anonymous 401), keyset paging,
the error shape, and the reservation through submit / reject / withdraw."""

import json
from decimal import Decimal

import pytest

from core.testing import api_call, client_for
from orgs.tokens import create_token
from projects.models import Project
from workflow.models import Status

from .support import cat, reload, save, year

pytestmark = pytest.mark.django_db

NOT_FOUND = {"code": "not_found", "message": "记录不存在或不在您的权限范围内"}


def payload(proj, **over) -> dict:
    body = {"name": "接口立项的打印机采购", "fiscal_year": year(), "implementation_form": "general",
            "procurement_kind": "goods", "summary": "", "contact_name": "周经办", "contact_phone": "0591-1",
            "content_lines": [{"category_id": cat("A02021003").pk, "item_name": "A4黑白打印机", "quantity": "4",
                               "measure_unit": "台", "unit_price": "1999.50"}],
            "fund_lines": [{"indicator_id": proj.ind.pk, "amount": "5000"},
                           {"indicator_id": proj.ind2.pk, "amount": "2998"}]}
    body.update(over)
    return body


def create(proj, user=None, **over) -> dict:
    r = api_call(user or proj.clerk, "post", "/api/projects", payload(proj, **over))
    assert r.status_code == 201, r.json()
    return r.json()


def test_create_submit_approve(proj):
    body = create(proj)
    assert body["status"] == "draft" and body["number"].startswith("ZC-350000-")
    assert Decimal(body["total_amount"]) == Decimal("7998.00")
    assert body["content_lines"][0]["category_code"] == "A02021003"
    assert Decimal(body["content_lines"][0]["amount"]) == Decimal("7998.00")
    assert sorted(body["actions"]) == ["edit", "submit"] and body["held"] == "0"
    r = api_call(proj.clerk, "post", f"/api/projects/{body['id']}/submit", {"version": body["version"]})
    assert r.status_code == 200 and r.json()["status"] == "pending"
    assert Decimal(r.json()["held"]) == Decimal("7998")
    assert reload(proj.ind).reserved == Decimal("5000") and reload(proj.ind2).reserved == Decimal("2998")
    assert api_call(proj.clerk, "post", f"/api/projects/{body['id']}/approve", {}).status_code == 403
    r = api_call(proj.reviewer, "post", f"/api/projects/{body['id']}/approve", {"opinion": "同意"})
    assert r.status_code == 422 and "version" in r.json()["errors"]  # the kit's action body needs the version
    r = api_call(proj.reviewer, "post", f"/api/projects/{body['id']}/approve", {"opinion": "同意", "version": 2})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert [t["action"] for t in r.json()["timeline"]] == ["save", "submit", "approve"]


def test_reject_and_withdraw_release(proj):
    body = create(proj)
    api_call(proj.clerk, "post", f"/api/projects/{body['id']}/submit", {"version": 1})
    r = api_call(proj.reviewer, "post", f"/api/projects/{body['id']}/reject", {"version": 2})
    assert r.status_code == 422 and r.json()["code"] == "opinion_required"
    r = api_call(proj.reviewer, "post", f"/api/projects/{body['id']}/reject", {"opinion": "请补充说明", "version": 2})
    assert r.json()["status"] == "draft" and reload(proj.ind).reserved == 0
    r = api_call(proj.clerk, "post", f"/api/projects/{body['id']}/submit", {"version": r.json()["version"]})
    assert reload(proj.ind).reserved == Decimal("5000")
    r = api_call(proj.clerk, "post", f"/api/projects/{body['id']}/withdraw", {"version": r.json()["version"]})
    assert r.json()["status"] == "withdrawn" and reload(proj.ind).reserved == 0


def test_update_with_version(proj):
    body = create(proj)
    r = api_call(proj.clerk, "put", f"/api/projects/{body['id']}", payload(proj, name="改名", version=body["version"]))
    assert r.status_code == 200 and r.json()["name"] == "改名"
    r = api_call(proj.clerk, "put", f"/api/projects/{body['id']}", payload(proj, name="旧版", version=body["version"]))
    assert r.status_code == 409 and r.json()["code"] == "stale"


def test_field_errors_and_refusals(proj):
    r = api_call(proj.clerk, "post", "/api/projects", payload(proj, fund_lines=[{"indicator_id": proj.ind.pk,
                                                                             "amount": "1"}]))
    assert r.status_code == 422 and r.json()["code"] == "invalid"
    assert "不一致" in r.json()["errors"]["fund_lines"]
    r = api_call(proj.clerk, "post", "/api/projects", payload(proj, implementation_form="renewal"))
    assert r.status_code == 422 and "服务" in r.json()["errors"]["implementation_form"]
    r = api_call(proj.clerk, "post", "/api/projects", payload(proj, implementation_form="joint_response"))
    assert r.status_code == 422 and "implementation_form" in r.json()["errors"]   # not offered by the schema
    r = api_call(proj.clerk, "post", "/api/projects", payload(proj, content_lines=[]))
    assert r.status_code == 422 and "至少" in r.json()["errors"]["content_lines"]
    r = api_call(proj.w.fz_clerk, "post", "/api/projects", payload(proj))
    assert r.status_code == 422 and r.json()["message"] == "本单位尚未通过用户库基本信息审核，不能立项。"
    r = api_call(proj.reviewer, "post", "/api/projects", payload(proj))
    assert r.status_code == 403
    assert not Project.objects.exists()


def test_scope_of_every_endpoint(proj):
    w = proj.w
    body = create(proj)
    pid = body["id"]
    for user in (w.sub1_clerk, w.jx_clerk, w.fz_reg, w.jx_reg):
        assert api_call(user, "get", f"/api/projects/{pid}").json() == NOT_FOUND
        for action in ("submit", "withdraw", "approve", "reject"):
            r = api_call(user, "post", f"/api/projects/{pid}/{action}", {"opinion": "x"})
            assert r.status_code == 404, (user.username, action)
        r = api_call(user, "put", f"/api/projects/{pid}", payload(proj, version=1))
        assert r.status_code == 404
    assert api_call(w.fj_reg, "get", f"/api/projects/{pid}").status_code == 200
    assert api_call(w.fj_reg, "post", f"/api/projects/{pid}/submit").status_code == 403
    assert api_call(w.dept_competent, "get", f"/api/projects/{pid}").status_code == 200
    assert api_call(proj.reviewer, "post", f"/api/projects/{pid}/submit").status_code == 403
    for method, url in [("get", "/api/projects"), ("get", f"/api/projects/{pid}"), ("post", "/api/projects"),
                        ("post", f"/api/projects/{pid}/submit")]:
        r = api_call(None, method, url, {} if method == "post" else None)
        assert r.status_code == 401, url
    assert reload(Project.objects.get(pk=pid)).status == Status.DRAFT


def test_list_tabs_scope_and_keyset(proj, cities):
    w = proj.w
    ids = [save(proj.clerk, indicator=proj.ind).pk for _ in range(5)]
    other = save(cities.xm_clerk, indicator=cities.xm_ind)
    r = api_call(proj.clerk, "get", "/api/projects?limit=2")
    body = r.json()
    assert [p["id"] for p in body["items"]] == ids[::-1][:2] and body["has_next"]
    r = api_call(proj.clerk, "get", f"/api/projects?limit=2&after={body['next_after']}")
    assert [p["id"] for p in r.json()["items"]] == ids[::-1][2:4]
    r = api_call(proj.clerk, "get", "/api/projects?tab=done")
    assert r.json()["items"] == [] and not r.json()["has_next"]
    r = api_call(proj.clerk, "get", "/api/projects?limit=500")
    assert r.status_code == 422
    assert other.pk not in {p["id"] for p in api_call(proj.clerk, "get", "/api/projects?limit=50").json()["items"]}
    region = api_call(w.fj_reg, "get", "/api/projects?scope=region&limit=50").json()
    assert {p["id"] for p in region["items"]} == set(ids) | {other.pk}
    assert api_call(proj.clerk, "get", "/api/projects?scope=region").json()["items"] == []
    assert api_call(w.fz_reg, "get", "/api/projects?scope=region").json()["items"] == []


def test_bearer_token(proj):
    _token, key = create_token(proj.clerk, "单位系统对接")
    body = payload(proj)
    r = client_for(None).post("/api/projects", data=json.dumps(body), content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {key}")
    assert r.status_code == 201 and r.json()["status"] == "draft"


def test_demand_summary_and_expected_month(proj):
    body = create(proj, demand_summary="A4打印机4台", expected_month="2026-07")
    assert body["demand_summary"] == "A4打印机4台" and body["expected_month"] == "2026-07"
    r = api_call(proj.clerk, "post", "/api/projects", payload(proj, expected_month="2026-13"))
    assert r.status_code == 422 and "预计采购时间" in json.dumps(r.json(), ensure_ascii=False)
