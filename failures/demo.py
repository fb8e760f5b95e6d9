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
from orgs.models import Unit, User
from orgs.testing import make_user
from plans import services as plan_services
from projects import services as project_services
from trading import selectors as trading_selectors
from trading import services as trading_services
from workflow import engine

from . import services
from .models import FailureHandling, FailureReason, HandlingKind

_seq = itertools.count(1)
DEMO_PLAN = "2026年教室计算机设备更新"  # plans.demo.TENDER_PLAN: 公开招标 by the 集中采购机构, above the 公开招标数额


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
    """Once: the 集中采购机构 `central` declares the 流标 of its 公开招标 (announced, only one supplier registered:
    fewer than three, 法 36) and proposes 变更采购方式 to 竞争性谈判; the purchaser's clerk completes it (采购方式
    变更录入), its reviewer approves, and — the amount being at or above the 公开招标数额 (法 27) — the province's
    regulator `fj_reg` approves: the procurement waits for its next round's announcement. 0 when done before or
    when the trading demo's steps are missing."""
    central = User.objects.filter(username="central").first()
    clerk = User.objects.filter(username="fj_edu_clerk").first()
    if central is None or clerk is None:
        return 0
    proc = (trading_selectors.visible(central).filter(organizer_id=central.unit_id, name=DEMO_PLAN)
            .order_by("pk").first())
    if proc is None or proc.status != "in_progress" or FailureHandling.objects.filter(procurement_id=proc.pk).exists():
        return 0
    lots = [lot.pk for lot in trading_selectors.lots(proc) if lot.status == "open"]
    services.failure_declare(actor=central, procurement=proc, lot_ids=lots, reason=FailureReason.FEW_QUALIFIED,
                             explanation="投标截止时仅一家供应商提交投标文件，不足三家，依法予以废标。")
    proc = trading_selectors.of_plan(proc.plan_id)
    doc = services.handling_save(central, None, {
        "procurement": proc, "kind": HandlingKind.CHANGE_METHOD, "new_method": "negotiation",
        "change_reason": "公开招标投标截止后提交投标文件的供应商不足三家，招标文件没有不合理条款、招标程序符合规定，"
                         "拟依政府采购法实施条例第二十三条、财政部令第74号第二十七条申请采用竞争性谈判。",
        "explanation": "公开招标流标，建议变更为竞争性谈判。"}, None)
    engine.submit(doc, central)
    services.purchaser_save(actor=clerk, handling=doc, version=None, submit=True, data={
        "purchaser_note": "同意变更为竞争性谈判，预算、采购需求不变。", "contact_name": "王经办",
        "contact_phone": "0591-87091234"})
    preferred = list(User.objects.filter(username__in=("fj_edu_reviewer", "fj_reg")))
    doc = FailureHandling.objects.get(pk=doc.pk)
    while doc.status == "pending":
        node = engine.flow_for(doc).node(doc.current_node)
        actor = (next((u for u in preferred if engine.can_act_at(u, doc, node)), None)
                 or _approver(doc, node, [doc.submitted_by_id, clerk.pk]))
        engine.approve(doc, actor, opinion="同意变更为竞争性谈判" if actor.username == "fj_reg" else "同意")
        doc = FailureHandling.objects.get(pk=doc.pk)
    return 1
