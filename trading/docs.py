"""采购公告 and 更正公告 on the document kit: the organizer (the agency's staff; the purchaser's clerk when it
organises itself) 保存/提交 → the purchaser's 审核岗 confirms (采购人确认) → 待发布 → 发布 by the organizer."""

from django import forms
from django.db.models import Q
from django.urls import reverse

from access import rights
from access.scope import Acting
from core.forms import DateField, Form
from core.listing import Column, Tab
from orgs.models import Role
from workflow.engine import DirectAction, Flow, Node, Stage, register
from workflow.kit.documents import DocumentType, inbox_tabs
from workflow.models import Status

from . import notices
from .models import Announcement, AnnouncementKind, IntentionReason

N = "trading.notices"
FLOW = register(Flow(
    doc_type=Announcement.doc_type, label="采购公告", model=Announcement, discardable=True,
    submit_role=Role.AGENCY, submit_role_of=f"{N}.submit_role", submit_unit_field="organizer", submit_label="编制",
    nodes=(Node("purchaser", "采购人确认", Role.REVIEWER),),
    on_submit=f"{N}.announcement_check",
    stages=(Stage("publish", "待发布", "publish", "发布", "已发布", Role.AGENCY, unit_field="organizer",
                  role_of=f"{N}.submit_role", on_done=f"{N}.announcement_published"),),
    direct_actions=(DirectAction("revoke", "退回修改", right=f"{N}.may_return", allowed=f"{N}.unpublished",
                                 effect=f"{N}.back_to_editing", done_message="已退回编辑，可修改后重新提交。"),)))


class IdListField(forms.Field):
    """Uploaded attachment ids posted as hidden inputs (the upload widget) or a JSON array (the API)."""
    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        values = [] if value in (None, "") else value if isinstance(value, list | tuple) else [value]
        out = []
        for v in values:
            text = str(v).strip()
            if not (text.isascii() and text.isdigit()) or len(text) > 9:
                raise forms.ValidationError("请重新上传附件。")
            out.append(int(text))
        return out


DATE = {"type": "date"}
DATETIME = {"type": "datetime-local"}


class AnnouncementForm(Form):
    procurement_id = forms.ChoiceField(label="采购项目", choices=[], required=False,
                                    help_text="本单位组织、待发布公告的采购项目（新增后不能更改）。")
    kind = forms.ChoiceField(label="公告类型", choices=AnnouncementKind.choices, required=False,
                             help_text="更正公告用于已发布采购公告的变更、澄清和补遗。")
    title = forms.CharField(label="公告标题", max_length=200, required=False, help_text="留空则按项目名称生成。")
    docs_start = DateField(label="采购文件获取开始日期", required=False, widget=forms.DateInput(attrs=DATE))
    docs_end = DateField(label="采购文件获取截止日期", required=False, widget=forms.DateInput(attrs=DATE))
    bid_deadline = forms.DateTimeField(label="投标（响应）截止时间", required=False,
                                       widget=forms.DateTimeInput(attrs=DATETIME, format="%Y-%m-%dT%H:%M"),
                                       help_text="更正公告：顺延截止时间时填写，不顺延留空。")
    opening_at = forms.DateTimeField(label="开标（响应文件开启）时间", required=False,
                                     widget=forms.DateTimeInput(attrs=DATETIME, format="%Y-%m-%dT%H:%M"),
                                     help_text="留空则与投标（响应）截止时间相同。")
    content = forms.CharField(label="公告内容", required=False, max_length=20000,
                              widget=forms.Textarea(attrs={"rows": 6}),
                              help_text="采购需求、供应商资格要求、获取采购文件的方式等；更正公告填写更正事项和内容。")
    affects_bids = forms.BooleanField(label="更正内容影响投标（响应）文件编制", required=False)
    framework_months = forms.IntegerField(label="框架协议期限（月）", required=False, min_value=1, max_value=120,
                                          help_text="采购方式为框架协议时必填（财政部令第110号：期限不得超过规则参数规定的月数）。")
    intention_reason = forms.ChoiceField(label="意向未满30天的理由", required=False,
                                         choices=[("", "请选择"), *IntentionReason.choices],
                                         help_text="采购意向未公开或公开时间不足规定天数（规则参数 intention_min_days）即发布采购公告时必填。")
    intention_explanation = forms.CharField(label="理由说明", required=False, max_length=2000,
                                            widget=forms.Textarea(attrs={"rows": 2}))
    attachment_ids = IdListField(label="采购文件", required=False)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procurement_id"].choices = [("", "请选择"), *candidates]


def _form_kwargs(user) -> dict:
    from . import selectors

    return {"candidates": [(str(p.pk), f"{p.number} {p.name}（{p.method_text}）")
                           for p in selectors.announceable(user)[:200]]}


def _form_context(request, doc) -> dict:
    from . import selectors

    return selectors.announcement_form_context(request.user, doc)


def _detail_context(request, doc) -> dict:
    from . import selectors

    return selectors.announcement_detail_context(request.user, doc)


def _example(clerk):
    from .tests.announcing import (
        example_announcement,  # builds a filed plan first: tests and the scope matrix only
    )

    return example_announcement(clerk)


class FilterForm(Form):
    title = forms.CharField(label="公告标题", required=False, max_length=100)
    kind = forms.ChoiceField(label="公告类型", required=False, choices=[("", "全部"), *AnnouncementKind.choices])


def _filter(qs, data):
    if data.get("title"):
        qs = qs.filter(title__contains=data["title"].strip())
    if data.get("kind"):
        qs = qs.filter(kind=data["kind"])
    return qs


ANNOUNCEMENT = DocumentType(
    flow=FLOW, namespace="announcements", title="采购公告", section="采购执行", form=AnnouncementForm,
    columns=[Column("公告类型", "kind_text"), Column("公告标题", "title"),
             Column("采购项目", "procurement.number", link=lambda d: reverse("trading:detail", args=[d.procurement_id])),
             Column("组织单位", "organizer.name"), Column("投标（响应）截止", "bid_deadline", kind="datetime"),
             Column("发布时间", "published_at", kind="datetime")],
    form_kwargs=_form_kwargs, may_list=rights.may_view_procurements, may_create=rights.may_announce,
    tabs=inbox_tabs(FLOW, Tab("publish", "待发布", Q(status=Status.APPROVED, stage="publish")),
                    Tab("published", "已发布", Q(stage=notices.PUBLISHED))),
    filter_form=FilterForm, apply_filters=_filter,
    select_related=("unit", "created_by", "organizer", "procurement"), scope_fields=("unit", Acting("organizer")),
    # 采购方式 (a code without choices) and 更正内容影响投标 (a correction's flag) are shown by the template as text
    detail_fields=["kind", "title", "docs_start", "docs_end", "bid_deadline", "opening_at",
                   "content", "intention_reason", "intention_explanation", "published_at"],
    save=notices.announcement_save, form_context=_form_context, extra_context=_detail_context,
    form_template="trading/announcement_form.html", detail_template="trading/announcement_detail.html",
    initial_from_query=("procurement_id", "kind"), example=_example)
