"""废标处理 on the document kit: its flow (conditions and checks declared on the nodes), form, list and 回第一步."""

from django import forms
from django.db.models import Q

from access import rights
from access.scope import Acting
from core.forms import Form
from core.listing import Column, Tab
from orgs.models import Role
from plans.selectors import METHOD_CHOICES
from workflow.engine import COMPETENT, FINANCE, DirectAction, Flow, Node, register
from workflow.kit.documents import DocumentType, inbox_tabs
from workflow.models import Status

from . import selectors, services
from .models import FailureHandling, HandlingKind

S = "failures.services"
FLOW = register(Flow(
    doc_type=FailureHandling.doc_type, label="废标处理", model=FailureHandling, discardable=True,
    submit_role="agency", submit_role_of=f"{S}.submitter_role", submit_label="组织单位经办",
    submit_unit_field="organizer",
    nodes=(Node("purchaser", "采购单位经办", Role.CLERK, condition=f"{S}.needs_purchaser_entry",
                check=f"{S}.purchaser_entry_check", entry=f"{S}.entry_url"),
           Node("reviewer", "采购单位审核", Role.REVIEWER),
           Node("competent", "主管预算单位审核", Role.COMPETENT, COMPETENT, condition=f"{S}.needs_competent_review"),
           Node("regulator", "财政部门确认", Role.REGULATOR, FINANCE, condition=f"{S}.needs_regulator",
                check=f"{S}.regulator_check")),
    on_submit=f"{S}.submitted", on_approve=f"{S}.approved",
    direct_actions=(DirectAction("back_to_first", "回第一步", right=rights.may_send_handling_back,
                                 allowed=f"{S}.back_allowed", effect=f"{S}.back_to_first",
                                 done_message="已回第一步：废标处理退回组织单位编辑。"),)))


class HandlingForm(Form):
    procurement = forms.ModelChoiceField(label="采购项目", queryset=selectors.NO_PROCUREMENTS, empty_label="请选择",
                                         help_text="已流标/废标、由本单位组织的采购项目。")
    kind = forms.ChoiceField(label="处理方式", choices=[("", "请选择"), *HandlingKind.choices])
    new_method = forms.ChoiceField(label="变更后采购方式", choices=[("", "请选择"), *METHOD_CHOICES], required=False,
                                   help_text="处理方式为变更采购方式时选择。")
    change_reason = forms.CharField(label="变更理由", required=False, max_length=2000,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    explanation = forms.CharField(label="处理说明", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    # the purchaser's part, filled here only when the purchaser organises the procurement itself
    purchaser_note = forms.CharField(label="终止/变更情况说明", required=False, max_length=2000,
                                     widget=forms.Textarea(attrs={"rows": 3}))
    contact_name = forms.CharField(label="联系人", required=False, max_length=30)
    contact_phone = forms.CharField(label="联系电话", required=False, max_length=30)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procurement"].queryset = selectors.handleable(user) if user is not None else \
            selectors.NO_PROCUREMENTS
        if user is not None and rights.in_agency_unit(user):  # the purchaser's clerk fills these on its own page
            for name in services.PURCHASER_FIELDS:
                del self.fields[name]


def _form_kwargs(user):
    return {"user": user}


def _example(clerk):
    from . import demo

    return demo.example_handling(clerk)


def _detail_context(request, doc):
    return selectors.detail_context(request.user, doc)


HANDLING = DocumentType(
    flow=FLOW, namespace="failures", title="流标重招", section="采购执行", form=HandlingForm,
    form_kwargs=_form_kwargs,
    columns=[Column("项目名称", "procurement.name"), Column("采购编号", "procurement.number"),
             Column("处理方式", lambda d: d.get_kind_display()), Column("原采购方式", "method_before_text"),
             Column("变更后采购方式", "new_method_text"), Column("预算金额（元）", "amount", kind="money")],
    may_list=rights.may_view_failure_handlings, may_create=rights.may_start_failure_handling,
    tabs=inbox_tabs(FLOW, Tab("approved", "已办结", Q(status=Status.APPROVED))),
    select_related=("unit", "created_by", "procurement", "organizer"), scope_fields=("unit", Acting("organizer")),
    save=services.handling_save, detail_template="failures/detail.html",
    detail_fields=["kind", "method_before", "new_method", "change_reason", "explanation", "purchaser_note",
                   "contact_name", "contact_phone", "amount"],
    extra_context=_detail_context, initial_from_query=("procurement",), example=_example)
