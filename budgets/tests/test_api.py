"""The 采购预算管理 JSON API: scope (right user, out of scope 404, anonymous 401), filters, paging, and the
regulator's 新增虚拟预算 with the shared error shape."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import NoReverseMatch, reverse

from budgets import ledger
from budgets.models import BudgetIndicator
from core.testing import api_call

from .factories import make_project

pytestmark = pytest.mark.django_db

NOT_FOUND = {"code": "not_found", "message": "记录不存在或不在您的权限范围内"}


def project_url(p):
    """The project's detail page once the projects app names it 'projects:detail', else no link."""
    try:
        return reverse("projects:detail", args=[p.pk])
    except NoReverseMatch:
        return None


def ids(r) -> set[str]:
    assert r.status_code == 200, r.content
    return {i["bgt_id"] for i in r.json()["items"]}


def test_anonymous_gets_401(books):
    assert api_call(None, "get", "/api/budgets/indicators").status_code == 401
    assert api_call(None, "get", f"/api/budgets/indicators/{books.ind_dept.pk}").status_code == 401
    assert api_call(None, "post", "/api/budgets/virtual", {}).status_code == 401


def test_list_is_scoped(books):
    w = books
    assert ids(api_call(w.dept_clerk, "get", "/api/budgets/indicators")) == {
        w.ind_dept.bgt_id, w.ind_dept_invalid.bgt_id, w.virt_dept.bgt_id}
    assert ids(api_call(w.dept_clerk, "get", "/api/budgets/indicators", {"include_subordinates": "true"})) == {
        w.ind_dept.bgt_id, w.ind_dept_invalid.bgt_id, w.virt_dept.bgt_id, w.ind_sub1.bgt_id}
    assert ids(api_call(w.sub1_clerk, "get", "/api/budgets/indicators", {"include_subordinates": "true"})) == {
        w.ind_sub1.bgt_id}
    assert ids(api_call(w.fz_reg, "get", "/api/budgets/indicators")) == {w.ind_fz.bgt_id, w.ind_orphan.bgt_id}
    assert ids(api_call(w.jx_reg, "get", "/api/budgets/indicators")) == {w.ind_jx.bgt_id}


@pytest.mark.parametrize("params,expected", [
    ({"source": "virtual"}, {"virt_dept"}),
    ({"source": "platform", "valid": "true"}, {"ind_dept", "ind_sub1", "ind_fz", "ind_orphan"}),
    ({"valid": "false"}, {"ind_dept_invalid"}),
    ({"fiscal_year": 2025}, {"ind_fz"}),
    ({"unit_name": "考试院"}, {"ind_sub1"}),
    ({"pro_code": "3500002601"}, {"ind_dept"}),
    ({"fund_type": "2"}, {"ind_sub1"}),
    ({"is_gov_pur": "false"}, {"ind_sub1"}),
])
def test_list_filters(books, params, expected):
    w = books
    got = ids(api_call(w.fj_reg, "get", "/api/budgets/indicators", params))
    assert got == {getattr(w, n).bgt_id for n in expected}


def test_list_pages_and_money_is_a_decimal_string(books):
    w = books
    r = api_call(w.fj_reg, "get", "/api/budgets/indicators", {"limit": 2, "offset": 0})
    body = r.json()
    assert body["total"] == 6 and len(body["items"]) == 2 and body["limit"] == 2
    rest = api_call(w.fj_reg, "get", "/api/budgets/indicators", {"limit": 50, "offset": 2}).json()["items"]
    assert len(rest) == 4
    item = next(i for i in body["items"] + rest if i["bgt_id"] == w.ind_dept.bgt_id)
    assert item["amount"] == "500000.00" and item["available"] == "500000.00" and item["reserved"] == "0.00"
    assert item["fund_type_label"] == "一般公共预算资金" and item["unit_name"] == "福建省教育厅"
    assert api_call(w.fj_reg, "get", "/api/budgets/indicators", {"limit": 0}).status_code == 422


def test_detail_has_holders_and_is_scoped(books):
    w = books
    p = make_project(w.dept, w.dept_clerk)
    with transaction.atomic():
        ledger.reserve(actor=w.dept_clerk, holder=ledger.holder_key(p), amounts={w.ind_dept.pk: Decimal("1234.5")},
                       reason="立项提交")
    r = api_call(w.dept_clerk, "get", f"/api/budgets/indicators/{w.ind_dept.pk}")
    assert r.status_code == 200
    body = r.json()
    assert body["reserved"] == "1234.50" and body["available"] == "498765.50"
    assert body["holders"] == [{"holder": f"projects.project:{p.pk}", "label": str(p), "kind": "采购项目",
                                "amount": "1234.50", "url": project_url(p)}]
    assert api_call(w.dept_clerk, "get", f"/api/budgets/indicators/{w.ind_sub1.pk}").status_code == 200
    for user, target in ((w.sub1_clerk, w.ind_dept), (w.fz_clerk, w.ind_dept), (w.jx_reg, w.ind_fz),
                         (w.dept_clerk, w.ind_jx)):
        r = api_call(user, "get", f"/api/budgets/indicators/{target.pk}")
        assert r.status_code == 404 and r.json() == NOT_FOUND
    assert api_call(w.dept_clerk, "get", "/api/budgets/indicators/999999").status_code == 404


def payload(unit, **overrides):
    d = {"unit_id": unit.pk, "scenario": "self_funded", "fiscal_year": 2026, "pro_name": "实验楼改造（部分自筹）",
         "amount": "150000.50", "fund_type_code": "11", "is_gov_pur": True, "note": ""}
    d.update(overrides)
    return d


def test_regulator_adds_a_virtual_budget(books):
    w = books
    r = api_call(w.fj_reg, "post", "/api/budgets/virtual", payload(w.sub1))
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["source"] == "virtual" and body["unit_name"] == "福建省教育考试院"
    assert body["amount"] == "150000.50" and body["virtual_scenario"] == "self_funded" and body["holders"] == []
    assert BudgetIndicator.objects.get(bgt_id=body["bgt_id"]).created_by == w.fj_reg


def test_virtual_budget_refusals(books):
    w = books
    r = api_call(w.fj_reg, "post", "/api/budgets/virtual", payload(w.fz_unit))
    assert r.status_code == 422
    assert r.json()["errors"] == {"unit_id": "「福州市第一中学」尚未通过用户库基本信息审核（不是正式库会员），不能为其新增预算。"}
    r = api_call(w.fz_reg, "post", "/api/budgets/virtual", payload(w.dept, amount="0"))
    assert r.status_code == 422
    assert r.json()["errors"] == {"unit_id": "本辖区内未找到该采购单位，请从列表中选择。",
                                  "amount": "金额必须大于0。"}
    r = api_call(w.fj_reg, "post", "/api/budgets/virtual", payload(w.dept, scenario="whatever"))
    assert r.status_code == 422 and "scenario" in r.json()["errors"]
    r = api_call(w.dept_clerk, "post", "/api/budgets/virtual", payload(w.dept))
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert BudgetIndicator.objects.filter(source="virtual").count() == 1
