"""The document kit, walked through its sample document (docs.py): pages, API, stages, direct actions,
requests, 保存并提交 both-or-neither, scope."""

from dataclasses import replace
from functools import partial

from core.testing import api_call, client_for, json_request
from orgs.models import Role
from workflow import engine
from workflow.models import ReviewRecord, Status

from .models import Notice, NoticeRequest


def new_notice(w, submit=False, **extra):
    resp = client_for(w.sub1_clerk).post("/kitsample/new/", {"name": "教学设备采购公告", "amount": "1200.50",
                                                              "summary": "", **({"submit": "1"} if submit else {}),
                                                              **extra})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    return Notice.objects.latest("id")


def act(user, doc, action, **data):
    doc.refresh_from_db()
    return client_for(user).post(f"/kitsample/{doc.pk}/{action}/", {"version": doc.version, **data})


def test_pages_walk_clerk_reviewer_competent_then_publish(w):
    n = new_notice(w, submit=True)
    assert (n.status, n.current_node) == (Status.PENDING, "reviewer")
    assert act(w.sub1_reviewer, n, "approve").status_code == 302
    n.refresh_from_db()
    assert n.current_node == "competent"
    assert act(w.sub1_reviewer, n, "approve").status_code == 403  # not the competent unit
    assert act(w.dept_competent, n, "approve").status_code == 302
    n.refresh_from_db()
    assert (n.status, n.stage, n.status_text) == (Status.APPROVED, "publish", "待发布")
    page = client_for(w.sub1_clerk).get(f"/kitsample/{n.pk}/").content.decode()
    assert "待发布" in page and ">发布</button>" in page and "撤销" in page
    assert act(w.sub1_clerk, n, "publish").status_code == 302
    n.refresh_from_db()
    assert (n.stage, n.status_text) == ("publish_done", "已发布")
    assert "revoke" not in engine.available_actions(w.sub1_clerk, n)  # published: final
    assert [r.action for r in engine.timeline(n)] == ["save", "submit", "approve", "approve", "stage"]


def test_reject_goes_back_one_node_not_to_the_start(w):
    n = new_notice(w, submit=True)
    act(w.sub1_reviewer, n, "approve")
    assert act(w.dept_competent, n, "reject").status_code == 302  # no opinion: refused, nothing changes
    n.refresh_from_db()
    assert n.current_node == "competent"
    act(w.dept_competent, n, "reject", opinion="金额有误")
    n.refresh_from_db()
    assert (n.status, n.current_node) == (Status.PENDING, "reviewer")


def test_direct_action_needs_reason_and_right_and_returns_to_editing(w):
    n = new_notice(w, submit=True)
    act(w.sub1_reviewer, n, "approve")
    act(w.dept_competent, n, "approve")
    assert act(w.sub1_reviewer, n, "revoke", reason="x").status_code == 403
    act(w.sub1_clerk, n, "revoke")  # no reason: refused with a message
    n.refresh_from_db()
    assert n.status == Status.APPROVED
    act(w.sub1_clerk, n, "revoke", reason="内容需调整")
    n.refresh_from_db()
    assert (n.status, n.stage) == (Status.DRAFT, "")
    rec = ReviewRecord.objects.filter(object_id=n.pk, action="direct").get()
    assert (rec.node_label, rec.opinion) == ("撤销", "内容需调整")
    assert "edit" in engine.available_actions(w.sub1_clerk, n)


def test_save_and_submit_is_both_or_neither(w, monkeypatch):
    def refuse(doc, actor):
        from core.errors import BusinessError
        raise BusinessError("提交被规则拒绝。")

    monkeypatch.setitem(engine.FLOWS, Notice.doc_type, replace(engine.FLOWS[Notice.doc_type], on_submit=refuse))
    resp = client_for(w.sub1_clerk).post("/kitsample/new/", {"name": "甲", "amount": "1", "submit": "1"})
    assert resp.status_code == 200 and "提交被规则拒绝" in resp.content.decode()
    assert Notice.objects.count() == 0 and ReviewRecord.objects.count() == 0


def test_form_errors_beside_fields_and_nothing_saved(w):
    resp = client_for(w.sub1_clerk).post("/kitsample/new/", {"name": "", "amount": "1e30"})
    body = resp.content.decode()
    assert resp.status_code == 200 and "field-error" in body and Notice.objects.count() == 0


def test_edit_is_the_skeleton_stale_version_refused(w):
    n = new_notice(w)
    url, clerk = f"/kitsample/{n.pk}/edit/", client_for(w.sub1_clerk)
    assert clerk.post(url, {"name": "乙", "amount": "2", "version": n.version}).status_code == 302
    resp = clerk.post(url, {"name": "丙", "amount": "3", "version": n.version})  # the old version
    assert resp.status_code == 200 and "已被他人处理" in resp.content.decode()
    n.refresh_from_db()
    assert (n.name, n.version) == ("乙", 2)
    assert client_for(w.sub1_reviewer).post(url, {"name": "丁", "amount": "3", "version": 2}).status_code == 403


def test_list_and_scope(w):
    n = new_notice(w)
    assert n.number in client_for(w.sub1_clerk).get("/kitsample/?tab=all").content.decode()
    assert n.number in client_for(w.dept_competent).get("/kitsample/?tab=all").content.decode()  # subordinate
    assert n.number not in client_for(w.fz_clerk).get("/kitsample/?tab=all").content.decode()
    assert client_for(w.fz_clerk).get(f"/kitsample/{n.pk}/").status_code == 404
    assert client_for(w.jx_reg).get(f"/kitsample/{n.pk}/").status_code == 404
    assert client_for(w.fj_reg).get(f"/kitsample/{n.pk}/").status_code == 200


def approved(w):
    n = new_notice(w, submit=True)
    act(w.sub1_reviewer, n, "approve")
    act(w.dept_competent, n, "approve")
    n.refresh_from_db()
    return n


def test_requests_change_and_terminate(w):
    n = approved(w)
    clerk, reviewer = client_for(w.sub1_clerk), client_for(w.sub1_reviewer)
    page = clerk.get(f"/kitsample/{n.pk}/").content.decode()
    assert "变更" in page and "终止" in page
    resp = clerk.post(f"/kitsample/{n.pk}/requests/new/change/", {"reason": "更名", "name": n.name})
    assert "新名称与原名称相同" in resp.content.decode()
    resp = clerk.post(f"/kitsample/{n.pk}/requests/new/change/", {"reason": "更名", "name": "新公告", "submit": "1"})
    assert resp.status_code == 302
    req = NoticeRequest.objects.get()
    assert req.status == Status.PENDING and req.proposed == {"name": "新公告"}
    # one open request per target
    assert "未办结" in clerk.get(f"/kitsample/{n.pk}/requests/new/terminate/").content.decode()
    detail = reviewer.get(f"/kitsample/requests/{req.pk}/").content.decode()
    assert "新公告" in detail and n.name in detail
    assert reviewer.post(f"/kitsample/requests/{req.pk}/approve/", {"version": req.version}).status_code == 302
    n.refresh_from_db()
    assert n.name == "新公告"
    clerk.post(f"/kitsample/{n.pk}/requests/new/terminate/", {"reason": "不再实施", "submit": "1"})
    t = NoticeRequest.objects.get(kind="terminate")
    reviewer.post(f"/kitsample/requests/{t.pk}/approve/", {"version": t.version})
    n.refresh_from_db()
    assert n.terminated_at is not None
    assert clerk.get(f"/kitsample/{n.pk}/requests/new/change/").content.decode().count("已终止") >= 1


def test_request_discard_and_other_unit(w):
    n = approved(w)
    clerk, other = client_for(w.sub1_clerk), client_for(w.fz_clerk)
    clerk.post(f"/kitsample/{n.pk}/requests/new/terminate/", {"reason": "不再实施"})
    req = NoticeRequest.objects.get()
    assert other.get(f"/kitsample/requests/{req.pk}/").status_code == 404
    assert other.post(f"/kitsample/{n.pk}/requests/new/terminate/", {"reason": "x"}).status_code == 404
    assert clerk.post(f"/kitsample/requests/{req.pk}/discard/", {"version": req.version}).status_code == 302
    req.refresh_from_db()
    assert req.last_action == "discard"
    assert NoticeRequest.objects.count() == 1  # kept, never deleted


def test_api_document_and_actions(w):
    clerk, reviewer = partial(api_call, w.sub1_clerk), partial(api_call, w.sub1_reviewer)
    r = clerk("post", "/api/kitsample", {"name": "接口公告", "amount": "10"})
    assert r.status_code == 201, r.content
    body = r.json()
    nid = body["id"]
    assert body["actions"] == ["edit", "submit"] and body["fields"]["amount"] == "10.00"
    # the engine document's own fields (workflow.kit.documents.DocumentOut), as registry's hand-written API has them
    assert body["unit_name"] == w.sub1_clerk.unit.name and body["submitted_by"] is None and body["created_at"]
    assert {"current_node", "submitted_at", "approved_at", "updated_at"} <= set(body)
    assert clerk("post", "/api/kitsample", {"name": "", "amount": "x"}).status_code == 422
    # the right comes before the body: a reviewer learns 403 whatever it sends
    assert reviewer("post", f"/api/kitsample/{nid}/submit", {}).status_code == 403
    assert clerk("post", f"/api/kitsample/{nid}/submit", {}).status_code == 422  # version required
    assert clerk("post", f"/api/kitsample/{nid}/submit", {"version": 99}).status_code == 409
    submitted = clerk("post", f"/api/kitsample/{nid}/submit", {"version": 1}).json()
    assert submitted["status"] == "pending" and submitted["submitted_by"] == str(w.sub1_clerk)
    assert submitted["submitted_at"] and submitted["current_node"]
    assert api_call(w.fz_clerk, "get", f"/api/kitsample/{nid}").status_code == 404
    v = reviewer("get", f"/api/kitsample/{nid}").json()["version"]
    reviewer("post", f"/api/kitsample/{nid}/approve", {"version": v})
    body = api_call(w.dept_competent, "post", f"/api/kitsample/{nid}/approve", {"version": v + 1}).json()
    assert (body["status"], body["stage"]) == ("approved", "publish")
    body = clerk("post", f"/api/kitsample/{nid}/publish", {"version": body["version"]}).json()
    assert body["status_text"] == "已发布"
    page = clerk("get", "/api/kitsample", {"limit": 1}).json()
    assert [d["id"] for d in page["items"]] == [nid] and page["next_after"] is None and page["count"] == 1
    assert clerk("get", "/api/kitsample", {"limit": 0}).status_code == 422


def test_api_requests(w):
    n = approved(w)
    clerk = partial(api_call, w.sub1_clerk)
    r = clerk("post", f"/api/kitsample/{n.pk}/requests", {"kind": "change", "reason": "更名", "name": "甲"})
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    assert clerk("post", f"/api/kitsample/{n.pk}/requests", {"kind": "bogus", "reason": "x"}).status_code == 422
    assert clerk("put", f"/api/kitsample/requests/{rid}", {"reason": "更名", "name": "乙"}).status_code == 422
    body = clerk("put", f"/api/kitsample/requests/{rid}", {"reason": "更名", "name": "乙", "version": 1}).json()
    assert body["proposed"] == {"name": "乙"}
    body = clerk("post", f"/api/kitsample/requests/{rid}/submit", {"version": body["version"]}).json()
    api_call(w.sub1_reviewer, "post", f"/api/kitsample/requests/{rid}/approve", {"version": body["version"]})
    n.refresh_from_db()
    assert n.name == "乙"


def test_builders_make_rows_of_any_kit_document(db):
    from orgs.testing import UnitFactory, UserFactory
    from workflow.kit import testing

    dept = UnitFactory(is_competent=True)
    unit = UnitFactory(competent=dept)
    clerk = UserFactory(unit=unit, roles=[Role.CLERK])
    assert clerk.check_password("Zc@123456") and clerk.has_role(Role.CLERK)
    draft, pending, done = (testing.build("kitsample", clerk, s) for s in ("draft", "pending", "approved"))
    assert [d.status for d in (draft, pending, done)] == [Status.DRAFT, Status.PENDING, Status.APPROVED]
    assert done.stage == "publish" and done.status_text == "待发布"
    req = testing.build_request("kitsample", clerk, done, "pending")
    assert (req.kind, req.status, req.proposed) == ("change", Status.PENDING, {"name": "新名称"})


def test_line_table_on_the_form_page_and_the_api(w):
    bad = {"name": "带清单的公告", "amount": "10", "line-item": ["课桌", "", ""], "line-quantity": ["2", "x", ""],
           "line-amount": ["100.005", "5", ""]}
    clerk = client_for(w.sub1_clerk)
    body = clerk.post("/kitsample/new/", bad).content.decode()
    assert "第1行：金额最多保留两位小数。" in body and "第2行：请填写标的名称。" in body
    assert Notice.objects.count() == 0
    good = {**bad, "line-item": ["课桌", "椅子"], "line-quantity": ["2", "4"], "line-amount": ["100.00", "80"]}
    assert clerk.post("/kitsample/new/", good).status_code == 302
    n = Notice.objects.get()
    assert [(ln.seq, ln.item, str(ln.amount)) for ln in n.lines.all()] == [(1, "课桌", "100.00"), (2, "椅子", "80.00")]
    assert "椅子" in clerk.get(f"/kitsample/{n.pk}/").content.decode()
    r = json_request(clerk, "put", f"/api/kitsample/{n.pk}", {
        "name": "甲", "amount": "1", "version": n.version, "line": [{"item": "黑板", "quantity": 1, "amount": "300"}]})
    assert r.status_code == 200 and r.json()["lines"] == {"line": [{"item": "黑板", "quantity": "1.0000",
                                                                     "amount": "300.00"}]}
    assert n.lines.count() == 3 and n.lines.filter(is_active=True).count() == 1  # replaced lines are kept
    r = json_request(clerk, "put", f"/api/kitsample/{n.pk}", {
        "name": "甲", "amount": "1", "version": n.version + 1,
        "line": [{"item": "", "quantity": "-1", "amount": "1e30"}]})
    assert r.status_code == 422 and set(r.json()["errors"]) == {"line.0.item", "line.0.quantity", "line.0.amount"}


def test_detail_shows_a_flag_as_yes_or_no():
    from workflow.kit.documents import _display

    class Doc:
        flag = True
        off = False

        class _meta:
            @staticmethod
            def get_field(name):
                return None

    assert _display(Doc, "flag") == "是" and _display(Doc, "off") == "否"
