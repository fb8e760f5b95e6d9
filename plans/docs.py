"""采购计划申报 (FJ 4.1) and 采购计划撤销 (4.2) on the document kit: flows, form, list, requests."""

from django import forms
from django.db.models import Q

from access import rights
from access.scope import Acting
from core.forms import Form
from core.listing import Column, Tab
from orgs.models import Role, Unit
from workflow.engine import COMPETENT, FINANCE, Flow, Node, register
from workflow.kit.documents import DocumentType, inbox_tabs
from workflow.kit.requests import RequestKind, RequestType
from workflow.models import Status

from . import services
from .models import Method, OrganizationForm, Plan, PlanRequest, PlanType

S = "plans.services"
FLOW = register(Flow(
    doc_type=Plan.doc_type, label="采购计划申报", model=Plan, discardable=True,
    nodes=(Node("reviewer", "审核岗审核", Role.REVIEWER),
           Node("competent", "主管预算单位审核", Role.COMPETENT, COMPETENT, condition=f"{S}.needs_competent_review"),
           Node("regulator", "财政部门审批", Role.REGULATOR, FINANCE, condition=f"{S}.needs_regulator_approval",
                check=f"{S}.single_source_gate")),
    on_submit=f"{S}.submitted", on_return=f"{S}.returned", on_discard=f"{S}.returned", on_approve=f"{S}.filed"))
REQUEST_FLOW = register(Flow(doc_type=PlanRequest.doc_type, label="采购计划撤销", model=PlanRequest,
                             nodes=(Node("reviewer", "审核岗审核", Role.REVIEWER),)))


class IdListField(forms.Field):
    """Ids (or 序号) posted as a list: checkboxes, hidden inputs, or a JSON array through the API."""
    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if value in (None, ""):
            return []
        values = value if isinstance(value, (list, tuple)) else [value]
        out = []
        for v in values:
            text = str(v).strip()
            if not (text.isascii() and text.isdigit()) or len(text) > 9:
                raise forms.ValidationError("请从列表中选择。")
            out.append(int(text))
        return out


class PlanForm(Form):
    # chosen on 新增 (the type page and 【+选择采购项目】), fixed afterwards; the API's create sends them
    plan_type = forms.ChoiceField(label="计划类型", choices=PlanType.choices, required=False, widget=forms.HiddenInput)
    project_id = forms.IntegerField(label="采购项目", required=False, widget=forms.HiddenInput)
    mall_line_id = forms.IntegerField(label="网上超市采购明细", required=False, widget=forms.HiddenInput)
    joint_project_id = forms.IntegerField(label="统招分签项目", required=False, widget=forms.HiddenInput)
    # 组织实施方案
    organization_form = forms.ChoiceField(label="组织形式", choices=[("", "请选择"), *OrganizationForm.choices],
                                          required=False)
    procurement_method = forms.ChoiceField(label="采购方式", choices=[("", "请选择"), *Method.choices], required=False)
    agency = forms.ModelChoiceField(label="委托代理机构", required=False, empty_label="请选择",
                                    queryset=Unit.objects.filter(kind__in=services.AGENCY_KINDS).order_by("kind", "name"))
    original_contract_id = forms.IntegerField(label="原合同", required=False)
    # 执行相关政策
    sme_oriented = forms.BooleanField(label="专门面向中小企业采购", required=False)
    sme_reserved_pct = forms.DecimalField(label="预留中小企业份额（%）", required=False, min_value=0, max_value=100,
                                          decimal_places=2)
    sme_micro_pct = forms.DecimalField(label="预留份额中小微企业比例（%）", required=False, min_value=0, max_value=100,
                                       decimal_places=2)
    sme_reason = forms.CharField(label="未按政策预留的原因", required=False, max_length=2000,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    import_lines = IdListField(label="是否进口产品", required=False)
    service_lines = IdListField(label="是否政府购买服务", required=False)
    split_explanation = forms.CharField(
        label="化整为零情况说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="同一预算项目、同一品目本年度以非公开招标方式采购累计超过公开招标数额标准的，提交时须说明。")
    attachment_ids = IdListField(label="计划相关附件", required=False)
    # 项目联系方式
    contact_name = forms.CharField(label="联系人", max_length=30)
    contact_phone = forms.CharField(label="联系电话", max_length=30)


class Revoke(RequestKind):
    code, label = "revoke", "撤销"

    def refusal(self, plan):
        return "采购计划已撤销。" if plan.revoked_at else services.holder_refusal(plan)

    def apply(self, req, plan, actor):
        services.plan_revoke(plan, actor)

    def diff(self, req, plan):
        return [{"label": "计划状态", "old": "已备案", "new": "已撤销"}]


def _form_context(request, doc):
    from . import selectors  # the page's own reads

    return selectors.form_context(request.user, doc)


def _detail_context(request, doc):
    from . import selectors

    return selectors.detail_context(request.user, doc)


def _example(clerk):
    from . import demo

    return demo.example_plan(clerk)


PLAN = DocumentType(
    flow=FLOW, namespace="plans", title="采购计划申报", section="采购计划管理", form=PlanForm,
    columns=[Column("计划类型", lambda p: p.get_plan_type_display()), Column("项目名称", "name"),
             Column("计划金额（元）", "total_amount", kind="money"),
             Column("采购方式", lambda p: p.get_procurement_method_display()),
             Column("组织形式", lambda p: p.get_organization_form_display())],
    may_list=rights.may_view_plans, may_create=rights.may_start_plan, tabs=inbox_tabs(FLOW, Tab("filed", "已备案", Q(status=Status.APPROVED, revoked_at__isnull=True)),
                    Tab("revoked", "已撤销", Q(revoked_at__isnull=False))),
    select_related=("unit", "created_by", "agency"), scope_fields=("unit", Acting("filed_agency")),
    save=services.plan_save, detail_template="plans/detail.html", form_template="plans/form.html",
    detail_fields=["plan_type", "organization_form", "procurement_method"],
    form_context=_form_context, extra_context=_detail_context, example=_example,
    requests=RequestType(flow=REQUEST_FLOW, target_field="plan", kinds=(Revoke(),), number_type="plan_request", scope_fields=("unit",),
                         not_approved="只有已备案的采购计划可以撤销。"))
