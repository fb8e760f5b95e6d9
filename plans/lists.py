"""The regulator's 计划管理 (JX manual 计划管理 2–6): five lists over the region's plans, each declared once here
(the plans it covers, its tabs, its columns); the page, its query form, its Excel export and its URL come from
the declaration (views.region_view, urls.py), the menu entry from plans.apps.REGION_PAGES."""

from dataclasses import dataclass, field

from django import forms
from django.db.models import Q
from django.urls import reverse

from core.forms import FiscalYearField, Form
from core.listing import Column, ListSpec, Tab
from workflow.models import Status

from .apps import REGION_PAGES
from .docs import FLOW
from .models import Method, OrganizationForm, PlanType

TITLES = dict(REGION_PAGES)


class RegionPlanFilterForm(Form):
    number = forms.CharField(label="计划编号", required=False, max_length=40)
    name = forms.CharField(label="项目名称", required=False, max_length=200)
    unit_name = forms.CharField(label="采购单位", required=False, max_length=100)
    fiscal_year = FiscalYearField(required=False, widget=forms.NumberInput(attrs={"style": "width:90px;min-width:90px"}))
    plan_type = forms.ChoiceField(label="计划类型", required=False, choices=[("", "全部"), *PlanType.choices])
    procurement_method = forms.ChoiceField(label="采购方式", required=False, choices=[("", "全部"), *Method.choices])
    agency_name = forms.CharField(label="代理机构", required=False, max_length=100)


def _filter(qs, data):
    text = {"number": "number__startswith", "name": "name__contains", "unit_name": "unit__name__contains",
            "agency_name": "agency__name__contains"}
    for name, lookup in text.items():
        if value := (data.get(name) or "").strip():
            qs = qs.filter(**{lookup: value})
    for name in ("fiscal_year", "plan_type", "procurement_method"):
        if data.get(name):
            qs = qs.filter(**{name: data[name]})
    return qs


def _detail(plan) -> str:
    return reverse("plans:detail", args=[plan.pk])


def _node(plan) -> str:
    if plan.status != Status.PENDING or not plan.current_node:
        return ""
    return FLOW.node(plan.current_node).label


def _organizer(plan) -> str:
    """采购机构: the agency entrusted, or the unit itself (自行组织 / 部门集中采购 without an agency)."""
    return plan.agency.name if plan.agency_id else "采购单位自行组织"


FILED = Q(status=Status.APPROVED, revoked_at__isnull=True)
STATE_TABS = [Tab("pending", "审核中", Q(status=Status.PENDING)), Tab("filed", "已备案", FILED),
              Tab("revoked", "已撤销", Q(revoked_at__isnull=False)), Tab("all", "全部", Q())]
SCATTERED = (OrganizationForm.ENTRUSTED, OrganizationForm.SELF_ORGANIZED)

LEAD = [Column("计划编号", "number", link=_detail), Column("项目名称", "name"), Column("采购单位", "unit.name"),
        Column("计划类型", lambda p: p.get_plan_type_display()),
        Column("计划金额（元）", "total_amount", kind="money")]
FORM = Column("组织形式", lambda p: p.get_organization_form_display())
METHOD = Column("采购方式", lambda p: p.get_procurement_method_display())
STATE = Column("状态", "status_text", kind="status")
FILED_AT = Column("备案时间", "approved_at", kind="datetime")


@dataclass
class RegionList:
    code: str                       # plans:region_<code>; its title is plans.apps.REGION_PAGES'
    base: Q                         # the plans it covers, within the region's submitted plans
    columns: list[Column]           # after 计划编号, 项目名称, 采购单位, 计划类型, 计划金额
    tabs: list[Tab] = field(default_factory=lambda: STATE_TABS)
    help: str = ""

    @property
    def title(self) -> str:
        return TITLES[self.code]

    @property
    def url_name(self) -> str:
        return f"plans:region_{self.code}"

    def spec(self) -> ListSpec:
        return ListSpec(title=self.title, breadcrumb=["政府采购", "计划管理", self.title], columns=[*LEAD, *self.columns],
                        tabs=self.tabs, form_class=RegionPlanFilterForm, apply_filters=_filter,
                        export_name=self.title, ordering=("-id",), row_actions=lambda req, p: [("查看", _detail(p))])


REGION_LISTS = [
    RegionList("budget_review", Q(), [Column("当前环节", _node), STATE, Column("提交时间", "submitted_at", kind="datetime"),
                                      FILED_AT],
               help="本辖区采购单位已提交的采购计划及其审核情况。"),
    RegionList("organization", ~Q(organization_form=""), [FORM, METHOD, STATE],
               tabs=[*(Tab(code, label, Q(organization_form=code)) for code, label in OrganizationForm.choices),
                     Tab("all", "全部", Q())],
               help="采购计划选择的组织形式（网上超市、合同续签、自行采购计划不涉及组织形式）。"),
    RegionList("central", Q(organization_form=OrganizationForm.CENTRAL),
               [Column("集中采购机构", "agency.name"), METHOD, STATE, FILED_AT],
               help="组织形式为集中采购机构采购的项目指定集中采购机构代理的情况。"),
    RegionList("agency_method", Q(organization_form__in=(OrganizationForm.DEPARTMENT, *SCATTERED)),
               [FORM, Column("采购机构", _organizer), METHOD, STATE],
               tabs=[Tab("department", "部门集中采购", Q(organization_form=OrganizationForm.DEPARTMENT)),
                     Tab("scattered", "分散采购", Q(organization_form__in=SCATTERED)), Tab("all", "全部", Q())],
               help="部门集中采购与分散采购的项目选择的采购机构和采购方式。"),
    RegionList("entrusted_agency", Q(organization_form=OrganizationForm.ENTRUSTED),
               [Column("代理机构", "agency.name"), METHOD, STATE, FILED_AT],
               help="组织形式为分散采购委托代理的项目指定社会代理机构的情况。"),
]
