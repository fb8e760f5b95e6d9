"""Bad input on the budget entry points (issue 6, items 7, 8, 20): never stored, never a 500, pages stay up."""

from functools import partial

import pytest

from budgets.models import BudgetIndicator
from core.money import MAX_AMOUNT_MESSAGE
from core.testing import client_for, json_request

from .test_views import virtual_data

pytestmark = pytest.mark.django_db

TOO_BIG = "9999999999999999.99"


# a 500 comes back as a response to assert on, not as an exception
client = partial(client_for, raise_request_exception=False)


def api_body(books, **over):
    body = {"unit_id": books.sub1.pk, "scenario": "not_issued", "fiscal_year": 2026, "pro_name": "考场建设",
            "amount": "250000.00", "fund_type_code": "11"}
    body.update(over)
    return body


def virtual_count():
    return BudgetIndicator.objects.filter(source="virtual").count()


def budget_pages_stay_up(books):
    for user in (books.fj_reg, books.dept_clerk):
        for url in ("/budgets/", "/budgets/indicators/", "/budgets/virtual/", "/api/budgets/indicators"):
            r = client(user).get(url)
            assert r.status_code in (200, 403), (url, r.status_code)


@pytest.mark.parametrize("amount", [TOO_BIG, "1e27", "9" * 400, "10000000000000"])
def test_virtual_api_refuses_amounts_beyond_the_maximum(books, amount):
    before = virtual_count()
    r = json_request(client(books.fj_reg), "post", "/api/budgets/virtual", api_body(books, amount=amount))
    assert r.status_code == 422, r.content
    assert r.json()["errors"]["amount"] == MAX_AMOUNT_MESSAGE
    assert virtual_count() == before
    budget_pages_stay_up(books)


def test_virtual_api_takes_the_maximum_itself(books):
    body = api_body(books, amount="9999999999999.99")
    r = json_request(client(books.fj_reg), "post", "/api/budgets/virtual", body)
    assert r.status_code == 201 and r.json()["amount"] == "9999999999999.99"
    budget_pages_stay_up(books)


@pytest.mark.parametrize("amount", [TOO_BIG, "1e27", "9" * 400])
def test_virtual_form_refuses_amounts_beyond_the_maximum(books, amount):
    before = virtual_count()
    r = client(books.fj_reg).post("/budgets/virtual/new/", virtual_data(amount=amount))
    assert r.status_code == 200
    assert MAX_AMOUNT_MESSAGE in r.content.decode()
    assert virtual_count() == before
    budget_pages_stay_up(books)


def test_virtual_form_shows_every_error_at_once(books):
    # a form error (amount) and a service error (the unit of another region) in the same round
    r = client(books.fj_reg).post("/budgets/virtual/new/", virtual_data(amount="abc", unit="南昌市第一中学（360100101）"))
    page = r.content.decode()
    assert "金额应为数字" in page and "本辖区内未找到该采购单位" in page


def test_virtual_form_messages_are_plain_chinese(books):
    r = client(books.fj_reg).post("/budgets/virtual/new/", virtual_data(fiscal_year="abc", scenario="bogus",
                                                                        amount="1.234"))
    page = r.content.decode()
    for awkward in ("选择一个有效的选项", "输入一个整数", "确保", "Enter a", "Select a valid"):
        assert awkward not in page
    assert "请填写四位年份。" in page and "请从列表中选择。" in page and "金额最多保留两位小数。" in page


@pytest.mark.parametrize("query", ["amount_min=" + TOO_BIG, "amount_max=1e27", "amount_min=" + "9" * 400,
                                   "fiscal_year=99999999999999999999", "page=99999999999999999999"])
def test_budget_query_refuses_bad_filters_without_crashing(books, query):
    r = client(books.dept_clerk).get("/budgets/?" + query)
    assert r.status_code == 200
    if "amount" in query:
        assert MAX_AMOUNT_MESSAGE in r.content.decode()


@pytest.mark.parametrize("query", ["offset=99999999999999999999", "offset=" + "9" * 400, "limit=1e27",
                                   "fiscal_year=99999999999999999999"])
def test_indicator_api_refuses_bad_paging(books, query):
    r = client(books.dept_clerk).get("/api/budgets/indicators?" + query)
    assert r.status_code in (200, 422), r.content
    if r.status_code == 422:
        assert r.json()["code"] == "invalid"
