"""Pages of the requests on a project and of 实施形式变更, through django.test.Client: the right role gets each page
and action, a wrong role 403, another unit 404, anonymous the login page; forms show errors beside the fields
and save nothing."""

import re

import pytest
from django.contrib.messages import get_messages

from budgets import ledger
from core.testing import client_for
from projects.models import ProjectRequest
from workflow import engine
from workflow.models import Status

from .support import live_cell, upload
from .test_request_support import D, approved_project, indicator, leader, mark_contract_filed, mark_used

pytestmark = pytest.mark.django_db

REVOKE, CHANGE, CLOSE = ProjectRequest.KIND_REVOKE, ProjectRequest.KIND_CHANGE, ProjectRequest.KIND_CLOSE
ADD, RECLAIM, REPLACE = ProjectRequest.KIND_FUND_ADD, ProjectRequest.KIND_FUND_RECLAIM, ProjectRequest.KIND_FUND_REPLACE


@pytest.fixture
def env(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    w = world
    w.leader = leader(w.dept)
    w.ind1 = indicator(w.dept, "500000", name="办公设备购置")
    w.ind2 = indicator(w.dept, "300000", name="信息化建设")
    w.ind3 = indicator(w.dept, "100000", name="专项经费")
    w.project = approved_project(w.dept_clerk, {w.ind1: "200000", w.ind2: "100000"}, name="教育厅办公设备采购")
    return w


def html(resp) -> str:
    return resp.content.decode()


def main(resp) -> str:
    """The page's content area (the top bar and menu name the user's own unit)."""
    m = re.search(r'<main class="content">(.*)</main>', html(resp), re.S)
    assert m, "no main content"
    return m.group(1)


def rows(page: str, css: str) -> int:
    """Rows of an inline table (not counting the <template> row used by 新增一行)."""
    return re.sub(r"<template.*?</template>", "", page, flags=re.S).count(f'class="{css}"')


def flashed(resp) -> list[str]:
    return [str(m) for m in get_messages(resp.wsgi_request)]


def assert_login_redirect(resp):
    assert resp.status_code == 302 and resp["Location"].startswith("/login/?next=")


def new_url(project, kind):
    return f"/projects/requests/new/{project.pk}/{kind}/"


def detail_url(req):
    return f"/projects/requests/{req.pk}/"


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def line_post(total) -> dict:
    """One 采购内容清单 row of the new 项目金额, as the 追加 / 回收 form posts it."""
    from .test_request_support import category

    return {"line-category": [str(category().pk)], "line-item_name": ["台式计算机"], "line-quantity": ["1"],
            "line-measure_unit": ["批"], "line-unit_price": [str(total)]}


def make_request(w, kind=REVOKE, **kw):
    from projects import request_kinds as rq

    kw.setdefault("reason", "测试原因")
    if kind in rq.REQUIRED_ATTACHMENTS and "attachment_ids" not in kw:
        kw["attachment_ids"] = [upload(w.dept_clerk, rq.REQUIRED_ATTACHMENTS[kind]).pk]
    return rq.request_create(actor=w.dept_clerk, project=kw.pop("project", w.project), kind=kind, **kw)


# ---- 新增 -------------------------------------------------------------------------------------------------


def test_new_request_page_scope(env):
    url = new_url(env.project, REVOKE)
    assert client_for(env.dept_clerk).get(url).status_code == 200
    for user in (env.dept_reviewer, env.leader, env.fj_reg):  # sees the project, may not ask
        assert client_for(user).get(url).status_code == 403, user
    for user in (env.fz_clerk, env.jx_reg, env.sub1_clerk):  # the project is outside their scope
        assert client_for(user).get(url).status_code == 404, user
    assert_login_redirect(client_for(None).get(url))
    assert client_for(env.dept_clerk).get(new_url(env.project, "delete")).status_code == 404


def test_revoke_saved_then_submitted_from_the_form(env):
    resp = client_for(env.dept_clerk).get(new_url(env.project, REVOKE))
    page = main(resp)
    assert "撤销原因" in page and env.project.number in page and "未使用" in page
    note = upload(env.dept_clerk, "项目撤销说明附件")
    resp = client_for(env.dept_clerk).post(new_url(env.project, REVOKE), {"reason": "项目取消", "save": "1",
                                                               "attachment_ids": [note.pk]})
    req = ProjectRequest.objects.get()
    assert resp.status_code == 302 and resp["Location"] == detail_url(req)
    assert req.status == Status.DRAFT and req.kind == REVOKE
    page = main(client_for(env.dept_clerk).get(detail_url(req)))
    assert "项目取消" in page and "提交</button>" in page and "放弃申请" in page


def test_revoke_without_its_attachment_is_refused_beside_the_field(env):
    page = main(client_for(env.dept_clerk).get(new_url(env.project, REVOKE)))
    assert "项目撤销说明附件" in page and 'data-field-name="attachment_ids"' in page
    resp = client_for(env.dept_clerk).post(new_url(env.project, REVOKE), {"reason": "项目取消", "save": "1"})
    assert resp.status_code == 200 and not ProjectRequest.objects.exists()
    assert "撤销申请须上传项目撤销说明附件。" in main(resp)
    note = upload(env.dept_clerk, "项目撤销说明附件")
    resp = client_for(env.dept_clerk).post(new_url(env.project, REVOKE), {"reason": "项目取消", "attachment_ids": [note.pk],
                                                               "save": "1"})
    req = ProjectRequest.objects.get()
    assert resp.status_code == 302 and fresh(note).object_id == req.pk
    page = main(client_for(env.dept_clerk).get(f"/projects/requests/{req.pk}/edit/"))
    assert f'hx-post="/attachments/{note.pk}/delete/"' in page  # removable while the request is edited
    assert note.original_name in main(client_for(env.leader).get(detail_url(req)))


def test_a_refused_kind_shows_why_and_no_form(env):
    mark_used(env.project)
    resp = client_for(env.dept_clerk).get(new_url(env.project, REVOKE))
    assert resp.status_code == 200
    page = main(resp)
    assert "项目已被使用，不能撤销" in page and "<form method=\"post\" class=\"form" not in page
    resp = client_for(env.dept_clerk).post(new_url(env.project, REVOKE), {"reason": "x", "submit": "1"})
    assert resp.status_code == 200 and not ProjectRequest.objects.exists()


def test_reason_error_is_shown_beside_the_field(env):
    resp = client_for(env.dept_clerk).post(new_url(env.project, REVOKE), {"reason": "", "save": "1"})
    assert resp.status_code == 200
    assert re.search(r'has-error">\s*<span><i class="req">\*</i>撤销原因|has-error">\s*<span>撤销原因', html(resp))
    assert "请填写撤销原因。" in html(resp)
    assert not ProjectRequest.objects.exists()


def test_fund_add_without_budget_office_keeps_the_rows_and_saves_nothing(env):
    mark_used(env.project)
    resp = client_for(env.dept_clerk).post(new_url(env.project, ADD), {
        "reason": "追加", "budget_office": "", "move-indicator": [str(env.ind3.pk)], "move-amount": ["50000"],
        "submit": "1"})
    assert resp.status_code == 200
    page = main(resp)
    assert "资金追加须选择指标管理处室。" in page
    assert re.search(rf'<option value="{env.ind3.pk}"[^>]* selected>', page)
    assert re.search(r'data-col="room"[^>]*>100,000.00</td>', page)  # its 可用金额, from the server
    assert 'value="50000"' in page
    assert not ProjectRequest.objects.exists()


def test_fund_add_over_available_is_refused_at_submit_and_nothing_is_saved(env):
    mark_used(env.project)
    # 保存 alone would pass (the amount is available); the money goes before 提交
    data = {"reason": "追加", "budget_office": "教科文处", "move-indicator": [str(env.ind3.pk)],
            "move-amount": ["80000"], "submit": "1", **line_post("380000")}
    approved_project(env.dept_clerk, {env.ind3: "50000"})
    resp = client_for(env.dept_clerk).post(new_url(env.project, ADD), data)
    assert resp.status_code == 200
    assert "可用金额 50,000.00 元，不足 80,000.00 元" in main(resp)
    assert not ProjectRequest.objects.exists()


def test_reclaim_more_than_held_shows_the_row_error(env):
    mark_used(env.project)
    page = main(client_for(env.dept_clerk).get(new_url(env.project, RECLAIM)))
    assert rows(page, "move-row") == 2  # prefilled with the project's indicators
    resp = client_for(env.dept_clerk).post(new_url(env.project, RECLAIM), {
        "reason": "结余回收", "move-indicator": [str(env.ind1.pk), str(env.ind2.pk)], "move-amount": ["", "100000.01"],
        "save": "1"})
    assert resp.status_code == 200
    assert "第1行：回收金额不能超过项目在该指标上的占用金额 100,000.00 元。" in main(resp)
    assert not ProjectRequest.objects.exists()
    resp = client_for(env.dept_clerk).post(new_url(env.project, RECLAIM), {
        "reason": "结余回收", "move-indicator": [str(env.ind1.pk), str(env.ind2.pk)], "move-amount": ["", "30000"],
        "submit": "1", **line_post("270000")})
    req = ProjectRequest.objects.get()
    assert resp.status_code == 302 and req.status == Status.PENDING
    assert [(m.indicator_id, m.amount) for m in req.fund_moves.all()] == [(env.ind2.pk, D("30000"))]


def test_change_form_is_prefilled_and_its_detail_shows_old_to_new(env):
    page = main(client_for(env.dept_clerk).get(new_url(env.project, CHANGE)))
    assert 'value="教育厅办公设备采购"' in page and 'value="台式计算机"' in page
    assert rows(page, "fund-row") == 2
    line = env.project.content_lines.get()
    data = {"reason": "需求调整", "name": "教育厅办公设备采购（二期）", "summary": env.project.summary,
            "contact_name": "张三", "contact_phone": "0591-88888888",
            "line-category": [str(line.category_id), str(line.category_id)],
            "line-item_name": ["台式计算机", "便携式计算机"], "line-quantity": ["40", "20"],
            "line-measure_unit": ["台", "台"], "line-unit_price": ["5000", "5000"],
            "fund-indicator": [str(env.ind1.pk), str(env.ind2.pk)], "fund-amount": ["200000.00", "100000.00"],
            "submit": "1"}
    resp = client_for(env.dept_clerk).post(new_url(env.project, CHANGE), data)
    req = ProjectRequest.objects.get()
    assert resp.status_code == 302, main(resp)
    assert set(req.proposed) == {"name", "content_lines", "is_gov_procurement"}  # only what changes
    page = main(client_for(env.leader).get(detail_url(req)))
    assert "<del>教育厅办公设备采购</del>" in page and "<ins>教育厅办公设备采购（二期）</ins>" in page
    assert "便携式计算机" in page and "原清单（合计 300,000.00 元）" in page
    assert "审核</button>" in page


def test_change_mismatched_total_is_shown_and_nothing_saved(env):
    line = env.project.content_lines.get()
    resp = client_for(env.dept_clerk).post(new_url(env.project, CHANGE), {
        "reason": "调整", "name": env.project.name, "line-category": [str(line.category_id)],
        "line-item_name": ["台式计算机"], "line-quantity": ["10"], "line-measure_unit": ["台"],
        "line-unit_price": ["5000"], "fund-indicator": [str(env.ind1.pk), str(env.ind2.pk)],
        "fund-amount": ["200000", "100000"], "save": "1"})
    assert resp.status_code == 200
    assert "不一致" in main(resp) and 'value="10"' in main(resp)
    assert not ProjectRequest.objects.exists()


# ---- the live cells of a request's form (金额, 可用金额, 使用后剩余, 项目占用, totals): the server's, through htmx --


def money_url(project, kind):
    return f"/projects/requests/money-check/{project.pk}/{kind}/"


def test_request_money_cells_count_the_projects_own_holding(env):
    page = main(client_for(env.dept_clerk).get(new_url(env.project, CHANGE)))
    assert page.count(f'hx-post="{money_url(env.project, CHANGE)}"') == 2  # 采购内容清单, 项目资金构成
    assert re.search(r'data-col="available"[^>]*>500,000.00</td>', page)  # drawn with the page, the same sum
    data = {**line_post("300000"), "fund-indicator": [str(env.ind1.pk), str(env.ind3.pk)],
            "fund-amount": ["250000", "50000"]}
    r = client_for(env.dept_clerk).post(money_url(env.project, CHANGE), data)
    page = html(r)
    assert r.status_code == 200
    # 办公设备购置: 300,000 left on the indicator + the 200,000 the project itself holds
    assert live_cell(page, "fund", 1, "available") == "500,000.00"
    assert live_cell(page, "fund", 1, "remaining") == "250,000.00"
    assert live_cell(page, "fund", 2, "available") == "100,000.00"
    assert live_cell(page, "content", 1, "amount") == "300,000.00"
    assert 'id="fund-check" class="check-ok" hx-swap-oob="true">与项目金额一致<' in page
    # 回收: what the project holds on each row's indicator; 追加: what the target indicator has
    page = html(client_for(env.dept_clerk).post(money_url(env.project, RECLAIM), {
        "move-indicator": [str(env.ind1.pk), str(env.ind2.pk)], "move-amount": ["", "30000"]}))
    assert live_cell(page, "move", 1, "held") == "200,000.00" and live_cell(page, "move", 2, "held") == "100,000.00"
    assert '<b id="move-total" hx-swap-oob="true">30,000.00</b>' in page and "content-total" not in page
    page = html(client_for(env.dept_clerk).post(money_url(env.project, ADD), {
        "move-indicator": [str(env.ind3.pk), "abc"], "move-amount": ["80000", "1e999999"], **line_post("1e999999")}))
    assert live_cell(page, "move", 1, "room") == "100,000.00" and live_cell(page, "move", 2, "room") == "—"
    assert live_cell(page, "content", 1, "amount") == "0.00"  # bad input: nothing computed, no error


def test_request_money_cells_scope(env):
    url, data = money_url(env.project, CHANGE), {"fund-indicator": [str(env.ind1.pk)], "fund-amount": ["1"]}
    for user in (env.fz_clerk, env.sub1_clerk, env.jx_clerk, env.fz_reg):
        assert client_for(user).post(url, data).status_code == 404, user
    assert client_for(env.dept_reviewer).post(url, data).status_code == 403
    assert_login_redirect(client_for(None).post(url, data))
    assert client_for(env.dept_clerk).post(money_url(env.project, "bogus"), data).status_code == 404
    assert client_for(env.dept_clerk).post("/projects/requests/money-check/2000000000/change/", data).status_code == 404
    assert client_for(env.dept_clerk).get(url).status_code == 405


# ---- detail, actions, edit, discard ---------------------------------------------------------------------


def test_request_detail_scope(env):
    req = make_request(env)
    url = detail_url(req)
    for user in (env.dept_clerk, env.dept_reviewer, env.leader, env.dept_competent, env.fj_reg):
        assert client_for(user).get(url).status_code == 200, user
    for user in (env.fz_clerk, env.sub1_clerk, env.jx_reg, env.fz_reg):
        assert client_for(user).get(url).status_code == 404, user
    assert_login_redirect(client_for(None).get(url))
    assert client_for(env.dept_clerk).get("/projects/requests/999999/").status_code == 404


def test_revoke_through_the_leader_releases_the_money(env):
    req = make_request(env)
    assert client_for(env.dept_clerk).post(detail_url(req) + "submit/", {"version": req.version}).status_code == 302
    req = fresh(req)
    assert req.status == Status.PENDING
    # the clerk's 工作台 shows it with 撤回
    work = main(client_for(env.dept_clerk).get("/"))
    assert req.number in work and "撤回" in work
    # the reviewer is not the 需求领导; another unit does not see it; GET is not an action
    assert client_for(env.dept_reviewer).post(detail_url(req) + "approve/", {"version": req.version}).status_code == 403
    assert client_for(env.fz_clerk).post(detail_url(req) + "approve/", {"version": req.version}).status_code == 404
    assert client_for(env.leader).get(detail_url(req) + "approve/").status_code == 405
    assert client_for(env.leader).post(detail_url(req) + "publish/", {"version": req.version}).status_code == 404  # no such action
    assert req.number in main(client_for(env.leader).get("/"))  # in the leader's 待处理
    resp = client_for(env.leader).post(detail_url(req) + "approve/", {"version": req.version, "opinion": "同意撤销"})
    assert resp.status_code == 302 and "审核通过。" in flashed(resp)
    project = fresh(env.project)
    assert project.revoked_at is not None and ledger.held(ledger.holder_key(project)) == {}
    assert fresh(env.ind1).available == D("500000")
    page = main(client_for(env.dept_clerk).get(detail_url(req)))
    assert "同意撤销" in page and "已办结" in page


def test_withdraw_a_pending_revoke(env):
    req = make_request(env)
    client_for(env.dept_clerk).post(detail_url(req) + "submit/", {"version": req.version})
    req = fresh(req)
    assert client_for(env.leader).post(detail_url(req) + "withdraw/", {"version": req.version}).status_code == 403
    resp = client_for(env.dept_clerk).post(detail_url(req) + "withdraw/", {"version": req.version})
    assert resp.status_code == 302 and fresh(req).status == Status.WITHDRAWN
    project = fresh(env.project)
    assert project.revoked_at is None and fresh(env.ind1).reserved == D("200000")


def test_self_approval_button_is_not_shown_and_the_url_is_forbidden(env):
    from orgs.models import Role
    from orgs.testing import make_user
    from projects import request_kinds as rq

    both = make_user("dept_clerk_leader", env.dept, Role.CLERK, Role.LEADER)
    req = rq.request_create(actor=both, project=env.project, kind=REVOKE, reason="撤销",
                            attachment_ids=[upload(both, rq.REQUIRED_ATTACHMENTS[REVOKE]).pk])
    client_for(both).post(detail_url(req) + "submit/", {"version": req.version})
    req = fresh(req)
    page = main(client_for(both).get(detail_url(req)))
    assert "审核</button>" not in page and "撤回" in page
    assert client_for(both).post(detail_url(req) + "approve/", {"version": req.version}).status_code == 403
    assert fresh(env.project).revoked_at is None


def test_edit_and_discard(env):
    req = make_request(env)
    edit = detail_url(req) + "edit/"
    assert client_for(env.dept_clerk).get(edit).status_code == 200
    assert client_for(env.leader).get(edit).status_code == 403
    assert client_for(env.fz_clerk).get(edit).status_code == 404
    resp = client_for(env.dept_clerk).post(edit, {"reason": "改写的原因", "version": req.version, "save": "1"})
    assert resp.status_code == 302 and fresh(req).reason == "改写的原因"
    # a stale form is refused with a message
    resp = client_for(env.dept_clerk).post(edit, {"reason": "再改", "version": req.version, "save": "1"})
    assert resp.status_code == 200 and "单据已被他人处理" in main(resp)
    assert client_for(env.leader).post(detail_url(req) + "discard/").status_code == 403
    assert client_for(env.dept_clerk).get(detail_url(req) + "discard/").status_code == 405
    resp = client_for(env.dept_clerk).post(detail_url(req) + "discard/", {"version": fresh(req).version})
    assert resp.status_code == 302 and fresh(req).status == Status.WITHDRAWN
    assert "已放弃。" in flashed(resp)  # the kit's message for 放弃


def test_fund_add_through_the_leader_on_a_used_project(env):
    mark_used(env.project)
    resp = client_for(env.dept_clerk).post(new_url(env.project, ADD), {
        "reason": "追加采购数量", "budget_office": "教科文处", "move-indicator": [str(env.ind3.pk)],
        "move-amount": ["60000"], "submit": "1", **line_post("360000")})
    req = ProjectRequest.objects.get()
    assert resp.status_code == 302 and req.status == Status.PENDING
    page = main(client_for(env.leader).get(detail_url(req)))
    assert "教科文处" in page and "60,000.00" in page
    client_for(env.leader).post(detail_url(req) + "approve/", {"version": req.version})
    assert ledger.held(ledger.holder_key(env.project))[env.ind3.pk] == D("60000")


# ---- the buttons on the project page ---------------------------------------------------------------------


def buttons(user, project):
    return client_for(user).get(f"/projects/requests/buttons/{project.pk}/")


def test_project_detail_loads_the_request_panel(env):
    page = html(client_for(env.dept_clerk).get(f"/projects/{env.project.pk}/"))
    assert f'hx-get="/projects/requests/buttons/{env.project.pk}/"' in page


def test_buttons_follow_the_rules(env):
    p = env.project
    page = html(buttons(env.dept_clerk, p))
    assert ">撤销</a>" in page and ">变更</a>" in page and ">资金追加</a>" not in page and ">结项</a>" not in page
    assert "变更实施形式" in page
    mark_used(p)
    page = html(buttons(env.dept_clerk, p))
    assert ">撤销</a>" not in page and ">变更</a>" not in page
    assert ">资金替换</a>" in page and ">资金追加</a>" in page and ">资金回收</a>" in page and ">结项</a>" not in page
    mark_contract_filed(p)
    assert ">结项</a>" in html(buttons(env.dept_clerk, p))
    req = make_request(env, CLOSE, project=fresh(p))
    page = html(buttons(env.dept_clerk, p))
    assert "<a class=\"btn" not in page and req.number in page and "未办结的结项申请" in page
    # other roles see the requests, never the buttons
    page = html(buttons(env.leader, p))
    assert req.number in page and 'class="actions request-buttons"' not in page
    assert buttons(env.fz_clerk, p).status_code == 404
    assert_login_redirect(buttons(None, p))


def test_closed_project_shows_no_fund_buttons(env):
    from projects import request_kinds as rq

    mark_contract_filed(mark_used(env.project))
    req = make_request(env, CLOSE)
    engine.submit(req, env.dept_clerk)
    engine.approve(fresh(req), env.leader)
    assert rq.allowed_requests(env.dept_clerk, fresh(env.project)) == []
    page = html(buttons(env.dept_clerk, env.project))
    assert "已结项" in page and ">资金追加</a>" not in page


# ---- 实施形式变更 -----------------------------------------------------------------------------------------


def test_form_change_list_scope_and_rows(env):
    other = approved_project(env.sub1_clerk, {indicator(env.sub1, "100000"): "50000"}, name="考试院项目")
    resp = client_for(env.dept_clerk).get("/projects/form-change/")
    assert resp.status_code == 200
    page = main(resp)
    assert "教育厅办公设备采购" in page and "一般项目采购" in page and "变更实施形式" in page
    assert "考试院项目" not in page and other.number not in page
    for user in (env.dept_reviewer, env.leader, env.fj_reg):
        assert client_for(user).get("/projects/form-change/").status_code == 403, user
    assert_login_redirect(client_for(None).get("/projects/form-change/"))
    mark_used(env.project)
    page = main(client_for(env.dept_clerk).get("/projects/form-change/?tab=all"))
    assert "教育厅办公设备采购" in page and "已使用" in page and "变更实施形式</a>" not in page


def test_form_change_refused_shows_the_reason_and_keeps_the_choice(env):
    big = approved_project(env.dept_clerk, {indicator(env.dept, "2000000"): "1200000"}, name="大额设备采购")
    url = f"/projects/form-change/{big.pk}/"
    assert client_for(env.dept_clerk).get(url).status_code == 200
    resp = client_for(env.dept_clerk).post(url, {"implementation_form": "self"})
    assert resp.status_code == 200
    page = main(resp)
    assert "自行采购仅适用于未达到分散采购限额的项目" in page
    assert re.search(r'<option value="self" selected>自行采购</option>', page)
    assert fresh(big).implementation_form == "general"


def test_form_change_allowed_is_saved(env):
    url = f"/projects/form-change/{env.project.pk}/"
    resp = client_for(env.dept_clerk).post(url, {"implementation_form": "mall"})
    assert resp.status_code == 302 and resp["Location"] == "/projects/form-change/"
    assert fresh(env.project).implementation_form == "mall"
    assert "实施形式已变更为「网上超市」。" in flashed(resp)
    assert "网上超市" in main(client_for(env.dept_clerk).get(url))  # the history


def test_form_change_scope(env):
    url = f"/projects/form-change/{env.project.pk}/"
    for user in (env.dept_reviewer, env.leader, env.fj_reg):
        assert client_for(user).get(url).status_code == 403, user
        assert client_for(user).post(url, {"implementation_form": "self"}).status_code == 403, user
    for user in (env.fz_clerk, env.jx_reg):
        assert client_for(user).get(url).status_code == 404, user
    assert_login_redirect(client_for(None).get(url))
    assert fresh(env.project).implementation_form == "general"
    mark_used(env.project)
    resp = client_for(env.dept_clerk).post(url, {"implementation_form": "self"})
    assert resp.status_code == 200 and "项目已被使用，不能变更实施形式。" in main(resp)
    assert fresh(env.project).implementation_form == "general"


def test_submitting_a_request_on_a_moved_indicator_flashes_the_row_message(env):
    mark_used(env.project)
    req = make_request(env, REPLACE, moves=[{"from_indicator": env.ind2.pk, "indicator": env.ind3.pk,
                                             "amount": "70000"}])
    type(env.ind3).objects.filter(pk=env.ind3.pk).update(unit=env.sub1)
    resp = client_for(env.dept_clerk).post(detail_url(req) + "submit/", {"version": req.version})
    assert resp.status_code == 302 and fresh(req).status == Status.DRAFT
    assert any("第1行" in m and "不属于本单位" in m for m in flashed(resp)), flashed(resp)


def test_reclaim_form_adjusts_the_content_lines_and_the_detail_totals_the_rows(env):
    mark_used(env.project)
    page = main(client_for(env.dept_clerk).get(new_url(env.project, RECLAIM)))
    assert rows(page, "line-row") == 1 and "调整为资金回收后的清单" in page  # prefilled with the project's lines
    data = {"reason": "结余回收", "move-indicator": [str(env.ind1.pk), str(env.ind2.pk)],
            "move-amount": ["", "30000"], "submit": "1"}
    resp = client_for(env.dept_clerk).post(new_url(env.project, RECLAIM), {**data, **line_post("300000")})
    assert resp.status_code == 200 and not ProjectRequest.objects.exists()
    assert "采购内容清单合计 300,000.00 元与资金回收后的项目金额 270,000.00 元不一致" in main(resp)
    resp = client_for(env.dept_clerk).post(new_url(env.project, RECLAIM), {**data, **line_post("270000")})
    req = ProjectRequest.objects.get()
    assert resp.status_code == 302
    assert "项目调整（原 → 新）" in main(client_for(env.leader).get(detail_url(req)))
    client_for(env.leader).post(detail_url(req) + "approve/", {"version": fresh(req).version})
    page = main(client_for(env.dept_clerk).get(f"/projects/{env.project.pk}/"))
    content = page.split('id="sec-content"')[1].split("</section>")[0]
    assert "<b>270,000.00</b>" in content  # 合计 = the rows = 项目金额


def test_detail_total_row_sums_the_lines(env):
    from projects.models import Project

    Project.objects.filter(pk=env.project.pk).update(total_amount=D("999"))  # a 项目金额 out of step with the rows
    page = main(client_for(env.dept_clerk).get(f"/projects/{env.project.pk}/"))
    content = page.split('id="sec-content"')[1].split("</section>")[0]
    assert "<b>300,000.00</b>" in content and "999.00" not in content


# ---- a pending / approved 撤销 in the lists (issue 6 item 13) ----------------------------------------------


def test_pending_revoke_is_under_todo_with_withdraw_and_revoked_shows_revoked_everywhere(env):
    import io

    import openpyxl

    from projects import selectors

    req = make_request(env, REVOKE)
    client_for(env.dept_clerk).post(detail_url(req) + "submit/", {"version": req.version})
    assert env.project in selectors.projects_for(env.dept_clerk, tab=selectors.TODO)
    page = main(client_for(env.dept_clerk).get("/projects/?tab=todo"))
    row = re.search(rf'<tr data-project-id="{env.project.pk}">(.*?)</tr>', page, re.S).group(1)
    assert "撤销审核中" in row and f'action="/projects/requests/{req.pk}/withdraw/"' in row and "撤回" in row
    client_for(env.leader).post(detail_url(req) + "approve/", {"version": fresh(req).version})
    p = fresh(env.project)
    assert p.revoked_at is not None and p.status_text == "已撤销"
    assert p not in selectors.projects_for(env.dept_clerk, tab=selectors.TODO)
    assert p not in selectors.projects_for(env.dept_clerk, tab=selectors.DONE)
    assert p in selectors.projects_for(env.dept_clerk, tab=selectors.REVOKED)
    page = main(client_for(env.dept_clerk).get("/projects/?tab=done"))
    assert re.search(r"已办结<span class=\"count\">0</span>", page) and "已撤销<span class=\"count\">1</span>" in page
    page = main(client_for(env.dept_clerk).get("/projects/?tab=revoked"))
    row = re.search(rf'<tr data-project-id="{p.pk}">(.*?)</tr>', page, re.S).group(1)
    assert "已撤销" in row and "已办结" not in row
    for url in ("/projects/?tab=revoked&export=xlsx", "/projects/region/?export=xlsx"):
        user = env.dept_clerk if "region" not in url else env.fj_reg
        ws = openpyxl.load_workbook(io.BytesIO(client_for(user).get(url).content)).active
        states = [r[8] for r in ws.values][1:]
        assert states == ["已撤销"], (url, states)
    region = main(client_for(env.fj_reg).get("/projects/region/"))
    assert "已撤销" in region and "已办结<span" in region


# ---- 项目申请审核: the leader's list (issue 6 item 14) -----------------------------------------------------------


def test_leader_review_list_shows_what_waits_for_them_in_scope(env):
    from orgs.models import Role
    from orgs.testing import make_user

    url = "/projects/requests/review/"
    req = make_request(env, REVOKE)
    client_for(env.dept_clerk).post(detail_url(req) + "submit/", {"version": req.version})
    page = main(client_for(env.leader).get(url))
    assert req.number in page and "撤销" in page and f"/projects/requests/{req.pk}/" in page
    assert "项目申请审核" in html(client_for(env.leader).get("/"))  # the leader's menu entry
    # the unit has a leader: its reviewer does not see it; nor does a leader elsewhere
    assert req.number not in main(client_for(env.dept_reviewer).get(url))
    other_leader = make_user("sub1_leader", env.sub1, Role.LEADER)
    assert req.number not in main(client_for(other_leader).get(url))
    for user in (env.dept_clerk, env.fj_reg):
        assert client_for(user).get(url).status_code == 403, user
    assert_login_redirect(client_for(None).get(url))
    client_for(env.leader).post(detail_url(req) + "approve/", {"version": fresh(req).version})
    assert req.number not in main(client_for(env.leader).get(url))


def test_todo_lists_only_what_the_user_can_act_on(env):
    """A discarded (放弃) request is closed: not in 待处理 and not editable; every 待处理 row has an action."""
    from portal.selectors import todo_items

    req = make_request(env, REVOKE)
    engine.discard(req, env.dept_clerk)
    assert engine.available_actions(env.dept_clerk, fresh(req)) == set()
    assert [i["doc"] for i in todo_items(env.dept_clerk) if i["doc"] == fresh(req)] == []
    live = make_request(env, REVOKE)
    for user in (env.dept_clerk, env.leader, env.dept_reviewer, env.fj_reg):
        for item in todo_items(user):
            assert engine.available_actions(user, item["doc"]), (user, item["doc"])
    assert live in [i["doc"] for i in todo_items(env.dept_clerk)]
