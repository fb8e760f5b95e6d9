"""采购项目立项 pages through django.test.Client. For every page and action: the right role gets it, a wrong
role gets 403, a user outside the record's scope gets 404, anonymous goes to /login/."""

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.messages import get_messages

from budgets.models import LedgerEntry
from core.testing import client_for
from projects.models import Project
from workflow import engine
from workflow.models import Status

from .support import cat, live_cell, reload, save, submitted, upload, year

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def table(page: str) -> str:
    m = re.search(r'<table class="grid" id="project-list">.*?</table>', page, re.S)
    assert m, "no project table on the page"
    return m.group(0)


def row(page: str, project) -> str:
    m = re.search(rf'<tr data-project-id="{project.pk}">.*?</tr>', page, re.S)
    assert m, f"no row for {project.number}"
    return m.group(0)


def ops(page: str, project) -> str:
    """The 操作 cell of a project's row: link and button texts only."""
    cell = re.search(r'<td class="ops">(.*?)</td>', row(page, project), re.S).group(1)
    return " ".join(re.findall(r">([^<>]+)</(?:a|button)>", cell))


def form_post(proj, **over) -> dict:
    """What the form page posts for a one-line goods project of 1 000 元 paid from proj.ind."""
    data = {"name": "办公家具采购", "fiscal_year": str(year()), "procurement_kind": "goods", "summary": "会议室桌椅",
            "contact_name": "周经办", "contact_phone": "0591-1234567", "is_gov_procurement": "0",
            "cumulative_reason": "",
            "line-category": [str(cat("A05010300").pk)], "line-item_name": ["会议椅"], "line-quantity": ["10"],
            "line-measure_unit": ["把"], "line-unit_price": ["100"],
            "fund-indicator": [str(proj.ind.pk)], "fund-amount": ["1000"], "save": "1"}
    data.update(over)
    return data


# ---- anonymous -------------------------------------------------------------------------------------------------


def test_anonymous_goes_to_login(proj):
    p = save(proj.clerk, indicator=proj.ind)
    for url in ["/projects/", "/projects/region/", "/projects/new/", "/projects/new/general/",
                f"/projects/{p.pk}/", f"/projects/{p.pk}/edit/"]:
        r = client_for(None).get(url)
        assert r.status_code == 302 and r["Location"].startswith("/login/"), url
    r = client_for(None).post(f"/projects/{p.pk}/submit/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    assert reload(p).status == Status.DRAFT


# ---- 采购项目立项 list ---------------------------------------------------------------------------------------------


def test_list_tabs_counts_and_allowed_operations(proj):
    draft = save(proj.clerk, indicator=proj.ind, name="草稿项目")
    pending = submitted(proj.clerk, indicator=proj.ind, name="待审项目")
    done = engine.approve(submitted(proj.clerk, indicator=proj.ind, name="已办项目"), proj.reviewer)
    page = html(client_for(proj.clerk).get("/projects/"))
    assert re.search(r'待处理<span class="count">2</span>', page)
    assert re.search(r'已办结<span class="count">1</span>', page)
    assert draft.number in table(page) and pending.number in table(page) and done.number not in table(page)
    assert "新增" in page and "导出为Excel" in page
    assert ops(page, draft) == "查看 编辑 提交"
    assert ops(page, pending) == "查看 撤回"
    # the reviewer sees 审核 on the pending one and no 新增
    page = html(client_for(proj.reviewer).get("/projects/"))
    assert ops(page, pending) == "查看 审核" and ops(page, draft) == "查看"
    assert 'href="/projects/new/"' not in page
    page = html(client_for(proj.clerk).get("/projects/?tab=done"))
    assert done.number in table(page) and draft.number not in table(page)
    assert ops(page, done) == "查看 更多"


def test_list_query_form_and_paging(proj):
    a = save(proj.clerk, indicator=proj.ind, name="图书采购")
    b = save(proj.clerk, indicator=proj.ind, name="计算机采购", implementation_form="mall")
    page = html(client_for(proj.clerk).get("/projects/?name=图书"))
    assert a.number in table(page) and b.number not in table(page)
    page = html(client_for(proj.clerk).get(f"/projects/?number={b.number}"))
    assert b.number in table(page) and a.number not in table(page)
    page = html(client_for(proj.clerk).get("/projects/?implementation_form=mall"))
    assert b.number in table(page) and a.number not in table(page)
    page = html(client_for(proj.clerk).get(f"/projects/?fiscal_year={year() + 1}"))
    assert "暂无数据" in page
    page = html(client_for(proj.clerk).get(f"/projects/?after={b.pk}"))
    assert a.number in table(page) and b.number not in table(page)
    for _ in range(20):
        save(proj.clerk, indicator=proj.ind)
    page = html(client_for(proj.clerk).get("/projects/"))
    assert "共 22 条，第 1/2 页" in page and "page=2" in page
    page = html(client_for(proj.clerk).get("/projects/?page=2"))
    assert a.number in table(page) and "第 2/2 页" in page


def test_list_scope_and_roles(proj):
    w = proj.w
    mine = save(proj.clerk, indicator=proj.ind)
    theirs = save(w.sub1_clerk, indicator=proj.sub_ind)
    assert theirs.number not in table(html(client_for(proj.clerk).get("/projects/")))
    assert mine.number not in table(html(client_for(w.sub1_clerk).get("/projects/")))
    competent = html(client_for(w.dept_competent).get("/projects/"))
    assert theirs.number in table(competent) and "福建省教育考试院" in table(competent)
    for user in (w.fj_reg, w.jx_reg):
        assert client_for(user).get("/projects/").status_code == 403


def test_export_is_the_filtered_tab(proj):
    a = save(proj.clerk, indicator=proj.ind, name="导出项目甲")
    save(proj.clerk, indicator=proj.ind, name="其他项目")
    r = client_for(proj.clerk).get("/projects/?name=导出&export=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.values)
    assert rows[0][:3] == ("项目编号", "项目名称", "采购单位")
    assert len(rows) == 2 and rows[1][0] == a.number and rows[1][6] == 1000


# ---- 新增 ------------------------------------------------------------------------------------------------------


def test_new_asks_the_implementation_form_first(proj):
    page = html(client_for(proj.clerk).get("/projects/new/"))
    for label in ("一般项目采购", "网上超市", "合同续签", "自行采购", "统招分签采购"):
        assert label in page
    assert 'href="/projects/new/general/"' in page and 'href="/projects/new/joint_response/"' not in page
    r = client_for(proj.clerk).get("/projects/new/joint_response/")
    assert r.status_code == 302 and "统招分签" in flashed(r)[0]
    assert client_for(proj.clerk).get("/projects/new/bogus/").status_code == 404
    for user in (proj.reviewer, proj.w.fj_reg, proj.leader):
        assert client_for(user).get("/projects/new/").status_code == 403
        assert client_for(user).get("/projects/new/general/").status_code == 403


def test_unregistered_unit_is_told_before_typing(proj):
    w = proj.w
    page = html(client_for(w.fz_clerk).get("/projects/new/"))
    assert "本单位尚未通过用户库基本信息审核，不能立项。" in page and 'href="/projects/new/general/"' not in page
    r = client_for(w.fz_clerk).get("/projects/new/general/")
    assert r.status_code == 302 and "尚未通过" in flashed(r)[0]
    r = client_for(w.fz_clerk).post("/projects/new/general/", form_post(proj))
    assert r.status_code == 302 and not Project.objects.exists()


def test_form_page_sections_and_indicators(proj):
    page = html(client_for(proj.clerk).get("/projects/new/general/"))
    positions = [page.index(f"<h2>{s}</h2>") for s in ("基本信息", "采购内容清单", "项目资金构成", "项目安排", "项目相关附件")]
    assert positions == sorted(positions)
    assert "教育厅公用经费" in page and "可用 1,000,000.00 元" in page and 'data-available="1000000.00"' in page
    assert "考试院公用经费" not in page   # a subordinate's indicator is not offered
    assert "货物、服务：1,000,000.00 元" in page and "工程：1,000,000.00 元" in page
    assert "累计达到限额标准相关说明材料" in page
    for button in ("保存", "提交", "返回", "新增一行"):
        assert button in page


def test_save_from_the_form(proj):
    r = client_for(proj.clerk).post("/projects/new/general/", form_post(proj))
    p = Project.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/projects/{p.pk}/"
    assert p.total_amount == Decimal("1000") and p.status == Status.DRAFT and p.implementation_form == "general"
    assert p.content_lines.get().item_name == "会议椅"


def test_save_and_submit_from_the_form(proj):
    r = client_for(proj.clerk).post("/projects/new/mall/", form_post(proj, save="", submit="1"))
    p = Project.objects.get()
    assert r.status_code == 302 and p.status == Status.PENDING and p.implementation_form == "mall"
    assert reload(proj.ind).reserved == Decimal("1000")
    assert "已提交" in flashed(r)[0]


def test_errors_beside_the_fields_and_the_data_kept(proj):
    data = form_post(proj, name="", **{"line-quantity": ["0"], "fund-amount": ["999"],
                                       "line-item_name": ["保留我输入的标的"]})
    r = client_for(proj.clerk).post("/projects/new/general/", data)
    page = html(r)
    assert r.status_code == 200 and not Project.objects.exists()
    assert 'id="error-summary"' in page and "请填写项目名称。" in page
    assert re.search(r'has-error"><span><i class="req">\*</i>项目名称</span>', page)
    assert "第1行：数量必须大于0。" in page
    assert 'value="保留我输入的标的"' in page and 'value="999"' in page and 'value="0"' in page
    assert f'value="{proj.ind.pk}" data-available' in page and "selected" in page


def test_refused_submit_saves_nothing_and_keeps_the_input(proj, monkeypatch):
    """保存并提交 is both or neither (the kit): when the reservation is refused (a race lost), nothing is saved
    and the form comes back with the message and what the clerk typed."""
    from dataclasses import replace

    from core.errors import BusinessError
    from workflow import engine

    def lost_race(project, actor):
        raise BusinessError("指标「教育厅公用经费」可用金额 0.00 元，不足本次使用的 1,000.00 元。", code="over_available")

    monkeypatch.setitem(engine.FLOWS, Project.doc_type, replace(engine.FLOWS[Project.doc_type], on_submit=lost_race))
    r = client_for(proj.clerk).post("/projects/new/general/", form_post(proj, save="", submit="1"))
    page = html(r)
    assert r.status_code == 200 and not Project.objects.exists() and reload(proj.ind).reserved == 0
    assert "未能提交（未保存）：指标「教育厅公用经费」可用金额" in page
    assert "办公家具采购" in page and "会议椅" in page


def test_cumulative_attachment_through_the_form(proj, media):
    att = upload(proj.clerk)
    data = form_post(proj, is_gov_procurement="1", cumulative_reason="本年度同品目已执行45万元")
    page = html(client_for(proj.clerk).post("/projects/new/general/", data))
    assert "须上传累计达到限额标准相关说明材料" in page
    data["cumulative_attachment_ids"] = [str(att.pk)]
    r = client_for(proj.clerk).post("/projects/new/general/", data)
    p = Project.objects.get()
    assert r.status_code == 302 and p.is_gov_procurement
    page = html(client_for(proj.clerk).get(f"/projects/{p.pk}/"))
    assert "累计说明.pdf" in page and "本年度同品目已执行45万元" in page


# ---- 编辑 ------------------------------------------------------------------------------------------------------


def test_edit_page_scope(proj):
    w = proj.w
    p = save(proj.clerk, indicator=proj.ind, name="原名称")
    page = html(client_for(proj.clerk).get(f"/projects/{p.pk}/edit/"))
    assert 'value="原名称"' in page and f'name="version" value="{p.version}"' in page
    assert client_for(proj.reviewer).get(f"/projects/{p.pk}/edit/").status_code == 403
    assert client_for(w.sub1_clerk).get(f"/projects/{p.pk}/edit/").status_code == 404
    assert client_for(w.jx_clerk).get(f"/projects/{p.pk}/edit/").status_code == 404
    r = client_for(proj.clerk).post(f"/projects/{p.pk}/edit/", form_post(proj, name="新名称", version=str(p.version)))
    assert r.status_code == 302 and reload(p).name == "新名称"
    # a stale form is refused with a clear message
    r = client_for(proj.clerk).post(f"/projects/{p.pk}/edit/", form_post(proj, name="旧表单", version=str(p.version)))
    assert "已被他人处理" in html(r) or "刷新" in html(r)
    assert reload(p).name == "新名称"
    engine.submit(reload(p), proj.clerk)
    assert client_for(proj.clerk).get(f"/projects/{p.pk}/edit/").status_code == 403


# ---- detail and actions -----------------------------------------------------------------------------------------


def test_detail_scope(proj):
    w = proj.w
    p = submitted(proj.clerk, indicator=proj.ind)
    page = html(client_for(proj.clerk).get(f"/projects/{p.pk}/"))
    for s in ("基本信息", "采购内容清单", "项目资金构成", "项目安排", "项目相关附件", "流程记录"):
        assert f"<h2>{s}</h2>" in page
    assert "审核中" in page and "撤回" in page and "教育厅公用经费" in page
    assert "审核" in html(client_for(proj.reviewer).get(f"/projects/{p.pk}/"))
    assert client_for(w.dept_competent).get(f"/projects/{p.pk}/").status_code == 200
    assert client_for(w.fj_reg).get(f"/projects/{p.pk}/").status_code == 200     # jurisdiction: read-only
    assert 'action="/projects/' not in html(client_for(w.fj_reg).get(f"/projects/{p.pk}/"))
    for user in (w.sub1_clerk, w.fz_reg, w.jx_reg, w.jx_clerk):
        assert client_for(user).get(f"/projects/{p.pk}/").status_code == 404, user.username
    assert client_for(proj.clerk).get("/projects/999999/").status_code == 404


def test_review_link_opens_the_dialog(proj):
    p = submitted(proj.clerk, indicator=proj.ind)
    assert "showModal" in html(client_for(proj.reviewer).get(f"/projects/{p.pk}/?review=1"))
    assert "showModal" not in html(client_for(proj.clerk).get(f"/projects/{p.pk}/?review=1"))


def test_actions_through_the_engine_handler(proj):
    w = proj.w
    p = save(proj.clerk, indicator=proj.ind, amount="7000")
    assert client_for(proj.clerk).get(f"/projects/{p.pk}/submit/").status_code == 405
    assert client_for(w.sub1_clerk).post(f"/projects/{p.pk}/submit/").status_code == 404
    assert client_for(proj.reviewer).post(f"/projects/{p.pk}/submit/").status_code == 403
    assert client_for(proj.clerk).post(f"/projects/{p.pk}/bogus/").status_code == 404
    r = client_for(proj.clerk).post(f"/projects/{p.pk}/submit/", {"version": p.version})
    assert r.status_code == 302 and reload(p).status == Status.PENDING
    assert reload(proj.ind).reserved == Decimal("7000")
    assert client_for(proj.clerk).post(f"/projects/{p.pk}/approve/").status_code == 403      # own submission
    assert client_for(w.fj_reg).post(f"/projects/{p.pk}/approve/").status_code == 403        # regulator reads only
    r = client_for(proj.reviewer).post(f"/projects/{p.pk}/reject/", {"opinion": ""})
    assert "审核意见" in flashed(r)[0] and reload(p).status == Status.PENDING
    r = client_for(proj.reviewer).post(f"/projects/{p.pk}/reject/", {"opinion": "资金来源不对"})
    assert reload(p).status == Status.DRAFT and reload(proj.ind).reserved == 0
    client_for(proj.clerk).post(f"/projects/{p.pk}/submit/")
    r = client_for(proj.reviewer).post(f"/projects/{p.pk}/approve/", {"opinion": "同意"})
    assert reload(p).status == Status.APPROVED and reload(proj.ind).reserved == Decimal("7000")
    timeline = html(client_for(proj.clerk).get(f"/projects/{p.pk}/"))
    for step in ("保存", "提交", "审核不通过", "资金来源不对", "审核通过"):
        assert step in timeline
    assert LedgerEntry.objects.filter(holder=f"projects.project:{p.pk}").count() == 3


def test_withdraw_from_the_list(proj):
    p = submitted(proj.clerk, indicator=proj.ind, amount="500")
    r = client_for(proj.clerk).post(f"/projects/{p.pk}/withdraw/", {"version": p.version})
    assert r.status_code == 302 and reload(p).status == Status.WITHDRAWN and reload(proj.ind).reserved == 0


# ---- 项目查询 (regulator) -----------------------------------------------------------------------------------------


def test_region_list(proj, cities):
    w = proj.w
    dept = engine.approve(submitted(proj.clerk, indicator=proj.ind), proj.reviewer)
    xm = save(cities.xm_clerk, indicator=cities.xm_ind)
    page = html(client_for(w.fj_reg).get("/projects/region/"))
    assert dept.number in table(page) and xm.number in table(page)
    assert ops(page, dept) == "查看" and ops(page, xm) == "查看"
    assert re.search(r'全部<span class="count">2</span>', page)
    page = html(client_for(w.fj_reg).get("/projects/region/?tab=done"))
    assert dept.number in table(page) and xm.number not in table(page)
    page = html(client_for(w.fj_reg).get("/projects/region/?unit_name=厦门"))
    assert xm.number in table(page) and dept.number not in table(page)
    assert "暂无数据" in html(client_for(w.fz_reg).get("/projects/region/"))
    assert "暂无数据" in html(client_for(w.jx_reg).get("/projects/region/"))
    for user in (proj.clerk, proj.reviewer, w.dept_competent):
        assert client_for(user).get("/projects/region/").status_code == 403
    r = client_for(w.fj_reg).get("/projects/region/?export=xlsx")
    assert len(list(openpyxl.load_workbook(io.BytesIO(r.content)).active.values)) == 3


def test_list_queries_do_not_grow_with_rows(proj):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    save(proj.clerk, indicator=proj.ind)
    c = client_for(proj.clerk)
    with CaptureQueriesContext(connection) as one:
        assert c.get("/projects/").status_code == 200
    for _ in range(15):
        save(proj.clerk, indicator=proj.ind)
    with CaptureQueriesContext(connection) as many:
        assert c.get("/projects/").status_code == 200
    assert len(many.captured_queries) == len(one.captured_queries)


def test_submitting_a_draft_on_a_moved_indicator_names_the_line(proj):
    p = save(proj.clerk, indicator=proj.ind2, amount="7000")
    type(proj.ind2).objects.filter(pk=proj.ind2.pk).update(unit=proj.w.sub1)
    r = client_for(proj.clerk).post(f"/projects/{p.pk}/submit/", {"version": p.version})
    assert r.status_code == 302 and reload(p).status == Status.DRAFT
    assert any("项目资金构成第1行" in m and "教育信息化专项" in m for m in flashed(r)), flashed(r)
    assert reload(proj.ind2).reserved == 0


def test_demand_summary_and_expected_month_on_form_detail_and_export(proj):
    data = form_post(proj, save="", demand_summary="台式计算机50台，用于机房更新", expected_month="2026-09")
    r = client_for(proj.clerk).post("/projects/new/general/", data)
    assert r.status_code == 302, html(r)
    p = Project.objects.get()
    assert p.demand_summary == "台式计算机50台，用于机房更新" and p.expected_month.isoformat() == "2026-09-01"
    page = html(client_for(proj.clerk).get(f"/projects/{p.pk}/"))
    assert "2026年9月" in page and "台式计算机50台，用于机房更新" in page
    assert 'name="expected_month" value="2026-09"' in html(client_for(proj.clerk).get(f"/projects/{p.pk}/edit/"))
    r = client_for(proj.clerk).post(f"/projects/{p.pk}/edit/", {**data, "expected_month": "2026-13", "version": p.version})
    assert r.status_code == 200 and "预计采购时间应为年-月" in html(r)
    ws = openpyxl.load_workbook(io.BytesIO(client_for(proj.clerk).get("/projects/?tab=todo&export=xlsx").content)).active
    rows = list(ws.values)
    assert "预计采购时间" in rows[0] and "2026-09" in rows[1] and "台式计算机50台，用于机房更新" in rows[1]


# ---- 是否政府采购: the live hint is the service's check, through htmx (issue 6 item 15) -------------------------


def gov_hint(proj, **over):
    data = {**form_post(proj), "line-quantity": "1", **over}
    return client_for(proj.clerk).post("/projects/gov-check/", data, HTTP_HX_REQUEST="true")


def test_gov_hint_follows_the_amount_both_ways_and_keeps_a_declared_yes(proj):
    big = form_post(proj, **{"line-unit_price": "1000000"})
    r = gov_hint(proj, **{"line-unit_price": "1000000"})
    assert r.status_code == 200
    page = html(r)
    assert 'data-forced="1"' in page and "已达到分散采购限额" in page and "1,000,000.00" in page
    assert page.lstrip().startswith('<label class="field" id="gov-field"')  # the swap target, whole
    # the amount drops: back to 否, since the clerk declared nothing (no longer stuck at 是)
    r = gov_hint(proj, **{"line-unit_price": "1000", "is_gov_procurement": big.get("is_gov_procurement", "0")})
    page = html(r)
    assert 'data-forced="0"' in page and '<option value="0" selected>否</option>' in page
    # a 是 the clerk declared (cumulative case) stays 是 below the 限额, also after passing through the 限额
    r = gov_hint(proj, **{"line-unit_price": "1000000", "is_gov_procurement": "1"})
    assert '<option value="1" selected>是</option>' in html(r)
    r = gov_hint(proj, **{"line-unit_price": "1000", "is_gov_procurement": "1"})
    assert 'data-forced="0"' in html(r) and '<option value="1" selected>是</option>' in html(r)
    # a 品目 of the 集中采购目录 is 是 at any amount
    r = gov_hint(proj, **{"line-category": str(cat("A02010104").pk), "line-unit_price": "1000"})
    assert 'data-forced="1"' in html(r) and "集中采购目录" in html(r) and "台式计算机" in html(r)
    assert client_for(proj.reviewer).post("/projects/gov-check/", form_post(proj)).status_code == 403
    assert client_for(None).post("/projects/gov-check/", form_post(proj)).status_code == 302


def test_implementation_form_hint_is_the_services_rule_out_of_band(proj):
    """The 实施形式 hint comes with the 是否政府采购 field, from services.check_implementation_form (no rule in JS)."""
    def hint(form, **over):
        page = html(gov_hint(proj, implementation_form=form, **over))
        oob = page[page.index('id="form-check"'):]
        assert 'hx-swap-oob="true"' in oob
        return oob

    assert "保存时按实施形式规则校验" in hint("general")
    assert "合同续签仅适用于服务类项目" in hint("renewal")
    assert "网上超市仅适用于货物、服务类项目" in hint("mall", procurement_kind="works")
    assert "自行采购仅适用于未达到分散采购限额" in hint("self", **{"line-unit_price": "1000000"})
    assert "保存时按实施形式规则校验" in hint("bogus")  # not a form: nothing judged


def test_the_form_page_renders_the_same_hint(proj):
    page = html(client_for(proj.clerk).get("/projects/new/general/"))
    assert 'id="gov-field"' in page and 'hx-post="/projects/gov-check/"' in page
    # an edited project that was forced to 是 by its amount is not a declaration: 否 once the amount drops
    big = services_save_big(proj)
    page = html(client_for(proj.clerk).get(f"/projects/{big.pk}/edit/"))
    assert 'data-forced="1"' in page and '<option value="0" selected>否</option>' in page


def services_save_big(proj):
    from .support import make_indicator

    ind = make_indicator(proj.unit, "3000000")
    return save(proj.clerk, indicator=ind, amount="1000000")


# ---- 金额, 可用金额, 使用后剩余 and the totals: the server's, through htmx (issue 7 item 6) -------------------------


def money_hint(user, data):
    return client_for(user).post("/projects/money-check/", data, HTTP_HX_REQUEST="true")


def test_money_hint_is_the_servers_arithmetic_on_the_ledger(proj):
    from budgets import ledger

    other = submitted(proj.clerk, indicator=proj.ind, amount="250000")  # another project holds some of it
    assert ledger.held(ledger.holder_key(other)) == {proj.ind.pk: Decimal("250000")}
    data = form_post(proj, **{
        "line-category": [str(cat("A05010300").pk), ""], "line-item_name": ["会议椅", ""],
        "line-quantity": ["1.005", ""], "line-measure_unit": ["把", ""], "line-unit_price": ["1", ""],
        "fund-indicator": [str(proj.ind.pk), str(proj.ind2.pk), str(proj.ind.pk), ""],
        "fund-amount": ["0.1", "300000.01", "0.2", "5"]})
    r = money_hint(proj.clerk, data)
    page = html(r)
    assert r.status_code == 200
    # 1.005 × 1 = 1.01 (ROUND_HALF_UP, as the save); an empty row is 0.00 and keeps its place
    assert live_cell(page, "content", 1, "amount") == "1.01" and live_cell(page, "content", 2, "amount") == "0.00"
    assert '<b id="content-total" hx-swap-oob="true">1.01</b>' in page
    # 可用金额 from the ledger (1,000,000 − 250,000 held); 使用后剩余 counts every row on the same indicator
    assert live_cell(page, "fund", 1, "available") == "750,000.00" == live_cell(page, "fund", 3, "available")
    assert live_cell(page, "fund", 1, "remaining") == "749,999.70" == live_cell(page, "fund", 3, "remaining")
    assert live_cell(page, "fund", 2, "remaining") == "-0.01（超出可用金额）"
    assert 'class="col-money fund-remaining over" data-col="remaining" title="第2行：指标「教育信息化专项' in page
    assert "可用金额 300,000.00 元，不足本次使用的 300,000.01 元。" in page  # the save's own message
    assert live_cell(page, "fund", 4, "available") == "—" and live_cell(page, "fund", 4, "remaining") == "—"
    assert '<b id="fund-total" hx-swap-oob="true">300,005.31</b>' in page
    assert re.search(r'<td colspan="2" id="fund-check" class="check-bad" hx-swap-oob="true">'
                     r'与项目金额（1.01 元）不一致</td>', page)
    ok = money_hint(proj.clerk, form_post(proj))  # 10 × 100 paid by 1000 from one indicator
    assert '<td colspan="2" id="fund-check" class="check-ok" hx-swap-oob="true">与项目金额一致</td>' in html(ok)


def test_money_hint_shows_nothing_of_another_units_indicator(proj):
    from .support import make_indicator

    elsewhere = make_indicator(proj.w.jx_unit, "500000", pro_name="南昌市外单位经费")
    for foreign in (proj.sub_ind, elsewhere):  # a subordinate's, another region's: as if it did not exist
        page = html(money_hint(proj.clerk, form_post(proj, **{"fund-indicator": [str(foreign.pk)],
                                                              "fund-amount": ["1000"]})))
        assert live_cell(page, "fund", 1, "available") == "—" and live_cell(page, "fund", 1, "remaining") == "—"
        assert "500,000" not in page and "499,000" not in page and foreign.pro_name not in page


@pytest.mark.parametrize("value", ["abc", "-1", "0", "1e999999", "NaN", "Infinity", "99999999999999999999999",
                                   "1.2.3", "1" * 400, "<b>x</b>"])
def test_money_hint_never_fails_on_bad_input(proj, value):
    data = form_post(proj, **{"line-quantity": [value, "1e999999"], "line-unit_price": [value, "1e999999"],
                              "line-category": [value, ""], "line-item_name": ["", ""], "line-measure_unit": ["", ""],
                              "fund-indicator": [value, str(proj.ind.pk)], "fund-amount": [value, value]})
    r = money_hint(proj.clerk, data)
    page = html(r)
    assert r.status_code == 200 and "<b>x</b>" not in page
    assert live_cell(page, "content", 1, "amount") == "0.00" and live_cell(page, "content", 2, "amount") == "0.00"
    assert live_cell(page, "fund", 1, "available") == "—"
    assert live_cell(page, "fund", 2, "available") == "1,000,000.00"
    empty = money_hint(proj.clerk, {})  # nothing posted: no rows, zero totals
    assert empty.status_code == 200 and '<b id="content-total" hx-swap-oob="true">0.00</b>' in html(empty)


def test_money_hint_rights(proj):
    assert money_hint(proj.reviewer, form_post(proj)).status_code == 403
    assert client_for(None).post("/projects/money-check/", form_post(proj)).status_code == 302
    assert client_for(proj.clerk).get("/projects/money-check/").status_code == 405


def test_the_form_page_asks_the_server_for_its_money_cells(proj):
    page = html(client_for(proj.clerk).get("/projects/new/general/"))
    assert page.count('hx-post="/projects/money-check/"') == 2  # 采购内容清单 and 项目资金构成
    assert page.count('id="form-check"') == 1 and 'hx-swap-oob' not in page
    assert "toCents" not in page and "recalc" not in page and "renumber" not in page  # no arithmetic in the page
    # the 品目 of every 采购类别, grouped for the 采购类别 field to show one group (data-filter-by)
    assert 'data-filter-by="procurement-kind"' in page and '<optgroup label="货物" data-filter="goods">' in page
