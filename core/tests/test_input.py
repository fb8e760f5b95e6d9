"""The input layer in core (issue 6, items 8, 19, 20): Chinese messages, bounded paging, exact money, one
place for repeated rules, and money cells of every export formatted with two decimals."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django import forms

from core.forms import DateField, Form, MoneyField
from core.listing import MAX_PAGE, key_after, page_number
from core.money import MAX_AMOUNT_MESSAGE, amount_problem
from core.testing import client_for
from core.validation import parse_id, phone_problem


class Sample(Form):
    year = forms.IntegerField(min_value=2000, max_value=2100)
    kind = forms.ChoiceField(choices=[("a", "甲"), ("b", "乙")])
    name = forms.CharField(max_length=3)
    amount = MoneyField()
    day = DateField()


def test_base_form_speaks_plain_chinese():
    f = Sample({"year": "abc", "kind": "z", "name": "abcd", "amount": "1e27", "day": "9999-12-31"})
    assert not f.is_valid()
    assert f.errors == {"year": ["请填写整数。"], "kind": ["请从列表中选择。"], "name": ["不能超过3个字。"],
                        "amount": [MAX_AMOUNT_MESSAGE], "day": ["日期应在1900-01-01至2999-12-31之间。"]}
    f = Sample({"year": "2200", "kind": "a", "name": "ab", "amount": "1.234", "day": "1" * 400})
    assert not f.is_valid()
    assert f.errors == {"year": ["不能大于2100。"], "amount": ["金额最多保留两位小数。"],
                        "day": ["请填写正确的日期，如 2026-01-31。"]}
    assert Sample({}).errors["year"] == ["此项为必填项。"]


@pytest.mark.parametrize("value,expected", [(None, 1), ("", 1), ("abc", 1), ("-3", 1), ("0", 1), ("7", 7),
                                            ("９", 1), ("²", 1), ("99999999999999999999", MAX_PAGE),
                                            ("9" * 400, MAX_PAGE)])
def test_page_number_is_bounded(value, expected):
    assert page_number(value) == expected


@pytest.mark.parametrize("value,expected", [("12", 12), ("99999999999999999999", None), ("²", None), ("", None)])
def test_keyset_after_is_bounded(value, expected):
    assert key_after(value) == expected


@pytest.mark.parametrize("value,expected", [("12", 12), ("2147483648", None), ("１２", None), ("²", None),
                                            ("0", None), (None, None)])
def test_ids_are_ascii_and_in_range(value, expected):
    assert parse_id(value) == expected


def test_the_phone_rule_takes_ascii_digits_only():
    assert phone_problem("0591-1234567") is None and phone_problem("") is None
    assert phone_problem("０５９１-1234567") and phone_problem("电话")


@pytest.mark.parametrize("value,problem", [("9999999999999.99", None), ("10000000000000", MAX_AMOUNT_MESSAGE),
                                           ("1e27", MAX_AMOUNT_MESSAGE), ("9" * 400, MAX_AMOUNT_MESSAGE),
                                           ("abc", "金额应为数字。"), ("NaN", "金额应为数字。"),
                                           ("1.005", "金额最多保留两位小数。"), (Decimal("-1.5"), None)])
def test_amount_problem(value, problem):
    assert amount_problem(value) == problem


@pytest.mark.django_db
def test_registration_refuses_a_phone_of_fullwidth_digits(world):
    from registry.services import validate_registration

    errors = validate_registration({"contact_phone": "０５９１１２３４５６７"}, world.dept)
    assert errors.get("contact_phone") == "联系电话只能包含数字和“-”。"


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["received_to=9999-12-31", "received_from=99999-12-31",
                                   "received_to=" + "9" * 400])
def test_message_log_date_filters_never_crash(world, query):
    c = client_for(world.fj_reg, raise_request_exception=False)
    r = c.get("/integration/messages/?" + query)
    assert r.status_code == 200
    assert "日期" in r.content.decode()


@pytest.mark.django_db
def test_api_refuses_non_object_bodies_and_nan(world):
    import json

    c = client_for(world.fj_reg, raise_request_exception=False)
    for raw in ('"x"', "[1]", '{"amount": NaN}'):
        r = c.post("/api/budgets/virtual", raw, content_type="application/json")
        assert r.status_code in (400, 422) and r.json()["message"], raw
    r = c.post("/api/budgets/virtual", '"x"', content_type="application/json")
    assert r.json() == {"code": "bad_request", "message": "请求体应为 JSON 对象。"}
    assert json.loads(c.get("/api/budgets/indicators?offset=99999999999999999999").content)["code"] == "invalid"


@pytest.mark.django_db
def test_every_export_formats_money_with_two_decimals(world):
    from core.data.categories import ensure_seeded
    from projects.tests.support import make_indicator, save

    ensure_seeded()
    ind = make_indicator(world.dept, "1234567.5")
    save(world.dept_clerk, indicator=ind, amount="1000.1")
    checked = 0
    for user, url in ((world.dept_clerk, "/projects/?export=xlsx"), (world.dept_clerk, "/budgets/?export=xlsx"),
                      (world.dept_clerk, "/budgets/indicators/?export=xlsx"), (world.fj_reg, "/projects/region/?export=xlsx")):
        c = client_for(user)
        r = c.get(url)
        assert r.status_code == 200, url
        ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
        money_columns = [c.column for c in ws[1] if c.value and ("金额" in c.value or "（元）" in c.value)]
        assert money_columns, url
        for col in money_columns:
            for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                if cell.value is not None:
                    assert isinstance(cell.value, int | float) and cell.number_format == "#,##0.00", (url, cell)
                    checked += 1
    assert checked >= 3
