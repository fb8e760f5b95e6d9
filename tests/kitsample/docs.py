"""The document kit's executable specification: a 示例公告 with clerk → reviewer → competent unit, a
待发布 → 已发布 stage, a direct action (撤销 before publishing), two request kinds, its list, detail and API."""

from django import forms
from django.utils import timezone

from core.errors import FieldErrors
from core.forms import Form, MoneyField
from core.lines import LineColumn, LineTable
from core.listing import Column
from orgs.models import Role
from workflow.engine import COMPETENT, DirectAction, Flow, Node, Stage, register
from workflow.kit.documents import DocumentType, LineSpec
from workflow.kit.requests import RequestKind, RequestType
from workflow.models import Status

from .models import Notice, NoticeLine, NoticeRequest


def is_staff(user):
    return user.is_authenticated and user.unit_id is not None and user.has_role(
        Role.CLERK, Role.REVIEWER, Role.COMPETENT, Role.REGULATOR)


def is_clerk(user):
    return user.is_authenticated and user.unit_id is not None and user.has_role(Role.CLERK)


def clerk_of(user, doc):
    return is_clerk(user) and user.unit_id == doc.unit_id


def unpublished(doc):
    return doc.status == Status.APPROVED and doc.stage == "publish"


def back_to_editing(doc, actor, reason):
    doc.status, doc.stage = Status.DRAFT, ""


FLOW = register(Flow(
    doc_type=Notice.doc_type, label="示例公告", model=Notice,
    nodes=(Node("reviewer", "审核岗审核", Role.REVIEWER), Node("competent", "主管预算单位审核", Role.COMPETENT, COMPETENT)),
    stages=(Stage("publish", "待发布", "publish", "发布", "已发布", Role.CLERK),),
    direct_actions=(DirectAction("revoke", "撤销", right=clerk_of, allowed=unpublished, effect=back_to_editing),)))
REQUEST_FLOW = register(Flow(
    doc_type=NoticeRequest.doc_type, label="示例公告申请", model=NoticeRequest,
    nodes=(Node("reviewer", "审核岗审核", Role.REVIEWER),)))


class NoticeForm(Form):
    name = forms.CharField(label="名称", max_length=100)
    amount = MoneyField(label="金额（元）", min_value=0)
    summary = forms.CharField(label="概况", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ChangeForm(Form):
    name = forms.CharField(label="新名称", max_length=100)


class Change(RequestKind):
    code, label, form, example = "change", "变更", ChangeForm, {"name": "新名称"}

    def refusal(self, notice):
        return "公告已终止，不能变更。" if notice.terminated_at else None

    def clean(self, notice, data, *, final):
        if data.get("name") == notice.name:
            raise FieldErrors({"name": "新名称与原名称相同。"})
        return {"name": data.get("name")}

    def apply(self, req, notice, actor):
        notice.name = req.proposed["name"]

    def diff(self, req, notice):
        return [{"label": "名称", "old": notice.name, "new": req.proposed.get("name")}]


class Terminate(RequestKind):
    code, label = "terminate", "终止"

    def refusal(self, notice):
        return "公告已终止。" if notice.terminated_at else None

    def apply(self, req, notice, actor):
        notice.terminated_at = timezone.now()


SAMPLE = DocumentType(
    flow=FLOW, namespace="kitsample", title="示例公告", section="示例", form=NoticeForm,
    columns=[Column("名称", "name"), Column("金额（元）", "amount", kind="money")],
    may_list=is_staff, may_create=is_clerk, example={"name": "示例公告", "amount": "100.00"},
    lines=(LineSpec(LineTable("line", "采购内容清单", (LineColumn("item", "标的名称"), LineColumn("quantity", "数量", "number"),
                                                     LineColumn("amount", "金额（元）", "money")), min_rows=0),
                    NoticeLine, "notice"),),
    requests=RequestType(flow=REQUEST_FLOW, target_field="notice", kinds=(Change(), Terminate())))
