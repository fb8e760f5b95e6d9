"""采购预算管理 pages through the browser's door (django.test.Client): the right role gets them (in Chinese),
a wrong role gets 403, a record outside the user's scope is 404, anonymous goes to /login/; filters, tabs,
包含下级单位, 高级搜索 and 导出为Excel."""

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.db import transaction

from audit.models import AuditLog
from budgets import ledger, selectors
from budgets.models import BudgetIndicator
from core.models import DocumentCounter
from core.testing import client_for
from orgs.models import Role
from orgs.testing import make_unit, make_user

from .factories import IndicatorFactory, make_project

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def html(r) -> str:
    return r.content.decode()


def grid(page: str) -> str:
    m = re.search(r'<table class="grid">.*?</table>', page, re.S)
    assert m, "no table on the page"
    return m.group(0)


def rows_of(page: str) -> set[str]:
    """指标ID cells of the list's table."""
    return set(re.findall(r'<a href="/budgets/indicators/\d+/">([^<]+)</a>', grid(page)))


def workbook(r):
    assert r.status_code == 200 and r["Content-Type"] == XLSX
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    values = list(ws.values)
    return list(values[0]), [list(v) for v in values[1:]]


@pytest.fixture
def agent(world):
    unit = make_unit("福建某招标代理有限公司", region_code="350100", kind="agency")
    return make_user("agent1", unit, Role.AGENCY)


# ---- anonymous and roles -------------------------------------------------------------------------------


URLS = ["/budgets/", "/budgets/indicators/", "/budgets/indicators/{pk}/", "/budgets/virtual/", "/budgets/virtual/new/"]


@pytest.mark.parametrize("pattern", URLS)
def test_anonymous_is_sent_to_login(books, pattern):
    url = pattern.format(pk=books.ind_dept.pk)
    r = client_for(None).get(url)
    assert r.status_code == 302 and r["Location"].startswith("/login/?next=")


def test_anonymous_post_of_a_virtual_budget_is_sent_to_login_and_saves_nothing(books):
    r = client_for(None).post("/budgets/virtual/new/", {"unit": "福建省教育厅（350001001）", "amount": "1"})
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    assert BudgetIndicator.objects.filter(source="virtual").count() == 1


@pytest.mark.parametrize("url,title", [("/budgets/indicators/", "指标预算查询"), ("/budgets/", "采购预算查询")])
@pytest.mark.parametrize("who", ["dept_clerk", "dept_reviewer", "dept_competent", "sub1_clerk", "fz_clerk"])
def test_purchaser_staff_open_the_budget_queries(books, url, title, who):
    r = client_for(getattr(books, who)).get(url)
    assert r.status_code == 200
    page = html(r)
    assert f'<h1 class="page-title">{title}</h1>' in page
    assert "导出为Excel" in page and "包含下级单位" in page and "可用金额" in page


@pytest.mark.parametrize("url", ["/budgets/indicators/", "/budgets/"])
@pytest.mark.parametrize("who", ["fj_reg", "jx_reg", "agent"])
def test_other_roles_may_not_open_the_budget_queries(books, agent, url, who):
    user = agent if who == "agent" else getattr(books, who)
    assert client_for(user).get(url).status_code == 403


@pytest.mark.parametrize("url", ["/budgets/virtual/", "/budgets/virtual/new/"])
@pytest.mark.parametrize("who", ["dept_clerk", "dept_competent", "fz_clerk", "agent"])
def test_only_regulators_open_budget_management(books, agent, url, who):
    user = agent if who == "agent" else getattr(books, who)
    assert client_for(user).get(url).status_code == 403


def test_a_purchaser_cannot_post_a_virtual_budget(books):
    r = client_for(books.dept_clerk).post("/budgets/virtual/new/", virtual_data())
    assert r.status_code == 403
    assert BudgetIndicator.objects.filter(source="virtual").count() == 1


# ---- 指标预算查询 ------------------------------------------------------------------------------------------


def test_indicator_list_shows_own_valid_platform_indicators(books):
    w = books
    page = html(client_for(w.dept_clerk).get("/budgets/indicators/"))
    assert rows_of(page) == {w.ind_dept.bgt_id}
    table = grid(page)
    assert "福建省教育厅" in table and "教育厅信息化建设" in table and "一般公共预算资金" in table
    assert "500,000.00" in table and "有效" in table
    assert w.virt_dept.bgt_id not in table  # virtual budgets belong to 采购预算查询
    assert re.search(r'有效<span class="count">1</span>', page) and re.search(r'无效<span class="count">1</span>', page)
    invalid = html(client_for(w.dept_clerk).get("/budgets/indicators/", {"tab": "invalid"}))
    assert rows_of(invalid) == {w.ind_dept_invalid.bgt_id}


def test_indicator_list_includes_subordinates_only_when_asked(books):
    w = books
    page = html(client_for(w.dept_clerk).get("/budgets/indicators/"))
    assert not re.search(r'name="include_sub"[^>]*checked', page)
    assert '<input type="hidden" name="include_sub" value="0">' in page
    ticked = html(client_for(w.dept_clerk).get("/budgets/indicators/?include_sub=0&include_sub=1"))
    assert rows_of(ticked) == {w.ind_dept.bgt_id, w.ind_sub1.bgt_id}
    assert re.search(r'name="include_sub"[^>]*checked', ticked)
    # the tab links and the pager keep the choice
    assert "?include_sub=0&amp;include_sub=1&tab=invalid" in ticked
    unticked = html(client_for(w.dept_clerk).get("/budgets/indicators/?include_sub=0"))
    assert rows_of(unticked) == {w.ind_dept.bgt_id}
    # a subordinate asking for subordinates still sees only itself; another unit never appears
    for user, own in ((w.sub1_clerk, w.ind_sub1), (w.fz_clerk, w.ind_fz)):
        assert rows_of(html(client_for(user).get("/budgets/indicators/?include_sub=1"))) == {own.bgt_id}


@pytest.mark.parametrize("params,expected", [
    ({"fiscal_year": "2026"}, {"ind_dept", "ind_sub1"}),
    ({"fiscal_year": "2024"}, set()),
    ({"unit_name": "考试院"}, {"ind_sub1"}),
    ({"pro_code": "3500002601"}, {"ind_dept"}),
    ({"fund_type": "2"}, {"ind_sub1"}),
    ({"fund_type": "11"}, {"ind_dept"}),
    ({"is_gov_pur": "0"}, {"ind_sub1"}),
    ({"is_gov_pur": "1"}, {"ind_dept"}),
])
def test_indicator_list_filters(books, params, expected):
    w = books
    page = html(client_for(w.dept_competent).get("/budgets/indicators/", {"include_sub": "1", **params}))
    assert rows_of(page) == {getattr(w, n).bgt_id for n in expected}


def test_a_bad_filter_value_is_shown_beside_the_field(books):
    page = html(client_for(books.dept_clerk).get("/budgets/indicators/", {"fiscal_year": "abc"}))
    assert re.search(r'<label class="has-error">预算年度.*?<small class="field-error">请填写四位年份。</small>', page, re.S)


def test_an_over_reserved_indicator_shows_its_negative_available_in_red(books):
    w = books
    p = make_project(w.dept, w.dept_clerk)
    with transaction.atomic():
        ledger.reserve(actor=w.dept_clerk, holder=ledger.holder_key(p), amounts={w.ind_dept.pk: Decimal("400000")},
                       reason="立项提交")
    BudgetIndicator.objects.filter(pk=w.ind_dept.pk).update(amount=Decimal("100000.00"))  # the platform's 调减
    table = grid(html(client_for(w.dept_clerk).get("/budgets/indicators/")))
    assert '<span class="bad-text overdrawn"' in table
    assert "-300,000.00（超占 300,000.00 元）" in table
    detail = html(client_for(w.dept_clerk).get(f"/budgets/indicators/{w.ind_dept.pk}/"))
    assert "超占 300,000.00 元" in detail and "资金替换或资金回收" in detail


def test_indicator_export_has_chinese_headers_and_only_rows_in_scope(books):
    w = books
    c = client_for(w.dept_clerk)
    head, rows = workbook(c.get("/budgets/indicators/", {"export": "xlsx", "include_sub": "1"}))
    assert head == ["指标ID", "预算年度", "预算单位", "预算项目", "指标文号", "资金性质", "是否政府采购", "可执行",
                    "指标金额", "已占用", "可用金额", "状态"]
    assert {r[0] for r in rows} == {w.ind_dept.bgt_id, w.ind_sub1.bgt_id}
    dept = next(r for r in rows if r[0] == w.ind_dept.bgt_id)
    assert dept[2] == "福建省教育厅" and dept[8] == 500000 and dept[10] == 500000 and dept[11] == "有效"
    _, own = workbook(c.get("/budgets/indicators/", {"export": "xlsx"}))
    assert {r[0] for r in own} == {w.ind_dept.bgt_id}
    _, invalid = workbook(c.get("/budgets/indicators/", {"export": "xlsx", "tab": "invalid"}))
    assert {r[0] for r in invalid} == {w.ind_dept_invalid.bgt_id}
    _, fz = workbook(client_for(w.fz_clerk).get("/budgets/indicators/", {"export": "xlsx", "include_sub": "1"}))
    assert {r[0] for r in fz} == {w.ind_fz.bgt_id}


# ---- 采购预算查询 ------------------------------------------------------------------------------------------


def test_budget_list_shows_platform_and_virtual_with_subordinates_by_default(books):
    w = books
    page = html(client_for(w.dept_clerk).get("/budgets/"))
    assert rows_of(page) == {w.ind_dept.bgt_id, w.ind_sub1.bgt_id, w.virt_dept.bgt_id}
    assert re.search(r'name="include_sub"[^>]*checked', page)
    table = grid(page)
    assert "虚拟预算" in table and "一体化同步" in table
    # clicking a tab without submitting the form keeps the default
    assert rows_of(html(client_for(w.dept_clerk).get("/budgets/", {"tab": "valid"}))) == rows_of(page)
    own = html(client_for(w.dept_clerk).get("/budgets/", {"include_sub": "0"}))
    assert rows_of(own) == {w.ind_dept.bgt_id, w.virt_dept.bgt_id}
    assert not re.search(r'name="include_sub"[^>]*checked', own)


def test_budget_list_advanced_search_is_folded_and_filters(books):
    w = books
    page = html(client_for(w.dept_clerk).get("/budgets/"))
    assert re.search(r'<details class="advanced"[^>]*>\s*<summary[^>]*>高级搜索</summary>', page)
    assert not re.search(r'<details class="advanced"[^>]*open', page)
    for label in ("功能分类", "经济分类", "指标来源", "来源", "金额从"):
        assert label in page
    def ids(**params):
        return rows_of(html(client_for(w.dept_clerk).get("/budgets/", params)))
    assert ids(source="virtual") == {w.virt_dept.bgt_id}
    assert ids(source="platform") == {w.ind_dept.bgt_id, w.ind_sub1.bgt_id}
    assert ids(amount_min="100000", amount_max="400000") == {w.virt_dept.bgt_id}
    assert ids(amount_max="80000") == {w.ind_sub1.bgt_id}
    assert ids(exp_func_code="20502") == {w.ind_dept.bgt_id, w.ind_sub1.bgt_id}
    assert ids(eco_code="302") == {w.ind_dept.bgt_id, w.ind_sub1.bgt_id}
    assert ids(source_type_code="9") == set()
    opened = html(client_for(w.dept_clerk).get("/budgets/", {"source": "virtual"}))
    assert re.search(r'<details class="advanced"[^>]*open', opened)
    bad = html(client_for(w.dept_clerk).get("/budgets/", {"amount_min": "500", "amount_max": "100"}))
    assert "金额上限不能小于下限。" in bad


def test_budget_export_lists_sources(books):
    w = books
    head, rows = workbook(client_for(w.dept_clerk).get("/budgets/", {"export": "xlsx"}))
    assert head[:2] == ["指标ID", "来源"] and "可用金额" in head
    assert {(r[0], r[1]) for r in rows} == {(w.ind_dept.bgt_id, "一体化同步"), (w.ind_sub1.bgt_id, "一体化同步"),
                                           (w.virt_dept.bgt_id, "虚拟预算")}


def test_budget_list_pages(books):
    w = books
    for i in range(25):
        IndicatorFactory(unit=w.dept, pro_name=f"批量指标{i}")
    first = html(client_for(w.dept_clerk).get("/budgets/"))
    assert "共 28 条，第 1/2 页" in first and len(rows_of(first)) == 20
    second = html(client_for(w.dept_clerk).get("/budgets/", {"page": "2"}))
    assert len(rows_of(second)) == 8 and "include_sub" not in re.search(r'<div class="pager">.*?</div>', second, re.S).group(0)


# ---- detail ------------------------------------------------------------------------------------------------


def test_detail_shows_platform_fields_amounts_holders_and_ledger(books, monkeypatch):
    w = books
    p = make_project(w.dept, w.dept_clerk, name="教育厅办公设备采购")
    with transaction.atomic():
        ledger.reserve(actor=w.dept_clerk, holder=ledger.holder_key(p), amounts={w.ind_dept.pk: Decimal("12000")},
                       reason="立项提交")
    r = client_for(w.dept_clerk).get(f"/budgets/indicators/{w.ind_dept.pk}/")
    assert r.status_code == 200
    page = html(r)
    for wire in ("BGT_ID", "MOF_DIV_CODE", "FISCAL_YEAR", "AGENCY_CODE", "PRO_CODE", "COR_BGT_DOC_NO",
                 "BGT_TYPE_CODE", "SOURCE_TYPE_CODE", "FUND_TYPE_CODE", "EXP_FUNC_CODE", "GOV_BGT_ECO_CODE",
                 "DEP_BGT_ECO_CODE", "PAY_TYPE_CODE", "IS_GOV_PUR", "AMOUNT", "CUR_AMT", "BGT_EXE_FLAG",
                 "ORI_BGT_ID", "ADJ_BATCH_NO"):
        assert f"<code>{wire}</code>" in page
    assert "指标文号" in page and w.ind_dept.cor_bgt_doc_no in page
    assert "¥500,000.00 元" in page and "¥12,000.00 元" in page and "¥488,000.00 元" in page
    holders = re.search(r'<table class="grid holders">.*?</table>', page, re.S).group(0)
    assert str(p) in holders and "12,000.00" in holders
    ledger_table = re.search(r'<table class="grid ledger">.*?</table>', page, re.S).group(0)
    assert "占用" in ledger_table and "立项提交" in ledger_table and "dept_clerk" in ledger_table
    # a link once the projects app names its detail page
    monkeypatch.setitem(selectors.HOLDER_URLS, "projects.project", "budgets:indicator_detail")
    page = html(client_for(w.dept_clerk).get(f"/budgets/indicators/{w.ind_dept.pk}/"))
    assert f'<a href="/budgets/indicators/{p.pk}/">{p}</a>' in page


@pytest.mark.parametrize("who,target,status", [
    ("dept_clerk", "ind_dept", 200),
    ("dept_clerk", "ind_sub1", 200),        # the competent unit's subordinate
    ("dept_clerk", "virt_dept", 200),
    ("sub1_clerk", "ind_sub1", 200),
    ("sub1_clerk", "ind_dept", 404),        # a subordinate does not see its competent unit's money
    ("fz_clerk", "ind_dept", 404),          # another unit
    ("jx_clerk", "ind_dept", 404),
    ("fj_reg", "ind_dept", 200),
    ("fj_reg", "ind_orphan", 200),
    ("fz_reg", "ind_dept", 404),            # outside 福州
    ("fz_reg", "ind_fz", 200),
    ("jx_reg", "ind_fz", 404),
    ("agent", "ind_dept", 403),
])
def test_detail_scope(books, agent, who, target, status):
    user = agent if who == "agent" else getattr(books, who)
    r = client_for(user).get(f"/budgets/indicators/{getattr(books, target).pk}/")
    assert r.status_code == status
    if status == 200:
        assert "一体化指标字段" in html(r)


def test_detail_of_a_missing_indicator_is_404(books):
    assert client_for(books.dept_clerk).get("/budgets/indicators/999999/").status_code == 404


# ---- 预算管理 (virtual budgets) ----------------------------------------------------------------------------


def virtual_data(**overrides):
    data = {"unit": "福建省教育考试院（350001002）", "scenario": "not_issued", "fiscal_year": "2026",
            "pro_name": "考试院标准化考场建设", "pro_code": "", "amount": "250000.00", "fund_type_code": "11",
            "is_gov_pur": "1", "note": "预算暂未下达，有资金保障"}
    data.update(overrides)
    return data


def test_virtual_list_shows_the_regions_virtual_budgets(books):
    w = books
    r = client_for(w.fj_reg).get("/budgets/virtual/")
    assert r.status_code == 200
    page = html(r)
    assert '<h1 class="page-title">预算管理</h1>' in page and "新增预算" in page
    assert rows_of(page) == {w.virt_dept.bgt_id}
    assert "物业等一招三年" in grid(page)
    assert rows_of(html(client_for(w.fz_reg).get("/budgets/virtual/"))) == set()
    assert rows_of(html(client_for(w.jx_reg).get("/budgets/virtual/"))) == set()
    head, rows = workbook(client_for(w.fj_reg).get("/budgets/virtual/", {"export": "xlsx"}))
    assert "场景" in head and [r[0] for r in rows] == [w.virt_dept.bgt_id]


def test_virtual_form_offers_only_registered_units_of_the_region(books):
    w = books
    page = html(client_for(w.fj_reg).get("/budgets/virtual/new/"))
    options = re.findall(r'<option value="([^"]+)"></option>', page)
    assert options == ["福建省教育厅（350001001）", "福建省教育考试院（350001002）"]
    assert "银行、海关、税务等中央驻本省单位" in page
    fz_page = html(client_for(w.fz_reg).get("/budgets/virtual/new/"))
    assert re.findall(r'<option value="([^"]+)"></option>', fz_page) == []


def test_regulator_adds_a_virtual_budget(books):
    w = books
    c = client_for(w.fj_reg)
    r = c.post("/budgets/virtual/new/", virtual_data())
    ind = BudgetIndicator.objects.get(pro_name="考试院标准化考场建设")
    assert r.status_code == 302 and r["Location"] == f"/budgets/indicators/{ind.pk}/"
    assert ind.source == "virtual" and ind.unit == w.sub1 and ind.amount == Decimal("250000.00")
    assert ind.bgt_id == "VI-350000-2026-000001" and ind.created_by == w.fj_reg
    page = html(c.get(r["Location"]))
    assert "已新增预算 VI-350000-2026-000001" in page and "政府采购预算暂未下达" in page
    # the unit sees it in 采购预算查询
    assert ind.bgt_id in rows_of(html(client_for(w.sub1_clerk).get("/budgets/")))


@pytest.mark.parametrize("who,overrides,field,message", [
    ("fj_reg", {"unit": "福州市第一中学（350100101）"}, "unit", "尚未通过用户库基本信息审核"),
    ("fj_reg", {"unit": "南昌市第一中学（360100101）"}, "unit", "本辖区内未找到该采购单位"),
    ("fz_reg", {}, "unit", "本辖区内未找到该采购单位"),
    ("fj_reg", {"unit": "不存在的单位"}, "unit", "本辖区内未找到该采购单位"),
    ("fj_reg", {"amount": "0"}, "amount", "金额必须大于0"),
    ("fj_reg", {"amount": "-10"}, "amount", "金额必须大于0"),
    ("fj_reg", {"scenario": ""}, "scenario", "此项为必填项"),
    ("fj_reg", {"pro_name": ""}, "pro_name", "此项为必填项"),
])
def test_virtual_budget_refusals_are_shown_beside_the_field(books, who, overrides, field, message):
    w = books
    counters = DocumentCounter.objects.count()
    audits = AuditLog.objects.count()
    r = client_for(getattr(w, who)).post("/budgets/virtual/new/", virtual_data(**overrides))
    assert r.status_code == 200
    page = html(r)
    assert "请修正标出的字段后再保存" in page
    block = re.search(r'<label class="field has-error">(.*?)</label>', page, re.S)
    assert block and message in block.group(1)
    assert f'name="{field}"' in block.group(1)
    assert BudgetIndicator.objects.filter(source="virtual").count() == 1
    assert DocumentCounter.objects.count() == counters and AuditLog.objects.count() == audits


@pytest.mark.parametrize("url", ["/budgets/", "/budgets/indicators/?include_sub=1"])
def test_list_queries_do_not_grow_with_rows(books, django_assert_max_num_queries, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = books
    c = client_for(w.dept_clerk)
    c.get(url)  # warm the session and the user's roles
    with CaptureQueriesContext(connection) as few:
        assert c.get(url).status_code == 200
    for i in range(15):
        IndicatorFactory(unit=w.sub1 if i % 2 else w.dept, pro_name=f"批量指标{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get(url).status_code == 200


def test_virtual_list_queries_do_not_grow_with_rows(books, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = books
    c = client_for(w.fj_reg)
    c.get("/budgets/virtual/")
    with CaptureQueriesContext(connection) as few:
        c.get("/budgets/virtual/")
    for i in range(10):
        IndicatorFactory(unit=w.sub1, source="virtual", virtual_scenario="joint", created_by=w.fj_reg2,
                         bgt_id=f"VI-350000-2026-{i + 200:06d}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get("/budgets/virtual/").status_code == 200
