"""Bad input on the project entry points (issue 6, items 7, 8, 19): never stored, never a 500."""

import json

import pytest

from core.money import MAX_AMOUNT_MESSAGE
from core.testing import api_call, client_for
from projects.models import Project

from .support import cat, year
from .test_views import form_post

pytestmark = pytest.mark.django_db

TOO_BIG = "9999999999999999.99"


def payload(proj, price="100", amount="100", quantity="1") -> dict:
    return {"name": "接口立项", "fiscal_year": year(), "implementation_form": "general", "procurement_kind": "goods",
            "content_lines": [{"category_id": cat("A02021003").pk, "item_name": "打印机", "quantity": quantity,
                               "measure_unit": "台", "unit_price": price}],
            "fund_lines": [{"indicator_id": proj.ind.pk, "amount": amount}]}


@pytest.mark.parametrize("value", [TOO_BIG, "1e27", "9" * 400, "-" + TOO_BIG])
def test_api_refuses_amounts_beyond_the_maximum(proj, value):
    r = api_call(proj.clerk, "post", "/api/projects", payload(proj, price=value, amount=value))
    assert r.status_code == 422, r.content
    errors = r.json()["errors"]
    assert MAX_AMOUNT_MESSAGE in (errors["content_lines.0.unit_price"], errors["fund_lines.0.amount"])
    assert not Project.objects.exists()


def test_api_refuses_a_line_whose_amount_overflows(proj):
    r = api_call(proj.clerk, "post", "/api/projects", payload(proj, price="9999999999999", quantity="99999999"))
    assert r.status_code == 422
    assert MAX_AMOUNT_MESSAGE in json.dumps(r.json(), ensure_ascii=False)
    assert not Project.objects.exists()


def test_api_reads_json_numbers_exactly(proj):
    # as a float, 1000.000000000000001 would silently become 1000.0
    raw = json.dumps(payload(proj)).replace('"amount": "100"', '"amount": 100.000000000000001')
    r = api_call(proj.clerk, "post", "/api/projects", raw=raw)
    assert r.status_code == 422 and "fund_lines.0.amount" in r.json()["errors"]
    raw = json.dumps(payload(proj)).replace('"amount": "100"', '"amount": 100.00').replace(
        '"unit_price": "100"', '"unit_price": 100.00')
    r = api_call(proj.clerk, "post", "/api/projects", raw=raw)
    assert r.status_code == 201 and r.json()["total_amount"] == "100.00"


def test_form_page_refuses_amounts_beyond_the_maximum(proj):
    c = client_for(proj.clerk, raise_request_exception=False)
    r = c.post("/projects/new/general/", form_post(proj, **{"line-unit_price": [TOO_BIG], "fund-amount": [TOO_BIG]}))
    assert r.status_code == 200
    assert MAX_AMOUNT_MESSAGE in r.content.decode()
    assert not Project.objects.exists()


def test_form_page_1e27_is_a_field_error(proj):
    c = client_for(proj.clerk, raise_request_exception=False)
    r = c.post("/projects/new/general/", form_post(proj, **{"line-unit_price": ["1e27"], "fund-amount": ["1e27"]}))
    assert r.status_code == 200 and MAX_AMOUNT_MESSAGE in r.content.decode()
    assert not Project.objects.exists()


@pytest.mark.parametrize("url", ["/projects/?page=99999999999999999999", "/projects/?page=" + "9" * 400,
                                 "/projects/?after=99999999999999999999", "/projects/?page=-5",
                                 "/projects/?fiscal_year=1e27"])
def test_list_page_survives_bad_paging(proj, url):
    c = client_for(proj.clerk, raise_request_exception=False)
    assert c.get(url).status_code == 200


@pytest.mark.parametrize("query", ["after=99999999999999999999", "after=" + "9" * 400, "fiscal_year=99999999999999999999",
                                   "limit=1e27", "after=abc"])
def test_api_list_survives_bad_query(proj, query):
    r = api_call(proj.clerk, "get", "/api/projects?" + query)
    assert r.status_code in (200, 422), r.content
    assert r.status_code == 200 or r.json()["message"]


@pytest.mark.parametrize("raw", ['"x"', "[]", "1", "null", '{"version": "abc"}', "{"])
def test_action_needs_its_json_object(proj, raw):
    body = api_call(proj.clerk, "post", "/api/projects", payload(proj)).json()
    r = api_call(proj.clerk, "post", f"/api/projects/{body['id']}/submit", raw=raw)
    assert r.status_code in (400, 422), r.content
    assert r.json()["message"]
    assert Project.objects.get(pk=body["id"]).status == "draft"


def test_action_with_a_huge_version_is_refused_not_crashed(proj):
    body = api_call(proj.clerk, "post", "/api/projects", payload(proj)).json()
    r = api_call(proj.clerk, "post", f"/api/projects/{body['id']}/submit", raw='{"version": ' + "9" * 400 + "}")
    assert r.status_code in (409, 422)


def test_deeply_nested_json_is_a_400(proj):
    r = api_call(proj.clerk, "post", "/api/projects", raw="[" * 100000 + "]" * 100000)
    assert r.status_code == 400 and r.json()["code"] == "bad_request"


@pytest.mark.parametrize("amount", [TOO_BIG, "1e27"])
def test_fund_add_request_refuses_amounts_beyond_the_maximum(world, amount):
    from projects.models import ProjectRequest

    from .test_request_support import approved_project, indicator, leader, mark_used

    w = world
    leader(w.dept)
    ind = indicator(w.dept, "500000", name="办公设备购置")
    project = approved_project(w.dept_clerk, {ind: "200000"}, name="办公设备采购")
    mark_used(project)
    c = client_for(w.dept_clerk, raise_request_exception=False)
    r = c.post(f"/projects/requests/new/{project.pk}/{ProjectRequest.KIND_FUND_ADD}/", {
        "reason": "追加", "budget_office": "教科文处", "move-indicator": [str(ind.pk)], "move-amount": [amount],
        "submit": "1"})
    assert r.status_code == 200 and MAX_AMOUNT_MESSAGE in r.content.decode()
    assert not ProjectRequest.objects.exists()


def test_api_ids_beyond_the_integer_range_are_a_422(proj):
    body = payload(proj)
    body["content_lines"][0]["category_id"] = 2**63
    body["fund_lines"][0]["indicator_id"] = 99999999999999999999
    body["attachment_ids"] = [2**64]
    r = api_call(proj.clerk, "post", "/api/projects", body)
    assert r.status_code == 422
    assert set(r.json()["errors"]) >= {"content_lines.0.category_id", "fund_lines.0.indicator_id"}
    assert not Project.objects.exists()


@pytest.mark.parametrize("url", ["/api/projects/99999999999999999999", "/projects/99999999999999999999/",
                                 "/projects/99999999999999999999/edit/", "/api/projects/" + "9" * 400])
def test_path_ids_beyond_the_integer_range_are_404(proj, url):
    assert api_call(proj.clerk, "get", url).status_code == 404


@pytest.mark.parametrize("user", ["reviewer", "regulator"])
def test_roles_that_may_not_create_get_403_in_the_api(proj, user):
    who = proj.reviewer if user == "reviewer" else proj.w.fj_reg
    r = api_call(who, "post", "/api/projects", payload(proj))
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
