"""The JSON API of 采购意向公开 (the kit's): create with lines, the refusals as 422, 发布 / 撤销, OpenAPI."""

import json

import pytest
from django.test import Client

from intentions.models import Intention
from intentions.testing import approved_project, line_for

from .support import approved, reload

pytestmark = pytest.mark.django_db


def api(user, method, url, body=None):
    c = Client()
    c.force_login(user)
    return getattr(c, method)(f"/api{url}", data=json.dumps(body) if body is not None else None,
                              content_type="application/json")


def test_create_submit_review_publish_through_the_api(yx):
    p = approved_project(yx.clerk)
    resp = api(yx.clerk, "post", "/intentions", {"title": "", "line": [line_for(p)], "submit": True})
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["status"] == "pending" and body["lines"]["line"][0]["project_id"] == p.pk
    assert body["lines"]["line"][0]["expected_month"] == "2026-09-01"
    doc = Intention.objects.get(pk=body["id"])
    resp = api(yx.reviewer, "post", f"/intentions/{doc.pk}/approve", {"version": reload(doc).version})
    assert resp.status_code == 200 and resp.json()["status_text"] == "待发布"
    assert api(yx.reviewer, "post", f"/intentions/{doc.pk}/publish", {"version": reload(doc).version}).status_code == 403
    resp = api(yx.clerk, "post", f"/intentions/{doc.pk}/publish", {"version": reload(doc).version})
    assert resp.status_code == 200 and resp.json()["stage"] == "publish_done"
    resp = api(yx.clerk, "post", f"/intentions/{doc.pk}/revoke", {"version": reload(doc).version, "opinion": "x"})
    assert resp.status_code in (403, 422)
    assert reload(doc).stage == "publish_done"
    listed = api(yx.clerk, "get", "/intentions?tab=done").json()
    assert [i["id"] for i in listed["items"]] == [doc.pk]


def test_refusals_are_422_beside_the_cell(yx, world):
    other = approved_project(world.sub1_clerk)
    resp = api(yx.clerk, "post", "/intentions", {"line": [line_for(other)]})
    assert resp.status_code == 422
    assert "不属于本单位" in resp.json()["errors"]["line.0.name"]
    resp = api(yx.clerk, "post", "/intentions", {"line": [line_for(approved_project(yx.clerk), expected_month="13")]})
    assert resp.status_code == 422 and "line.0.expected_month" in resp.json()["errors"]
    assert api(yx.reviewer, "post", "/intentions", {"line": []}).status_code == 403
    assert Intention.objects.count() == 0


def test_revoke_needs_a_reason(yx):
    doc = approved(yx.clerk, yx.reviewer, approved_project(yx.clerk))
    resp = api(yx.clerk, "post", f"/intentions/{doc.pk}/revoke", {"version": doc.version, "opinion": ""})
    assert resp.status_code == 422 and reload(doc).stage == "publish"
    resp = api(yx.clerk, "post", f"/intentions/{doc.pk}/revoke", {"version": doc.version, "opinion": "时间调整"})
    assert resp.status_code == 200 and resp.json()["status"] == "draft"


def test_other_unit_gets_404_and_openapi_lists_the_operations(yx, world):
    doc = approved(yx.clerk, yx.reviewer, approved_project(yx.clerk))
    assert api(world.fz_clerk, "get", f"/intentions/{doc.pk}").status_code == 404
    schema = api(yx.clerk, "get", "/openapi.json").json()
    paths = schema["paths"]
    for p in ("/api/intentions", "/api/intentions/{id}", "/api/intentions/{id}/publish", "/api/intentions/{id}/revoke"):
        assert p in paths, p
    assert "采购意向公开" in json.dumps(paths["/api/intentions"], ensure_ascii=False)
