"""The regulator's 计划管理 lists (JX manual): the region's submitted plans, per page, with tabs and export."""

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from plans.apps import REGION_PAGES, PlansConfig
from plans.lists import REGION_LISTS
from workflow import engine

from .support import indicator, plan, project

pytestmark = pytest.mark.django_db
URL = {code: reverse(f"plans:region_{code}") for code, _ in REGION_PAGES}


@pytest.fixture
def plans(pl):
    """A 省级 central plan in review, a 省级 department plan filed, a county entrusted plan in review (福州's
    region) and a 省级 draft (never submitted: no regulator's business)."""
    central = plan(pl.clerk, project(pl.clerk, pl.reviewer, "100000", code="A02010104"),
                   organization_form="central", agency=pl.central)
    department = plan(pl.clerk, project(pl.clerk, pl.reviewer, "100000", kind="services", code="C21010000"),
                      organization_form="department", procurement_method="consultation")
    ind = indicator(pl.county, "900000")
    county = plan(pl.county_clerk, project(pl.county_clerk, pl.county_reviewer, "100000", funds=[(ind, "100000")]),
                  organization_form="entrusted", agency=pl.agency)
    draft = plan(pl.clerk, project(pl.clerk, pl.reviewer, "100000"))
    engine.submit(central, pl.clerk)
    engine.approve(engine.submit(department, pl.clerk), pl.reviewer)
    engine.submit(county, pl.county_clerk)
    return {"central": central, "department": department, "county": county, "draft": draft}


def client(user):
    c = Client()
    c.force_login(user)
    return c


def shown(user, code, query, plans) -> set[str]:
    resp = client(user).get(URL[code] + query)
    assert resp.status_code == 200
    text = resp.content.decode()
    return {k for k, p in plans.items() if p.number in text}


# (page, tab query, what the province's regulator sees there, what 福州's sees)
CASES = [
    ("budget_review", "?tab=all", {"central", "department", "county"}, {"county"}),
    ("budget_review", "", {"central", "county"}, {"county"}),  # 审核中 first
    ("budget_review", "?tab=filed", {"department"}, set()),
    ("organization", "?tab=all", {"central", "department", "county"}, {"county"}),
    ("organization", "", {"central"}, set()),  # 集中采购机构采购 first
    ("organization", "?tab=entrusted", {"county"}, {"county"}),
    ("central", "?tab=all", {"central"}, set()),
    ("agency_method", "", {"department"}, set()),  # 部门集中采购 first
    ("agency_method", "?tab=scattered", {"county"}, {"county"}),
    ("entrusted_agency", "?tab=all", {"county"}, {"county"}),
]


def test_each_page_lists_the_regions_submitted_plans_it_covers(pl, plans):
    for code, query, province, city in CASES:
        assert shown(pl.w.fj_reg, code, query, plans) == province, (code, query)
        assert shown(pl.w.fz_reg, code, query, plans) == city, (code, query)
        assert shown(pl.w.jx_reg, code, query, plans) == set(), (code, query)  # another province


def test_unit_staff_and_agencies_get_403(pl):
    for code in URL:
        for user in (pl.clerk, pl.reviewer, pl.agency_user):
            assert client(user).get(URL[code]).status_code == 403, (code, user)


def test_the_agency_name_and_the_query_form(pl, plans):
    c = client(pl.w.fj_reg)
    page = c.get(URL["central"] + "?tab=all").content.decode()
    assert pl.central.name in page and f'href="/plans/{plans["central"].pk}/"' in page
    assert "查看指定集采中心" in page and "导出为Excel" in page
    assert shown(pl.w.fj_reg, "budget_review", "?tab=all&unit_name=闽侯", plans) == {"county"}
    assert shown(pl.w.fj_reg, "budget_review", "?tab=all&procurement_method=consultation", plans) == {"department"}
    assert shown(pl.w.fj_reg, "entrusted_agency", f"?tab=all&agency_name={pl.agency.name[:4]}", plans) == {"county"}
    page = c.get(URL["budget_review"] + "?tab=all&fiscal_year=abc").content.decode()
    assert "请填写四位年份" in page  # beside the field, not a 500
    page = c.get(URL["budget_review"] + "?tab=pending").content.decode()
    assert "审核岗审核" in page  # 当前环节


def test_export_has_the_pages_headers_and_rows(pl, plans):
    expected = {"budget_review": {"central", "department", "county"}, "organization": {"central", "department", "county"},
                "central": {"central"}, "agency_method": {"department", "county"}, "entrusted_agency": {"county"}}
    for page in REGION_LISTS:
        resp = client(pl.w.fj_reg).get(URL[page.code] + "?tab=all&export=xlsx")
        assert resp.status_code == 200 and "spreadsheet" in resp["Content-Type"]
        table = list(openpyxl.load_workbook(io.BytesIO(resp.content)).active.iter_rows(values_only=True))
        header = next(r for r in table if r and r[0] == "计划编号")
        assert [h for h in header if h] == [c.label for c in page.spec().columns], page.code
        numbers = {r[0] for r in table[table.index(header) + 1:]}
        assert numbers == {plans[k].number for k in expected[page.code]}, page.code  # never the draft


def test_the_declarations_match_the_menu():
    assert [p.code for p in REGION_LISTS] == [code for code, _ in REGION_PAGES]
    entries = {m.label: m for m in PlansConfig.menu}
    for code, title in REGION_PAGES:
        assert entries[title].url_name == f"plans:region_{code}" and entries[title].path == ("政府采购", "计划管理")
        assert entries[title].right == "may_supervise_plans"
