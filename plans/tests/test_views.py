import json

import pytest
from django.test import Client

from plans.models import Plan
from supervision.models import Warning
from workflow import engine

from .support import GOOD, indicator, plan, project, reload

pytestmark = pytest.mark.django_db


def client(user):
    c = Client()
    c.force_login(user)
    return c


def test_new_choose_pick_and_edit_pages(pl):
    proj = project(pl.clerk, pl.reviewer, "100000")
    c = client(pl.clerk)
    assert "一般项目采购" in c.get("/plans/new/").content.decode()
    page = c.get("/plans/new/general/").content.decode()
    assert proj.name in page
    resp = c.post("/plans/new/general/", {"project": proj.pk})
    p = Plan.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/plans/{p.pk}/edit/"
    assert proj.name not in c.get("/plans/new/general/").content.decode()  # held by the draft
    page = c.get(f"/plans/{p.pk}/edit/").content.decode()
    assert "组织实施方案" in page and "执行相关政策" in page and "项目联系方式" in page
    resp = c.post(f"/plans/{p.pk}/edit/", {**GOOD, "sme_oriented": "", "sme_reserved_pct": "10",
                                           "import_lines": "1", "version": p.version})
    page = resp.content.decode()
    assert resp.status_code == 200 and "未按政策预留的原因" in page and "field-error" in page
    resp = c.post(f"/plans/{p.pk}/edit/", {**GOOD, "sme_oriented": "on", "import_lines": "1", "version": p.version,
                                           "submit": "1"})
    assert resp.status_code == 302
    assert reload(p).status == "pending" and reload(p).lines.get(is_active=True).is_import
    assert "待进口产品审批" in c.get(f"/plans/{p.pk}/").content.decode()


def test_tabs_of_the_clerk(pl):
    p = engine.submit(plan(pl.clerk, project(pl.clerk, pl.reviewer, "100000")), pl.clerk)
    c = client(pl.reviewer)
    assert p.number in c.get("/plans/?tab=todo").content.decode()
    assert p.number not in c.get("/plans/?tab=filed").content.decode()
    engine.approve(reload(p), pl.reviewer)
    assert p.number not in c.get("/plans/?tab=todo").content.decode()
    assert p.number in c.get("/plans/?tab=done").content.decode()
    assert p.number in c.get("/plans/?tab=filed").content.decode()


def test_the_agency_sees_only_the_filed_plans_entrusted_to_it(pl):
    p = plan(pl.clerk, project(pl.clerk, pl.reviewer, "100000"), organization_form="entrusted", agency=pl.agency)
    c = client(pl.agency_user)
    assert c.get(f"/plans/{p.pk}/").status_code == 404  # a draft is not theirs yet
    engine.submit(p, pl.clerk)
    engine.approve(reload(p), pl.reviewer)
    assert p.number in c.get("/plans/entrusted/").content.decode()
    assert c.get(f"/plans/{p.pk}/").status_code == 200
    assert p.number not in client(pl.central_user).get("/plans/entrusted/").content.decode()
    assert client(pl.central_user).get(f"/plans/{p.pk}/").status_code == 404
    assert c.get("/plans/").status_code == 403
    assert client(pl.clerk).get("/plans/entrusted/").status_code == 403


def test_split_warnings_for_the_regulator_of_the_region(pl):
    ind = indicator(pl.county, "9000000", pro_code="PRO-W")
    for i in range(3):
        p = plan(pl.county_clerk, project(pl.county_clerk, pl.county_reviewer, "800000", funds=[(ind, "800000")]),
                 procurement_method="inquiry", split_explanation="分校区采购" if i == 2 else "")
        engine.submit(p, pl.county_clerk)
    assert Warning.objects.count() == 1
    assert "分校区采购" in client(pl.w.fz_reg).get("/plans/warnings/").content.decode()
    assert "分校区采购" not in client(pl.w.jx_reg).get("/plans/warnings/").content.decode()
    assert client(pl.county_clerk).get("/plans/warnings/").status_code == 403


def test_revoke_request_page(pl):
    p = engine.approve(engine.submit(plan(pl.clerk, project(pl.clerk, pl.reviewer, "100000")), pl.clerk), pl.reviewer)
    c = client(pl.clerk)
    assert "撤销" in c.get(f"/plans/{p.pk}/").content.decode()
    resp = c.post(f"/plans/{p.pk}/requests/new/revoke/", {"reason": ""})
    assert "请填写撤销原因" in resp.content.decode()
    resp = c.post(f"/plans/{p.pk}/requests/new/revoke/", {"reason": "需求取消", "submit": "1"})
    assert resp.status_code == 302


def test_api_create_submit_and_read(pl):
    proj = project(pl.clerk, pl.reviewer, "100000")
    c = client(pl.clerk)
    body = {"plan_type": "general", "project_id": proj.pk, **GOOD, "sme_oriented": False, "sme_reserved_pct": "10"}
    resp = c.post("/api/plans", json.dumps(body), content_type="application/json")
    assert resp.status_code == 422 and "sme_reason" in resp.json()["errors"]
    assert not Plan.objects.exists()  # both or neither
    body.update(sme_reason="本项目无中小企业供应", submit=True)
    resp = c.post("/api/plans", json.dumps(body), content_type="application/json")
    assert resp.status_code == 201, resp.content
    out = resp.json()
    assert out["status"] == "pending" and out["fields"]["project_id"] == proj.pk
    assert c.get(f"/api/plans/{out['id']}").json()["number"] == out["number"]
    assert client(pl.w.jx_reg).get(f"/api/plans/{out['id']}").status_code == 404
    assert "/api/plans" in c.get("/api/openapi.json").content.decode()


def test_the_kit_builders_make_plans_from_the_example(pl):
    from plans.docs import PLAN
    from workflow.kit import testing

    approved = testing.build(PLAN, pl.clerk, "approved")
    assert approved.status_text == "已备案"
    assert testing.build_request(PLAN, pl.clerk, approved, "pending").status == "pending"
