"""Issue 6 item 10: 新增虚拟预算 is no existence oracle. A unit of another region and a unit that does not exist
get the same status, the same message and the same page, in the pages and in the API."""

import re

import pytest

from budgets.models import BudgetIndicator
from core.testing import api_call, client_for
from orgs.models import Region
from orgs.testing import make_unit

from .test_views import virtual_data

pytestmark = pytest.mark.django_db


def _post_page(user, unit_text):
    return client_for(user).post("/budgets/virtual/new/", virtual_data(unit=unit_text))


def _normalised(r, typed: str) -> str:
    """The page without what differs by nature: the CSRF tokens and the text the user typed."""
    page = r.content.decode().replace(typed, "«typed»")
    return re.sub(r"\b[A-Za-z0-9]{64}\b", "«token»", page)


def _unit_error(r) -> str:
    block = re.search(r'<label class="field has-error">(.*?)</label>', r.content.decode(), re.S)
    assert block and 'name="unit"' in block.group(1)
    return re.search(r'<small class="field-error">([^<]+)</small>', block.group(1)).group(1)


@pytest.mark.parametrize("who,elsewhere,missing", [
    ("fj_reg", "南昌市第一中学（360100101）", "南昌市第九中学（360100109）"),
    ("fj_reg", "南昌市第一中学", "南昌市第九中学"),
    ("fz_reg", "福建省教育厅（350001001）", "福建省体育厅（350001999）"),
    ("fz_reg", "350001001", "350001999"),
])
def test_virtual_budget_page_answers_the_same_for_another_regions_unit_and_a_missing_one(books, who, elsewhere,
                                                                                          missing):
    user = getattr(books, who)
    a, b = _post_page(user, elsewhere), _post_page(user, missing)
    assert a.status_code == b.status_code == 200
    assert _unit_error(a) == _unit_error(b)
    assert _normalised(a, elsewhere) == _normalised(b, missing)
    assert not BudgetIndicator.objects.filter(pro_name="考试院标准化考场建设").exists()


def test_a_namesake_in_another_region_does_not_show_through(books):
    """A same-named unit elsewhere must neither block the choice nor reveal itself ("有多个同名单位")."""
    make_unit("福建省教育考试院", region_code="360000", budget_code="360009001")
    r = _post_page(books.fj_reg, "福建省教育考试院")
    assert r.status_code == 302
    assert BudgetIndicator.objects.get(pro_name="考试院标准化考场建设").unit == books.sub1


def _post_api(user, unit_id):
    payload = {"unit_id": unit_id, "scenario": "self_funded", "fiscal_year": 2026, "pro_name": "实验楼改造",
               "amount": "1000.00", "fund_type_code": "11", "is_gov_pur": True, "note": ""}
    return api_call(user, "post", "/api/budgets/virtual", payload)


@pytest.mark.parametrize("who,target", [("fj_reg", "jx_unit"), ("fz_reg", "dept"), ("jx_reg", "sub1")])
def test_virtual_budget_api_answers_the_same_for_another_regions_unit_and_a_missing_one(books, who, target):
    user = getattr(books, who)
    a = _post_api(user, getattr(books, target).pk)
    b = _post_api(user, 987654)
    assert a.status_code == b.status_code == 422
    assert a.json() == b.json()


def test_not_a_purchaser_of_the_region_is_the_same_as_missing(books):
    """A regulator unit of the region is no purchaser: the same answer again (kind is not an oracle either)."""
    a = _post_api(books.fj_reg, books.fz_reg_unit.pk)
    b = _post_api(books.fj_reg, 987654)
    assert a.status_code == b.status_code == 422 and a.json() == b.json()
    assert Region.objects.filter(code="350100").exists()
