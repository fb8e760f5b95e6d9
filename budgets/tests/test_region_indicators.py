"""一体化预算指标 (政府采购 → 计划管理 → 一体化预算指标管理): the regulator's list of its region's platform
indicators with 指标金额 / 已占用 / 可用金额 — scope by region (matched or not), the roles, tabs, the query form,
the Excel export, paging, and queries that do not grow with the rows."""

import re
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from budgets import ledger
from core.testing import client_for

from .factories import make_indicator, make_project
from .test_views import grid, html, rows_of, workbook

pytestmark = pytest.mark.django_db

URL = "/budgets/region/"


def test_a_regulator_sees_its_regions_platform_indicators_matched_or_not(books):
    w = books
    r = client_for(w.fj_reg).get(URL)
    assert r.status_code == 200
    page = html(r)
    assert '<h1 class="page-title">一体化预算指标</h1>' in page and "导出为Excel" in page
    assert rows_of(page) == {w.ind_dept.bgt_id, w.ind_sub1.bgt_id, w.ind_fz.bgt_id, w.ind_orphan.bgt_id}
    table = grid(page)
    assert "（未匹配）350100999" in table and "福州市第一中学" in table and "教育厅信息化建设" in table
    assert w.virt_dept.bgt_id not in table and w.ind_jx.bgt_id not in table  # 虚拟预算 is 预算管理's; Jiangxi
    assert re.search(r'有效<span class="count">4</span>', page) and re.search(r'无效<span class="count">1</span>', page)
    assert rows_of(html(client_for(w.fj_reg).get(URL, {"tab": "invalid"}))) == {w.ind_dept_invalid.bgt_id}
    assert rows_of(html(client_for(w.fz_reg).get(URL))) == {w.ind_fz.bgt_id, w.ind_orphan.bgt_id}  # a city: its own
    assert rows_of(html(client_for(w.jx_reg).get(URL))) == {w.ind_jx.bgt_id}


def test_amounts_reserved_and_available(books):
    w = books
    p = make_project(w.dept, w.dept_clerk)
    with transaction.atomic():
        ledger.reserve(actor=w.dept_clerk, holder=ledger.holder_key(p), amounts={w.ind_dept.pk: Decimal("120000")},
                       reason="立项提交")
    table = grid(html(client_for(w.fj_reg).get(URL, {"pro_name": "教育厅信息化"})))
    assert "500,000.00" in table and "120,000.00" in table and "380,000.00" in table


@pytest.mark.parametrize("who", ["dept_clerk", "dept_competent", "fz_clerk", "fj_reg_clerk"])
def test_only_regulators_open_it(books, who):
    from orgs.models import Role
    from orgs.testing import make_user

    user = make_user("fj_reg_clerk", books.fj_reg_unit, Role.CLERK) if who == "fj_reg_clerk" else getattr(books, who)
    assert client_for(user).get(URL).status_code == 403


def test_anonymous_is_sent_to_login(books):
    r = Client().get(URL)
    assert r.status_code == 302 and r["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("params,expected", [
    ({"fiscal_year": "2025"}, {"ind_fz"}),
    ({"unit_name": "考试院"}, {"ind_sub1"}),
    ({"pro_name": "实验室"}, {"ind_fz"}),
    ({"pro_code": "3500002601"}, {"ind_dept"}),
    ({"fund_type": "2"}, {"ind_sub1"}),
    ({"is_gov_pur": "0"}, {"ind_sub1"}),
    ({"amount_min": "60000", "amount_max": "80000"}, {"ind_sub1", "ind_fz"}),
])
def test_filters(books, params, expected):
    assert rows_of(html(client_for(books.fj_reg).get(URL, params))) == {getattr(books, n).bgt_id for n in expected}


def test_a_bad_range_is_shown_beside_the_field(books):
    page = html(client_for(books.fj_reg).get(URL, {"amount_min": "100", "amount_max": "10"}))
    assert "金额上限不能小于下限。" in page


def test_export_has_the_amount_columns_and_only_the_region(books):
    w = books
    head, rows = workbook(client_for(w.fz_reg).get(URL, {"export": "xlsx"}))
    assert head[:3] == ["指标ID", "预算年度", "财政区划"]
    assert {"预算单位", "预算项目", "指标金额", "已占用", "可用金额", "状态"} <= set(head)
    assert sorted(r[0] for r in rows) == sorted([w.ind_fz.bgt_id, w.ind_orphan.bgt_id])


def test_pages_and_queries_do_not_grow_with_rows(books, django_assert_max_num_queries):
    w = books
    c = Client()
    c.force_login(w.fj_reg)
    c.get(URL)
    with CaptureQueriesContext(connection) as few:
        assert c.get(URL).status_code == 200
    for i in range(25):
        make_indicator(w.sub1 if i % 2 else w.dept, pro_name=f"批量指标{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = html(c.get(URL))
    assert len(rows_of(page)) == 20 and "page=2" in page
    assert len(rows_of(html(c.get(URL, {"page": "2"})))) == 9


def test_the_detail_page_leads_back_to_the_list(books):
    page = html(client_for(books.fj_reg).get(f"/budgets/indicators/{books.ind_dept.pk}/"))
    assert f'<a class="btn" href="{URL}">返回</a>' in page
    page = html(client_for(books.fj_reg).get(f"/budgets/indicators/{books.virt_dept.pk}/"))
    assert '<a class="btn" href="/budgets/virtual/">返回</a>' in page
