"""Demo rows of 采购计划: a 集中采购机构 with its staff, the historical contracts 合同续签 needs, one filed
plan entrusted to the agency (the demo's story to a result) and one 公开招标 plan of the 集中采购机构 (the story of
流标 → 变更采购方式). Also the kit's example (a valid draft) for the test builders and the scope matrix."""

import datetime as dt
import itertools
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from budgets import platform
from contracts import services as contract_services
from core import catalog
from core.models import Category
from orgs.models import Role, Unit, User
from orgs.testing import credit_code, make_unit, make_user
from projects import services as project_services
from workflow import engine

from . import services
from .models import Method, OrganizationForm, Plan, PlanType

_seq = itertools.count(1)


def _project(clerk, reviewer, *, name: str, amount: str, kind: str = "goods", form: str = "general",
             pro_code: str = "", category=None, quantity: int = 1, measure: str = "批"):
    """An approved project of the clerk's unit paid by one new indicator (as the platform would push it)."""
    unit, year = clerk.unit, timezone.localdate().year
    n = next(_seq)
    ind = platform.indicator_create(data={
        "bgt_id": f"DEMO-PLAN-{unit.pk}-{timezone.now():%H%M%S%f}-{n}", "mof_div_code": unit.region.code,
        "fiscal_year": year, "agency_code": unit.budget_code, "pro_code": pro_code or f"PRO-PLAN-{unit.pk}-{n}",
        "pro_name": f"{name}经费", "amount": Decimal(amount) * 2}, origin="采购计划演示")
    category = category or _outside_catalogue(unit, kind)
    project = project_services.project_save(
        actor=clerk, data={"name": name, "fiscal_year": year, "implementation_form": form, "procurement_kind": kind,
                           "summary": f"{name}。", "contact_name": "王经办", "contact_phone": "0591-87091234"},
        content_lines=[{"category": category, "item_name": category.name, "quantity": str(quantity),
                        "measure_unit": measure, "unit_price": str(Decimal(amount) / quantity)}],
        fund_lines=[{"indicator": ind, "amount": amount}])
    engine.submit(project, clerk)
    engine.approve(project, reviewer, opinion="同意立项")
    project.refresh_from_db()
    return project


def _outside_catalogue(unit, kind: str):
    """A leaf 品目 of the kind outside the unit's 集中采购目录 (so any 组织形式 is allowed)."""
    items = catalog.catalogue(unit.region.code)
    for cat in Category.objects.filter(kind=kind, is_leaf=True).order_by("code")[:200]:
        if catalog.catalogue_item(items, cat.code) is None:
            return cat
    raise LookupError(kind)


def example_plan(clerk):
    """A valid draft 一般项目采购 plan of the clerk's unit (the kit's `example`)."""
    reviewer = (User.objects.filter(unit=clerk.unit, role_assignments__role=Role.REVIEWER).exclude(pk=clerk.pk)
                .order_by("pk").first() or make_user(f"plan_rev_{clerk.unit_id}_{next(_seq)}", clerk.unit, Role.REVIEWER))
    project = _project(clerk, reviewer, name=f"示例采购计划项目{next(_seq)}", amount="100000.00")
    plan = services.plan_start(actor=clerk, plan_type=PlanType.GENERAL, project=project)
    return services.plan_save(clerk, plan, {
        "organization_form": OrganizationForm.SELF_ORGANIZED, "procurement_method": Method.INQUIRY,
        "sme_oriented": True, "contact_name": "王经办", "contact_phone": "0591-87091234"}, plan.version)


@transaction.atomic
def load() -> int:
    """Once: the 集中采购机构, contracts of 福建省教育厅, one filed plan entrusted to the demo agency."""
    if Unit.objects.filter(kind=Unit.KIND_CENTRAL).exists():
        return 0
    # its own credit code: this runs in another process than portal.demo.load, whose builder sequence restarts
    central = make_unit("福建省政府采购中心", region_code="350000", kind=Unit.KIND_CENTRAL, code=credit_code(90001))
    make_user("central", central, Role.AGENCY, password="Zc@123456", full_name="许集采")
    edu = Unit.objects.filter(name="福建省教育厅").first()
    agency = Unit.objects.filter(kind=Unit.KIND_AGENCY).order_by("pk").first()
    clerk = User.objects.filter(username="fj_edu_clerk").first()
    reviewer = User.objects.filter(username="fj_edu_reviewer").first()
    if edu is None or clerk is None or reviewer is None or agency is None:
        return 0
    contract_services.contract_record_filed(
        unit=edu, number="HT-350000-2025-000101", name="福建省教育厅办公楼物业管理服务合同（2025年度）",
        supplier="福州市安居物业服务有限公司", amount=Decimal("480000.00"), signed_on=dt.date(2025, 1, 10),
        multi_year=True)
    project = _project(clerk, reviewer, name="2026年教育信息系统运行维护服务", amount="300000.00", kind="services",
                       category=Category.objects.filter(code="C16050000").first())
    plan = services.plan_start(actor=clerk, plan_type=PlanType.GENERAL, project=project)
    plan = services.plan_save(clerk, plan, {
        "organization_form": OrganizationForm.ENTRUSTED, "procurement_method": Method.CONSULTATION,
        "agency": agency, "sme_oriented": True, "contact_name": "王经办", "contact_phone": "0591-87091234"},
        plan.version)
    engine.submit(plan, clerk)
    engine.approve(type(plan).objects.get(pk=plan.pk), reviewer, opinion="同意")
    return 1


TENDER_PLAN = "2026年教室计算机设备更新"  # trading.demo and failures.demo find it by this name
TENDER_AMOUNT = "4200000.00"  # above Fujian's 公开招标数额 (4,000,000 元): a later change of method needs the regulator


def _file(plan, users):
    """Submit the plan and approve it at every node of its chain with the first of `users` who may act there."""
    clerk = users[0]
    plan = engine.submit(plan, clerk)
    while plan.status == "pending":
        node = engine.flow_for(plan).node(plan.current_node)
        actor = next((u for u in users[1:] if engine.can_act_at(u, plan, node)), None)
        if actor is None:
            raise LookupError(node.code)
        plan = engine.approve(type(plan).objects.get(pk=plan.pk), actor, opinion="同意")
    return plan


@transaction.atomic
def load_tender_plan() -> int:
    """Once: 福建省教育厅's filed 公开招标 plan for 700 台式计算机 (集中采购目录: 集中采购机构采购), 4,200,000 元,
    entrusted to the 集中采购机构 `central`. Returns 0 when it is there or a prerequisite is missing."""
    central = Unit.objects.filter(kind=Unit.KIND_CENTRAL).order_by("pk").first()
    users = [User.objects.filter(username=n).first() for n in ("fj_edu_clerk", "fj_edu_reviewer", "fj_edu_competent",
                                                               "fj_reg")]
    category = Category.objects.filter(code="A02010104").first()
    if central is None or None in users[:2] or category is None:
        return 0
    clerk, reviewer = users[0], users[1]
    if Plan.objects.filter(unit_id=clerk.unit_id, name=TENDER_PLAN).exists():
        return 0
    project = _project(clerk, reviewer, name=TENDER_PLAN, amount=TENDER_AMOUNT, category=category, quantity=700,
                       measure="台")
    plan = services.plan_start(actor=clerk, plan_type=PlanType.GENERAL, project=project)
    plan = services.plan_save(clerk, plan, {
        "organization_form": OrganizationForm.CENTRAL, "procurement_method": Method.OPEN, "agency": central,
        "sme_oriented": True, "sme_micro_pct": "60", "contact_name": "王经办", "contact_phone": "0591-87091234"}, plan.version)
    _file(plan, [u for u in users if u is not None])
    return 1


OPEN_PLAN = "2026年图书馆图书资料采购"  # trading.demo announces it and leaves it open for 报名


@transaction.atomic
def load_open_plan() -> int:
    """Once: 福建省教育厅's filed 询价 plan for library books (280,000 元) entrusted to the agency `agency`, which
    the trading demo announces and leaves open, so a visitor can 报名 as supplier1 or supplier2."""
    agency = Unit.objects.filter(kind=Unit.KIND_AGENCY).order_by("pk").first()
    users = [User.objects.filter(username=n).first() for n in ("fj_edu_clerk", "fj_edu_reviewer", "fj_edu_competent",
                                                               "fj_reg")]
    if agency is None or None in users[:2]:
        return 0
    clerk, reviewer = users[0], users[1]
    if Plan.objects.filter(unit_id=clerk.unit_id, name=OPEN_PLAN).exists():
        return 0
    project = _project(clerk, reviewer, name=OPEN_PLAN, amount="280000.00", quantity=4000, measure="册")
    plan = services.plan_start(actor=clerk, plan_type=PlanType.GENERAL, project=project)
    plan = services.plan_save(clerk, plan, {
        "organization_form": OrganizationForm.ENTRUSTED, "procurement_method": Method.INQUIRY, "agency": agency,
        "sme_oriented": True, "contact_name": "王经办", "contact_phone": "0591-87091234"}, plan.version)
    _file(plan, [u for u in users if u is not None])
    return 1
