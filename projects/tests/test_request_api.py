"""The requests on a project over JSON: the kit's generated endpoints (workflow.kit.requests) for every kind of
projects.request_kinds. Each kind's allowed path (新增 → 提交 → 需求领导审核通过, its effect on the project) and its
main refusals; the order scope 404 → right 403 → body 422 → engine 409/422; line-table errors keyed and worded as
on the page (one parser); the OpenAPI body of every kind, its example valid against it."""

import re

import jsonschema_rs
import pytest

from budgets import ledger
from core.testing import api_call, client_for
from projects import request_kinds as rq
from projects.models import ProjectRequest
from workflow.models import Status

from .support import upload
from .test_request_support import (
    D,
    approved_project,
    category,
    indicator,
    leader,
    mark_contract_filed,
    mark_used,
)

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


def create(w, body=None, user=None, project=None, *, raw=None):
    return api_call(user or w.dept_clerk, "post", f"/api/projects/{(project or w.project).pk}/requests", body, raw=raw)


def act(user, rid, action, **body):
    version = api_call(user, "get", f"/api/projects/requests/{rid}").json()["version"]
    return api_call(user, "post", f"/api/projects/requests/{rid}/{action}", {"version": version, **body})


def ok(resp, status=200) -> dict:
    assert resp.status_code == status, resp.content.decode()[:2000]
    return resp.json()


def errors(resp) -> dict:
    assert resp.status_code == 422, resp.content.decode()[:2000]
    return resp.json()["errors"]


def lines(total, **over) -> list[dict]:
    return [{"category": category().pk, "item_name": "台式计算机", "quantity": "1", "measure_unit": "批",
             "unit_price": str(total), **over}]


def attachment(w, kind) -> int:
    return upload(w.dept_clerk, rq.REQUIRED_ATTACHMENTS[kind]).pk


def held(project) -> dict:
    return ledger.held(ledger.holder_key(project))


# ---- the schema --------------------------------------------------------------------------------------------


def request_bodies():
    from zhengcai.api import api as ninja_api

    paths = ninja_api.get_openapi_schema(path_prefix="/api/")["paths"]
    return (paths["/api/projects/{id}/requests"]["post"]["requestBody"]["content"]["application/json"],
            paths["/api/projects/requests/{id}"]["put"]["requestBody"]["content"]["application/json"])


def test_every_kind_has_a_body_schema_and_its_example_validates(db):
    for media in request_bodies():
        validator = jsonschema_rs.validator_for(media["schema"])
        assert set(media["examples"]) == {k.code for k in rq.REQUESTS.kinds}
        for code, example in media["examples"].items():
            assert validator.is_valid(example["value"]), (code, list(validator.iter_errors(example["value"])))
        assert not validator.is_valid({"reason": "x", "kind": "delete", "version": 1})
    create_media, _ = request_bodies()
    by_kind = {s["properties"]["kind"]["enum"][0]: s for s in create_media["schema"]["oneOf"]}
    change = by_kind[CHANGE]["properties"]
    assert set(change["content_lines"]["items"]["properties"]) == {
        "category", "item_name", "quantity", "measure_unit", "unit_price"}
    assert change["name"]["maxLength"] == 200 and "fund_lines" in change and "attachment_ids" in change
    assert set(by_kind[REPLACE]["properties"]["moves"]["items"]["required"]) == {"indicator", "amount"}
    assert "budget_office" in by_kind[ADD]["properties"] and "content_lines" in by_kind[RECLAIM]["properties"]
    assert not validator.is_valid({**create_media["examples"][CHANGE]["value"], "content_lines": [{"quantity": {}}]})


# ---- 撤销 --------------------------------------------------------------------------------------------------


def test_revoke_saved_submitted_and_approved_by_the_leader(env):
    detail = f"/api/projects/{env.project.pk}"
    assert ok(api_call(env.dept_clerk, "get", detail))["request_kinds"] == [REVOKE, CHANGE]  # not used, not filed
    assert ok(api_call(env.dept_reviewer, "get", detail))["request_kinds"] == []
    assert errors(create(env, {"kind": REVOKE, "reason": "不再实施"})) == {
        "attachments": "撤销申请须上传项目撤销说明附件。"}
    body = ok(create(env, {"kind": REVOKE, "reason": "不再实施", "attachment_ids": [attachment(env, REVOKE)]}), 201)
    assert (body["status"], body["kind_label"], body["actions"]) == ("draft", "撤销", ["discard", "edit", "submit"])
    project = ok(api_call(env.dept_clerk, "get", detail))
    assert (project["open_request_id"], project["request_kinds"]) == (body["id"], [])
    body = ok(act(env.dept_clerk, body["id"], "submit"))
    assert body["status"] == "pending"
    assert act(env.dept_reviewer, body["id"], "approve").status_code == 403  # the unit has a 需求领导
    assert ok(act(env.leader, body["id"], "approve", opinion="同意"))["status"] == "approved"
    env.project.refresh_from_db()
    assert env.project.revoked_at is not None and held(env.project) == {}


def test_revoke_refused_on_a_used_project_and_while_another_request_is_open(env):
    used = approved_project(env.dept_clerk, {env.ind3: "1000"}, used=True)
    r = create(env, {"kind": REVOKE, "reason": "x", "attachment_ids": [attachment(env, REVOKE)]}, project=used)
    assert r.status_code == 422 and r.json()["message"].startswith("项目已被使用，不能撤销")
    first = ok(create(env, {"kind": REVOKE, "reason": "甲", "attachment_ids": [attachment(env, REVOKE)]}), 201)
    r = create(env, {"kind": CHANGE, "reason": "乙"})
    assert r.status_code == 422 and r.json()["message"] == (
        f"该项目已有未办结的撤销申请（{first['number']}），请先办结或放弃该申请。")


# ---- 变更 (two line tables and a form) -------------------------------------------------------------------


def change_body(w, **over):
    body = {"kind": CHANGE, "reason": "需求调整", "name": "教育厅办公设备采购（二期）", "summary": w.project.summary,
            "contact_name": "张三", "contact_phone": "0591-88888888", "content_lines": lines("300000"),
            "fund_lines": [{"indicator": w.ind1.pk, "amount": "200000.00"}, {"indicator": w.ind2.pk,
                                                                              "amount": "100000.00"}]}
    return {**body, **over}


def test_change_line_errors_are_keyed_and_worded_as_on_the_page(env):
    bad = change_body(env, content_lines=lines("300000", quantity="x", item_name=""),
                      fund_lines=[{"indicator": env.ind1.pk, "amount": "1.001"}])
    got = errors(create(env, bad))
    assert got == {"content_lines.0.quantity": "第1行：数量应为数字。", "content_lines.0.item_name": "第1行：请填写标的名称。",
                   "fund_lines.0.amount": "第1行：本次使用金额必须大于0，最多两位小数（元）。"}
    # the page, posting the same rows, shows the same messages (one parser: posted → parse → clean)
    c = client_for(env.dept_clerk)
    page = c.post(f"/projects/requests/new/{env.project.pk}/{CHANGE}/", {
        "reason": "需求调整", "name": bad["name"], "summary": bad["summary"], "contact_name": "张三",
        "contact_phone": "0591-88888888", "line-category": [str(category().pk)], "line-item_name": [""],
        "line-quantity": ["x"], "line-measure_unit": ["批"], "line-unit_price": ["300000"],
        "fund-indicator": [str(env.ind1.pk)], "fund-amount": ["1.001"]}).content.decode()
    assert all(m in page for m in got.values())
    got = errors(create(env, change_body(env, fund_lines=[{"indicator": env.ind1.pk, "amount": "200000"}])))
    assert "与项目金额（采购内容清单合计）300,000.00 元不一致" in got["fund_lines"]
    assert not ProjectRequest.objects.exists()


def test_change_saved_edited_submitted_and_applied(env):
    body = ok(create(env, change_body(env)), 201)
    assert body["proposed"] == {"name": "教育厅办公设备采购（二期）"}  # only what changes
    rid = body["id"]
    new_lines = lines("150000") + lines("150000", item_name="便携式计算机")
    r = api_call(env.dept_clerk, "put", f"/api/projects/requests/{rid}", change_body(env, content_lines=new_lines))
    assert errors(r) == {"version": "请提供读取时的版本号 version。"}
    r = api_call(env.dept_clerk, "put", f"/api/projects/requests/{rid}",
            change_body(env, content_lines=new_lines, version=body["version"] + 5))
    assert r.status_code == 409
    body = ok(api_call(env.dept_clerk, "put", f"/api/projects/requests/{rid}",
                  change_body(env, content_lines=new_lines, version=body["version"], submit=True)))
    assert body["status"] == "pending" and [ln["item_name"] for ln in body["proposed"]["content_lines"]] == [
        "台式计算机", "便携式计算机"]
    ok(act(env.leader, rid, "approve"))
    env.project.refresh_from_db()
    assert env.project.name == "教育厅办公设备采购（二期）" and env.project.content_lines.filter(is_active=True).count() == 2


# ---- 资金替换 / 追加 / 回收 (the moves table) ---------------------------------------------------------------


def test_fund_replace_refused_before_use_then_applied(env):
    body = {"kind": REPLACE, "reason": "换指标", "moves": [{"from_indicator": env.ind2.pk, "indicator": env.ind3.pk,
                                                           "amount": "70000"}]}
    r = create(env, body)
    assert r.status_code == 422 and "项目尚未被使用" in r.json()["message"]
    mark_used(env.project)
    same = {**body, "moves": [{"from_indicator": env.ind2.pk, "indicator": env.ind2.pk, "amount": "1"}]}
    assert errors(create(env, same)) == {"moves.0": "第1行：替换后的指标不能与原指标相同。"}
    req = ok(create(env, {**body, "submit": True}), 201)
    assert req["status"] == "pending" and req["details"]["moves"] == [
        {"from_indicator": env.ind2.pk, "indicator": env.ind3.pk, "amount": "70000.00"}]
    ok(act(env.leader, req["id"], "approve"))
    assert held(env.project) == {env.ind1.pk: D("200000"), env.ind2.pk: D("30000"), env.ind3.pk: D("70000")}


def test_fund_add_needs_its_office_and_a_failed_submit_saves_nothing(env):
    mark_used(env.project)
    body = {"kind": ADD, "reason": "追加", "moves": [{"indicator": env.ind3.pk, "amount": "60000"}],
            "content_lines": lines("360000")}
    assert errors(create(env, body)) == {"budget_office": "资金追加须选择指标管理处室。"}
    assert "budget_office" in errors(create(env, {**body, "budget_office": "不存在的处室"}))
    approved_project(env.dept_clerk, {env.ind3: "50000"})  # 保存 would pass: the money goes before 提交
    r = create(env, {**body, "budget_office": "教科文处", "submit": True})
    assert "可用金额 50,000.00 元，不足 60,000.00 元" in errors(r)["moves.0"]
    assert not ProjectRequest.objects.exists()  # 保存并提交: both or neither
    body["moves"][0]["amount"] = "50000"
    body["content_lines"] = lines("350000")
    req = ok(create(env, {**body, "budget_office": "教科文处", "submit": True}), 201)
    assert req["details"]["budget_office"] == "教科文处"
    ok(act(env.leader, req["id"], "approve"))
    env.project.refresh_from_db()
    assert held(env.project)[env.ind3.pk] == D("50000") and env.project.total_amount == D("350000")


def test_fund_reclaim_row_error_then_withdrawn_rejected_and_approved(env):
    mark_used(env.project)
    body = {"kind": RECLAIM, "reason": "结余回收", "moves": [{"indicator": env.ind2.pk, "amount": "100000.01"}],
            "content_lines": lines("270000")}
    assert errors(create(env, body)) == {
        "moves.0": "第1行：回收金额不能超过项目在该指标上的占用金额 100,000.00 元。"}
    body["moves"][0]["amount"] = "30000"
    assert "content_lines" in errors(create(env, {**body, "content_lines": lines("300000")}))
    rid = ok(create(env, {**body, "submit": True}), 201)["id"]
    assert ok(act(env.dept_clerk, rid, "withdraw"))["status"] == "withdrawn"
    ok(act(env.dept_clerk, rid, "submit"))
    assert errors(act(env.leader, rid, "reject")) == {"opinion": "审核不通过时必须填写审核意见。"}
    assert ok(act(env.leader, rid, "reject", opinion="金额有误"))["status"] != "pending"
    ok(act(env.dept_clerk, rid, "submit"))
    ok(act(env.leader, rid, "approve"))
    assert held(env.project) == {env.ind1.pk: D("200000"), env.ind2.pk: D("70000")}


# ---- 结项 -------------------------------------------------------------------------------------------------


def test_close_needs_the_filed_contract_and_its_attachment(env):
    body = {"kind": CLOSE, "reason": "已验收", "attachment_ids": [attachment(env, CLOSE)]}
    r = create(env, body)
    assert r.status_code == 422 and r.json()["message"] == "项目合同尚未备案，不能结项。"
    mark_contract_filed(mark_used(env.project))
    assert errors(create(env, {"kind": CLOSE, "reason": "已验收"})) == {"attachments": "结项申请须上传项目结项附件。"}
    wrong = upload(env.dept_clerk, rq.REQUIRED_ATTACHMENTS[REVOKE]).pk
    assert "不是项目结项附件" in errors(create(env, {**body, "attachment_ids": [wrong]}))["attachments"]
    rid = ok(create(env, {**body, "submit": True}), 201)["id"]
    ok(act(env.leader, rid, "approve"))
    env.project.refresh_from_db()
    assert env.project.closed_at is not None


# ---- order of the refusals, and bodies no page could post ----------------------------------------------------


def test_scope_then_right_then_body_then_engine(env):
    url = f"/api/projects/{env.project.pk}/requests"
    for user in (env.fz_clerk, env.sub1_clerk, env.jx_reg):  # out of scope: 404 whatever the body
        assert api_call(user, "post", url, raw="not json").status_code == 404, user
    for user in (env.dept_reviewer, env.leader, env.fj_reg):  # sees the project, may not ask: 403 before the body
        assert api_call(user, "post", url, raw="not json").status_code == 403, user
    assert api_call(None, "post", url, {}).status_code == 401
    assert errors(api_call(env.dept_clerk, "post", url, raw="not json")) == {"body": "请求体不是合法的 JSON。"}
    assert errors(create(env, {"kind": "delete", "reason": "x"})) == {"kind": "申请类型不正确。"}
    rid = ok(create(env, {"kind": REVOKE, "reason": "甲", "attachment_ids": [attachment(env, REVOKE)]}), 201)["id"]
    assert api_call(env.fz_clerk, "get", f"/api/projects/requests/{rid}").status_code == 404
    assert ok(api_call(env.fj_reg, "get", f"/api/projects/requests/{rid}"))["kind"] == REVOKE
    assert api_call(env.dept_reviewer, "put", f"/api/projects/requests/{rid}", raw="x").status_code == 403
    assert api_call(env.leader, "post", f"/api/projects/requests/{rid}/approve", raw="x").status_code == 422  # not pending
    assert errors(api_call(env.dept_clerk, "put", f"/api/projects/requests/{rid}", {"kind": CLOSE, "reason": "乙",
                                                                           "version": 1})) == {
        "kind": "申请类型不能修改；请放弃本申请后另行发起。"}
    assert api_call(env.dept_clerk, "post", f"/api/projects/requests/{rid}/submit", {"version": 99}).status_code == 409
    assert ok(act(env.dept_clerk, rid, "discard"))["status"] == Status.WITHDRAWN


@pytest.mark.parametrize("over, key", [
    ({"content_lines": {"category": 1}}, "content_lines"),
    ({"content_lines": ["一行"]}, "content_lines"),
    ({"content_lines": [{"quantity": {"x": 1}}]}, "content_lines.0.quantity"),
    ({"fund_lines": [{"indicator": [1], "amount": "1"}]}, "fund_lines.0.indicator"),
    ({"attachment_ids": ["1"]}, "attachment_ids"),
    ({"attachment_ids": 1}, "attachment_ids"),
    ({"name": {"a": 1}}, "name"),
    ({"name": "甲" * 201}, "name"),
    ({"reason": {"text": "x"}}, "reason"),
    ({"content_lines": [{"category": 1, "item_name": "台式\u0000计算机", "quantity": "1", "measure_unit": "台",
                         "unit_price": "1"}]}, "content_lines.0.item_name"),  # PostgreSQL stores no NUL
    ({"summary": [["x"]]}, "summary"),
])
def test_bodies_no_page_could_post_are_422_keyed_like_the_page(env, over, key):
    assert key in errors(create(env, change_body(env, **over)))
    assert not ProjectRequest.objects.exists()


@pytest.mark.parametrize("raw", [
    '{"kind": "change", "reason": "x", "fund_lines": [{"indicator": 1, "amount": NaN}]}',
    '{"kind": "change", "reason": "x", "fund_lines": [{"indicator": 99999999999999999999999, "amount": 1e400}]}',
    '{"kind": "revoke", "reason": "x", "attachment_ids": [99999999999999999999999]}',
    '{"kind": "change", "reason": "x", "content_lines": [{"category": -1, "quantity": 1e-400, "unit_price": 1e30}]}',
    '{"kind": "fund_add", "reason": "x", "moves": [{"indicator": 99999999999999999999999, "amount": "1"}]}',
    "[" * 5000,
])
def test_odd_numbers_are_refused_never_a_server_error(env, raw):
    if '"fund_add"' in raw:
        mark_used(env.project)
    r = create(env, raw=raw)
    # an id beyond the database's integers is core.api's 400 out_of_range; the rest the page's own 422
    assert r.status_code in (400, 422), r.content.decode()[:500]
    assert re.search(r"[\u4e00-\u9fff]", r.json()["message"])


def test_a_nul_in_a_line_is_a_message_on_the_page_too(env):
    c = client_for(env.dept_clerk)
    page = c.post(f"/projects/requests/new/{env.project.pk}/{CHANGE}/", {
        "reason": "调整", "name": "甲", "summary": "", "contact_name": "张三", "contact_phone": "0591-88888888",
        "line-category": [str(category().pk)], "line-item_name": ["台式\u0000计算机"], "line-quantity": ["1"],
        "line-measure_unit": ["台"], "line-unit_price": ["300000"], "fund-indicator": [str(env.ind1.pk)],
        "fund-amount": ["300000"]})
    assert page.status_code == 200 and "第1行：标的名称不能包含空字符。" in page.content.decode()
    assert not ProjectRequest.objects.exists()
