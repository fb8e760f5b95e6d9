"""采购意向公开 on the document kit: clerk → 审核岗, then 待发布 → 已发布 (发布 final), 撤销 back to editing before it."""

import json

from django import forms
from django.urls import reverse

from access import rights
from core.forms import Form
from core.lines import LineColumn, LineTable
from core.listing import Column
from joint import selectors as joint_selectors
from orgs.models import Role
from workflow.engine import DirectAction, Flow, Node, Stage, register
from workflow.kit.documents import DocumentType, LineSpec, inbox_tabs

from . import selectors, services
from .models import Intention, IntentionLine

FLOW = register(Flow(
    doc_type=Intention.doc_type, label="采购意向公开", model=Intention,
    nodes=(Node("reviewer", "审核岗审核", Role.REVIEWER),),
    on_submit="intentions.services.intention_check", discardable=True,
    stages=(Stage("publish", "待发布", "publish", "发布", "已发布", Role.CLERK,
                  on_done="intentions.services.intention_published"),),
    direct_actions=(DirectAction("revoke", "撤销", right=rights.is_clerk_of, allowed=services.unpublished,
                                 effect=services.back_to_editing, done_message="已撤销，采购意向退回编辑。"),)))

# 财库〔2020〕10号: 采购项目名称, 采购需求概况, 预算金额, 预计采购时间 (填写到月), 备注; the project rides hidden
LINES = LineTable(services.LINES, "采购意向", (
    LineColumn("project_id", "采购项目", "hidden", required=False),
    LineColumn("joint_id", "统招分签项目", "hidden", required=False),
    LineColumn("name", "采购项目名称"),
    LineColumn("demand_summary", "采购需求概况", max_length=2000),
    LineColumn("budget_amount", "预算金额（元）", "money"),
    LineColumn("expected_month", "预计采购时间", "month"),
    LineColumn("remark", "备注", required=False, max_length=500)),
    add_label="", extra={"picker": "pick-projects", "picker_label": "选择采购项目"})


class IntentionForm(Form):
    title = forms.CharField(label="标题", max_length=200, required=False,
                            help_text="留空则为“单位名称＋年月＋政府采购意向”。")


def picker_row(project=None, *, joint=None, amount=None) -> str:
    """What a chosen project (or collected 统招分签) fills into its line (the intention keeps its own copy)."""
    src = joint or project
    month = src.expected_month
    return json.dumps({"project_id": project.pk if project else "", "joint_id": joint.pk if joint else "",
                       "name": src.name, "demand_summary": src.demand_summary or src.summary,
                       "budget_amount": str(amount if amount is not None else src.total_amount),
                       "expected_month": f"{month:%Y-%m}" if month else "", "remark": ""}, ensure_ascii=False)


def form_context(request, doc) -> dict:
    projects = list(selectors.eligible_projects(request.user, doc=doc)[:500])
    joints = [joint_selectors.summary(j) for j in selectors.eligible_joints(request.user, doc=doc)[:100]]
    return {"candidates": [(p.number, p.name, p.get_implementation_form_display(), p.total_amount, p.expected_month,
                            picker_row(p)) for p in projects]
            + [(c.joint.number, c.name, "统招分签", c.total_amount, c.expected_month,
                picker_row(joint=c.joint, amount=c.total_amount)) for c in joints]}


def detail_context(request, doc) -> dict:
    published = doc.stage == selectors.PUBLISHED
    return {"public_url": reverse("intentions_public:detail", args=[doc.pk]) if published else ""}


def _example(clerk):
    from .testing import example  # builds an approved project first: for tests and the scope matrix only

    return example(clerk)


INTENTION = DocumentType(
    flow=FLOW, namespace="intentions", title="采购意向公开", section="采购意向公开", form=IntentionForm,
    columns=[Column("标题", "title"), Column("发布时间", "published_at", kind="datetime")],
    may_list=rights.may_view_intentions, may_create=rights.is_clerk, tabs=inbox_tabs(FLOW),
    lines=(LineSpec(LINES, IntentionLine, "intention"),), clean=services.intention_clean,
    form_context=form_context, form_template="intentions/form.html",
    detail_template="intentions/detail.html", extra_context=detail_context, example=_example)
