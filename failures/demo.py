"""Demo rows of 流标 → 废标处理, and the kit's example (a draft handling) for the test builders and the scope matrix.
Everything goes through the apps' services and the engine, as a user's clicks would."""

import itertools
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from access import places
from budgets import platform
from core import catalog
from core.models import Category
from orgs.models import Role, Unit, User
from orgs.testing import make_user
from plans import selectors as plan_selectors
from plans import services as plan_services
from projects import services as project_services
from trading import selectors as trading_selectors
from trading import services as trading_services
from workflow import engine

from . import services
from .models import FailureHandling, FailureReason, HandlingKind

_seq = itertools.count(1)
DEMO_PLAN = "2026年教学楼物业管理服务"  # plans.demo's filed plan entrusted to the demo agency


def _category(unit, kind: str):
    items = catalog.catalogue(unit.region.code)
    for cat in Category.objects.filter(kind=kind, is_leaf=True).order_by("code")[:200]:
        if catalog.catalogue_item(items, cat.code) is None:
            return cat
    raise LookupError(kind)


def _approver(doc, node, exclude):
    """Someone who sits at the node (an existing user, else a demo one)."""
    unit = getattr(doc, node.unit_field)
    candidates = User.objects.filter(role_assignments__role=node.role, is_active=True).exclude(pk__in=exclude)
    if node.where in (places.OWN_UNIT, places.COMPETENT):
        candidates = candidates.filter(unit_id=places.place_unit_id(node.where, unit))
    else:
        candidates = candidates.filter(unit__kind=Unit.KIND_REGULATOR)
    for user in candidates.select_related("unit")[:50]:
        if engine.can_act_at(user, doc, node):
            return user
    target = places.place_region(node.where, unit)
    home = (Unit.objects.filter(kind=Unit.KIND_REGULATOR, region=target).first() if target is not None
            else Unit.objects.get(pk=places.place_unit_id(node.where, unit)))
    return make_user(f"fb_{node.code}_{home.pk}_{next(_seq)}", home, node.role)


def _walk(doc, exclude=()):
    """Approve a submitted document through every node of its chain."""
    doc = type(doc).objects.get(pk=doc.pk)
    while doc.status == "pending":
        node = engine.flow_for(doc).node(doc.current_node)
        engine.approve(doc, _approver(doc, node, [doc.submitted_by_id, *exclude]), opinion="同意")
        doc = type(doc).objects.get(pk=doc.pk)
    return doc


def _filed_self_organized_plan(clerk, amount: str = "100000.00"):
    """A filed 分散采购自行组织 询价 plan of the clerk's unit (project, indicator and plan through their services)."""
    unit, year, n = clerk.unit, timezone.localdate().year, next(_seq)
    ind = platform.indicator_create(data={
        "bgt_id": f"DEMO-FB-{unit.pk}-{timezone.now():%H%M%S%f}-{n}", "mof_div_code": unit.region.code,
        "fiscal_year": year, "agency_code": unit.budget_code, "pro_code": f"PRO-FB-{unit.pk}-{n}",
        "pro_name": "废标处理示例经费", "amount": Decimal(amount) * 2}, origin="废标处理示例")
    cat = _category(unit, "goods")
    project = project_services.project_save(
        actor=clerk, data={"name": f"废标处理示例项目{n}", "fiscal_year": year, "implementation_form": "general",
                           "procurement_kind": "goods", "summary": "示例。", "contact_name": "王经办",
                           "contact_phone": "0591-87091234"},
        content_lines=[{"category": cat, "item_name": cat.name, "quantity": "1", "measure_unit": "批",
                        "unit_price": amount}],
        fund_lines=[{"indicator": ind, "amount": amount}])
    engine.submit(project, clerk)
    project = _walk(project)
    plan = plan_services.plan_start(actor=clerk, plan_type="general", project=project)
    plan = plan_services.plan_save(clerk, plan, {
        "organization_form": "self_organized", "procurement_method": "inquiry", "sme_oriented": True,
        "contact_name": "王经办", "contact_phone": "0591-87091234"}, plan.version)
    engine.submit(plan, clerk)
    return _walk(plan)


def example_handling(clerk):
    """A valid draft 废标处理 (重新招标) of a self-organised procurement of the clerk's unit whose lot failed."""
    plan = _filed_self_organized_plan(clerk)
    proc = trading_services.procurement_accept(actor=clerk, plan=plan)
    trading_services.procurement_announced(actor=clerk, procurement=proc)
    lot = trading_selectors.lots(proc)[0]
    services.failure_declare(actor=clerk, procurement=proc, lot_ids=[lot.pk], reason=FailureReason.FEW_RESPONSIVE,
                             explanation="响应截止时仅两家供应商提交响应文件。")
    proc = trading_selectors.of_plan(plan.pk)
    return services.handling_save(clerk, None, {"procurement": proc, "kind": HandlingKind.REBID,
                                                "explanation": "按原采购方式重新组织采购。"}, None)


@transaction.atomic
def load_demo() -> int:
    """Once: the demo agency takes up its entrusted plan (plans.demo), announces it, records a 流标 (fewer than
    three suppliers) and proposes 变更采购方式 (磋商 → 竞争性谈判); the purchaser's clerk completes it (采购方式
    变更录入) and its reviewer approves: the procurement waits for its next round's announcement."""
    agency = Unit.objects.filter(kind=Unit.KIND_AGENCY).order_by("pk").first()
    agency_user = (User.objects.filter(unit=agency, role_assignments__role=Role.AGENCY).order_by("pk").first()
                   if agency is not None else None)
    clerk = User.objects.filter(username="fj_edu_clerk").first()
    if agency_user is None or clerk is None:
        return 0
    plan = plan_selectors.awaiting_execution(agency_user).filter(name=DEMO_PLAN).order_by("pk").first()
    if plan is None:
        return 0
    proc = trading_selectors.of_plan(plan.pk)
    if proc is not None and FailureHandling.objects.filter(procurement_id=proc.pk).exists():
        return 0
    if proc is None:
        proc = trading_services.procurement_accept(actor=agency_user, plan=plan)
    trading_services.procurement_announced(actor=agency_user, procurement=proc)
    lots = [lot.pk for lot in trading_selectors.lots(proc) if lot.status in ("open", "awarded")]
    services.failure_declare(actor=agency_user, procurement=proc, lot_ids=lots,
                             reason=FailureReason.FEW_RESPONSIVE,
                             explanation="磋商响应截止时仅两家供应商提交响应文件，符合要求的供应商不足三家。")
    proc = trading_selectors.of_plan(plan.pk)
    doc = services.handling_save(agency_user, None, {
        "procurement": proc, "kind": HandlingKind.CHANGE_METHOD, "new_method": "negotiation",
        "change_reason": "市场供应商有限，两次公告响应不足三家，拟采用竞争性谈判。",
        "explanation": "磋商流标，建议变更为竞争性谈判。"}, None)
    engine.submit(doc, agency_user)
    services.purchaser_save(actor=clerk, handling=doc, version=None, submit=True, data={
        "purchaser_note": "同意变更为竞争性谈判，预算与需求不变。", "contact_name": "王经办",
        "contact_phone": "0591-87091234"})
    _walk(doc, exclude=[clerk.pk])
    return 1
