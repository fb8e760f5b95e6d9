"""The request kit's extension points, for kinds with more than plain fields (projects' line tables, fund
moves, attachments): parse → clean_for (with actor, request, phase) → stored / persist, data_of at 提交 and
审核通过, snapshot, the context hooks and the words of the refusals."""

from dataclasses import replace

from core.testing import api_call, client_for
from workflow import engine
from workflow.kit.requests import Target

from .docs import SAMPLE, Change
from .models import Notice, NoticeRequest
from .test_kit import new_notice


def approved_notice(w):
    n = new_notice(w, submit=True, name="扩展点公告", amount="10")
    engine.approve(n, w.sub1_reviewer)
    engine.approve(Notice.objects.get(pk=n.pk), w.dept_competent)
    return Notice.objects.get(pk=n.pk)


def test_kind_hooks_see_the_page_data_the_actor_and_the_phase(w, monkeypatch):
    seen = []

    def parse(self, post, form, target, req):
        return {"name": form.cleaned_data["name"], "note": post.get("note", "")}

    def clean_for(self, target, data, *, final, actor=None, req=None, approving=False):
        seen.append(("clean", data.get("note"), final, approving, actor.username, req is not None))
        return {"name": data["name"], "note": data.get("note")}

    def stored(self, cleaned):
        return {"name": cleaned["name"]}  # the note is not part of `proposed`

    def persist(self, req, cleaned, actor):
        seen.append(("persist", cleaned["note"], req.pk is not None))

    def data_of(self, req):
        return {**req.proposed, "note": "再次检查"}

    for name, fn in (("parse", parse), ("clean_for", clean_for), ("stored", stored), ("persist", persist),
                     ("data_of", data_of), ("snapshot", lambda self, req: {"lines": ["一行"]})):
        monkeypatch.setattr(Change, name, fn)
    n = approved_notice(w)
    clerk = client_for(w.sub1_clerk)
    resp = clerk.post(f"/kitsample/{n.pk}/requests/new/change/", {"reason": "更名", "name": "新名", "note": "附言"})
    assert resp.status_code == 302
    req = NoticeRequest.objects.get()
    assert req.proposed == {"name": "新名"}
    assert seen == [("clean", "附言", False, False, "sub1_clerk", False), ("persist", "附言", True)]
    seen.clear()
    clerk.post(f"/kitsample/requests/{req.pk}/edit/",
               {"reason": "更名", "name": "又一名", "note": "改", "version": req.version, "submit": "1"})
    assert seen == [("clean", "改", False, False, "sub1_clerk", True), ("persist", "改", True),
                    ("clean", "再次检查", True, False, "sub1_clerk", True)]
    seen.clear()
    req.refresh_from_db()
    engine.approve(req, w.sub1_reviewer)
    assert seen == [("clean", "再次检查", True, True, "sub1_reviewer", True)]
    from audit.models import AuditLog

    saved = AuditLog.objects.filter(action=f"{NoticeRequest.doc_type}.save").order_by("id").last()
    assert saved.before.get("lines") == ["一行"]  # snapshot: what the fields do not show


def test_context_hooks_templates_and_words(w, monkeypatch):
    rt = SAMPLE.requests
    monkeypatch.setattr(rt, "detail_context", lambda request, ctx: {
        "diff": [{"label": "自定义对比", "old": "甲", "new": ctx["req"].proposed["name"]}]})
    monkeypatch.setattr(rt, "form_context", lambda request, ctx: {"refusal": ctx["refusal"]})
    monkeypatch.setattr(rt, "open_message", "本公告已有未办结的{label}申请（{number}）。")
    n = approved_notice(w)
    client_for(w.sub1_clerk).post(f"/kitsample/{n.pk}/requests/new/change/", {"reason": "更名", "name": "新名"})
    req = NoticeRequest.objects.get()
    c = client_for(w.sub1_clerk)
    assert "自定义对比" in c.get(f"/kitsample/requests/{req.pk}/").content.decode()
    page = c.get(f"/kitsample/{n.pk}/requests/new/terminate/").content.decode()
    assert f"本公告已有未办结的变更申请（{req.number}）。" in page


def test_submit_message_names_the_node_and_a_target_needs_no_document_type(w):
    n = approved_notice(w)
    resp = client_for(w.sub1_clerk).post(f"/kitsample/{n.pk}/requests/new/terminate/",
                                         {"reason": "不再实施", "submit": "1"})
    from django.contrib.messages import get_messages

    assert [m.message for m in get_messages(resp.wsgi_request)] == ["已提交，等待审核岗审核。"]
    t = Target(flow=replace(SAMPLE.flow), namespace="x", title="甲", section="乙", get=SAMPLE.get)
    assert t.model is Notice and t.scope_fields == ("unit",)


def test_clean_hook_and_per_user_inbox_tabs(w, monkeypatch):
    """DocumentType.clean runs the document's own rules before the kit's save (its FieldErrors beside the
    field); tabs=inbox_tabs(flow) gives 待处理 / 已办结 / 全部 per user."""
    from core.errors import FieldErrors
    from workflow.kit.documents import inbox_tabs

    def clean(actor, doc, data):
        if data["name"].startswith("禁"):
            raise FieldErrors({"name": "名称不能以“禁”开头。"})
        return {**data, "summary": "由 clean 补全"}

    monkeypatch.setattr(SAMPLE, "clean", clean)
    monkeypatch.setattr(SAMPLE, "tabs", inbox_tabs(SAMPLE.flow))
    page = client_for(w.sub1_clerk).post("/kitsample/new/", {"name": "禁用名称", "amount": "10"}).content.decode()
    assert "名称不能以“禁”开头。" in page and Notice.objects.count() == 0
    client_for(w.sub1_clerk).post("/kitsample/new/", {"name": "正常公告", "amount": "10", "submit": "1"})
    n = Notice.objects.get()
    assert n.summary == "由 clean 补全"
    c = client_for(w.sub1_reviewer)
    assert n.number in c.get("/kitsample/?tab=todo").content.decode()
    assert n.number not in c.get("/kitsample/?tab=done").content.decode()
    engine.approve(n, w.sub1_reviewer)
    assert n.number not in c.get("/kitsample/?tab=todo").content.decode()
    assert n.number in c.get("/kitsample/?tab=done").content.decode()


def test_a_kind_with_a_line_table_and_its_own_parse_gets_the_same_api(w, monkeypatch):
    from core.lines import LineColumn, LineTable

    table = LineTable("item", "标的", (LineColumn("name", "名称"), LineColumn("amount", "金额", "money")),
                      error_key="items")

    def parse(self, post, form, target, req):  # the one parser: the page's post, or the API's body as posted
        return {"name": form.cleaned_data["name"], "items": table.rows_from(post)}

    def clean(self, target, data, *, final):
        return {"name": data["name"], "items": [{k: str(v) for k, v in r.items()} for r in table.clean(data["items"])]}

    monkeypatch.setattr(Change, "lines", (table,))
    monkeypatch.setattr(Change, "parse", parse)
    monkeypatch.setattr(Change, "clean", clean)
    n = approved_notice(w)
    page = client_for(w.sub1_clerk).post(f"/kitsample/{n.pk}/requests/new/change/", {
        "reason": "更名", "name": "甲", "item-name": ["课桌", ""], "item-amount": ["10", "x"]}).content.decode()
    r = api_call(w.sub1_clerk, "post", f"/api/kitsample/{n.pk}/requests", {
        "kind": "change", "reason": "更名", "name": "甲", "items": [{"name": "课桌", "amount": 10},
                                                                   {"name": "", "amount": "x"}]})
    assert r.status_code == 422 and r.json()["errors"] == {"items.1.name": "第2行：请填写名称。",
                                                           "items.1.amount": "第2行：金额应为数字。"}
    assert all(m in page for m in r.json()["errors"].values()) and not NoticeRequest.objects.exists()
    r = api_call(w.sub1_clerk, "post", f"/api/kitsample/{n.pk}/requests", {
        "kind": "change", "reason": "更名", "name": "甲", "items": [{"name": "课桌", "amount": 10.5}], "extra": [1]})
    assert r.status_code == 201 and r.json()["proposed"] == {"name": "甲", "items": [{"name": "课桌", "amount": "10.50"}]}
    schema = SAMPLE.requests.body_schema(Change(), create=True)
    assert schema["properties"]["items"]["items"]["required"] == ["name", "amount"]


def test_every_request_kinds_example_validates_against_its_openapi_body(db):
    import jsonschema_rs

    from zhengcai.api import api as ninja_api

    checked = 0
    for path, ops in ninja_api.get_openapi_schema(path_prefix="/api/")["paths"].items():
        for method, op in ops.items():
            media = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            if "examples" not in media or not (path.endswith("/requests") or "/requests/{id}" in path):
                continue
            validator = jsonschema_rs.validator_for(media["schema"])
            for code, example in media["examples"].items():
                assert validator.is_valid(example["value"]), (path, method, code)
                checked += 1
    assert checked >= 2 * (len(SAMPLE.requests.kinds) + 6)  # the sample's kinds and 立项's six, 新增 and 修改


def test_a_hidden_field_renders_without_a_label_row():
    """partials/form_field.html (the kit's 新增/编辑 form): a hidden widget is its input only — no empty label row in
    基本信息; a visible field keeps its label, required mark and help."""
    from django import forms
    from django.template.loader import render_to_string

    class F(forms.Form):
        ids = forms.CharField(label="附件", widget=forms.HiddenInput, required=False)
        name = forms.CharField(label="名称", help_text="说明")

    form = F(initial={"ids": "7"})
    hidden = render_to_string("partials/form_field.html", {"field": form["ids"]})
    assert hidden.strip() == '<input type="hidden" name="ids" value="7" id="id_ids">'
    shown = render_to_string("partials/form_field.html", {"field": form["name"]})
    assert '<label class="field">' in shown and '<i class="req">*</i>名称' in shown and "说明" in shown
