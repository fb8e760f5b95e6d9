"""The contracts issue's input (awards.selectors.awarded_for_contracts): one row per winner per lot, and for a
统招分签 plan one row per responding unit with its share of the lot (FJ 4.1.4: 统一招标，各单位分别签订合同)."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import transaction

from awards import demo, selectors, services
from awards.docs import CANDIDATES, RESULT
from joint import services as joint_services
from joint.models import JointProject
from joint.tests.conftest import approved_joint, joint_data, jw  # noqa: F401  (jw: the fixture)
from orgs.models import Role, Unit
from orgs.testing import credit_code, make_unit, make_user
from plans import services as plan_services
from plans.tests.support import GOOD
from projects.tests.support import make_indicator
from trading import services as trading_services
from trading.tests.support import accepted, filed_plan
from workflow import engine

from .support import reload

pytestmark = pytest.mark.django_db

# Three goods lines of the joint: A takes 10 / 5 / 3, B takes 20 / 5 / — (B takes nothing of the third).
LINES = (("台式计算机", "5000"), ("打印机", "2000"), ("扫描仪", "1000"))
TAKES = {"a": ("10", "5", "3"), "b": ("20", "5", "")}


@pytest.fixture
def ag(jw):  # noqa: F811
    """The agency the lead entrusts (the trading fixture `tr` would make jw's 福州市第二中学 again)."""
    unit = make_unit("福州市招标代理有限公司", region_code="350100", kind=Unit.KIND_AGENCY)
    return SimpleNamespace(unit=unit, user=make_user("jt_agency", unit, Role.AGENCY))


def _respond(jw, joint, clerk, reviewer, indicator, takes):  # noqa: F811
    """The unit's response taking `takes` of the joint's lines, submitted and (with a reviewer) approved."""
    r = joint.responses.get(unit=clerk.unit, is_active=True)
    lines = list(joint.lines.filter(is_active=True).order_by("seq"))
    amount = sum((Decimal(q) * ln.unit_price for ln, q in zip(lines, takes, strict=True) if q), Decimal("0"))
    project = joint_services.joint_respond(
        actor=clerk, response=r, data={"name": f"{clerk.unit.name}设备"},
        takes={ln.pk: q for ln, q in zip(lines, takes, strict=True) if q},
        fund_lines=[{"indicator": str(indicator.pk), "amount": str(amount)}])
    project = engine.submit(project, clerk)
    if reviewer is not None:
        engine.approve(project, reviewer)


def _collected(jw, reviewing=False):  # noqa: F811
    """A and B approved; with `reviewing`, C (invited too) responds but is still in review when the lead collects."""
    data = joint_data(jw, [jw.a, jw.b, jw.c] if reviewing else [jw.a, jw.b], line=[
        {"category_id": str(jw.goods.pk), "item_name": name, "quantity": 100, "measure_unit": "台",
         "unit_price": price} for name, price in LINES])
    joint = joint_services.joint_save(jw.clerk, None, data, None)
    engine.submit(joint, jw.clerk)
    joint = engine.approve(joint, jw.reviewer)
    _respond(jw, joint, jw.a_clerk, jw.a_reviewer, jw.a_ind, TAKES["a"])
    _respond(jw, joint, jw.b_clerk, jw.b_reviewer, jw.b_ind, TAKES["b"])
    if reviewing:
        _respond(jw, joint, jw.c_clerk, None, make_indicator(jw.c, "500000"), ("30", "30", "30"))
    return engine.advance(JointProject.objects.get(pk=joint.pk), jw.clerk, "collect")


@transaction.atomic
def _joint_plan(jw, joint, agency):  # noqa: F811
    p = plan_services.plan_start(actor=jw.clerk, plan_type="joint", joint=joint)
    return plan_services.plan_save(jw.clerk, p, {**GOOD, "organization_form": "entrusted", "agency": agency},
                                   p.version)


def _filed(plan, clerk, reviewer):
    plan = engine.submit(plan, clerk)
    while plan.status == "pending":
        plan = engine.approve(plan, reviewer)
    assert plan.status == "approved", plan.status
    return plan


def _confirmed(agency_user, reviewer, lot, amount):
    """The lot's result with `amount` as the first candidate's price, confirmed by the purchaser's reviewer."""
    rows = [{"supplier_id": "", "supplier_name": name, "credit_code": credit_code(), "amount": price,
             "score": score, "rank": rank}
            for name, price, score, rank in (("福州办公设备有限公司", amount, "92", "1"),
                                             ("福建信息技术有限公司", str(lot.budget), "88", "2"))]
    data = {"lot_id": lot.pk, "report_date": dt.date(2026, 3, 2), "expert_names": "张评审、李评审、王评审",
            "hide_experts": False, "attachment_ids": [demo.report(agency_user).pk],
            **RESULT.clean_lines({CANDIDATES.prefix: rows})}
    result = engine.submit(RESULT.save_doc(agency_user, None, data, None), agency_user)
    return reload(services.result_confirm(actor=reviewer, result=result))


def test_a_joint_plan_gives_one_row_per_responding_unit_with_its_share_of_each_lot(jw, ag):  # noqa: F811
    """C, still in review at 归集, did not join: no row and no part in the shares."""
    plan = _filed(_joint_plan(jw, _collected(jw, reviewing=True), ag.unit), jw.clerk, jw.reviewer)
    assert [(ln.seq, ln.item_name, ln.amount) for ln in plan.lines.filter(is_active=True).order_by("seq")] == [
        (1, "台式计算机", Decimal("150000.00")), (2, "打印机", Decimal("20000.00")), (3, "扫描仪", Decimal("3000.00"))]
    proc = accepted(ag.user, plan, lots=[{"name": "计算机", "lines": [1]}, {"name": "外设", "lines": [2, 3]}])
    proc = trading_services.procurement_announced(actor=ag.user, procurement=proc)
    first, second = proc.lots.order_by("seq")
    # lot 1: A 50000 : B 100000 = 1 : 2; lot 2: A 10000 + 3000 : B 10000 = 13 : 10 — amounts that do not split evenly
    r1 = _confirmed(ag.user, jw.reviewer, first, "100000.01")
    r2 = _confirmed(ag.user, jw.reviewer, second, "22222.22")
    rows = selectors.awarded_for_contracts(proc)
    assert [(r["lot_id"], r["result_id"], r["unit_id"], r["unit_name"], r["amount"], r["share"]) for r in rows] == [
        (first.pk, r1.pk, jw.a.pk, jw.a.name, Decimal("33333.34"), Decimal("0.3333")),  # 33333.336… rounded
        (first.pk, r1.pk, jw.b.pk, jw.b.name, Decimal("66666.67"), Decimal("0.6667")),  # the rest
        (second.pk, r2.pk, jw.a.pk, jw.a.name, Decimal("12560.39"), Decimal("0.5652")),  # 22222.22 × 13 / 23 = 12560.385…
        (second.pk, r2.pk, jw.b.pk, jw.b.name, Decimal("9661.83"), Decimal("0.4348"))]
    for lot, result in ((first, r1), (second, r2)):
        mine = [r for r in rows if r["lot_id"] == lot.pk]
        assert sum(r["amount"] for r in mine) == result.winner_amount  # exactly, to the cent
        assert {(r["supplier_name"], r["result_number"], r["lot_seq"]) for r in mine} == {
            (result.winner_name, result.number, lot.seq)}


def test_the_last_unit_takes_the_rounding(jw, ag):  # noqa: F811
    """1 : 1 of an odd cent: each half rounds up (0.005 → 0.01) but the two must still sum to the award."""
    plan = _filed(_joint_plan(jw, _collected(jw), ag.unit), jw.clerk, jw.reviewer)
    proc = accepted(ag.user, plan, lots=[{"name": "计算机", "lines": [1, 3]}, {"name": "打印机", "lines": [2]}])
    proc = trading_services.procurement_announced(actor=ag.user, procurement=proc)
    first, second = proc.lots.order_by("seq")
    _confirmed(ag.user, jw.reviewer, first, "150000.00")
    r2 = _confirmed(ag.user, jw.reviewer, second, "19999.99")  # A 10000 : B 10000
    rows = [r for r in selectors.awarded_for_contracts(proc) if r["lot_id"] == second.pk]
    assert [(r["unit_id"], r["amount"], r["share"]) for r in rows] == [
        (jw.a.pk, Decimal("10000.00"), Decimal("0.5000")), (jw.b.pk, Decimal("9999.99"), Decimal("0.5000"))]
    assert sum(r["amount"] for r in rows) == r2.winner_amount


def test_a_unit_that_took_nothing_of_a_lot_gets_no_row_of_it(jw, ag):  # noqa: F811
    plan = _filed(_joint_plan(jw, _collected(jw), ag.unit), jw.clerk, jw.reviewer)
    proc = accepted(ag.user, plan, lots=[{"name": "计算机和打印机", "lines": [1, 2]}, {"name": "扫描仪", "lines": [3]}])
    proc = trading_services.procurement_announced(actor=ag.user, procurement=proc)
    first, second = proc.lots.order_by("seq")
    r2 = _confirmed(ag.user, jw.reviewer, second, "2888.88")  # only A took 扫描仪; lot 1 not yet confirmed
    rows = selectors.awarded_for_contracts(proc)
    assert [(r["lot_id"], r["unit_id"], r["amount"], r["share"]) for r in rows] == [
        (second.pk, jw.a.pk, r2.winner_amount, Decimal("1.0000"))]


def test_a_general_plan_gives_one_row_per_lot_with_the_purchaser(tr):
    plan = filed_plan(tr.clerk, tr.reviewer, "300000", entrusted=tr.agency,
                      lines=[("A02020200", "200000"), ("A02020200", "100000")])
    proc = accepted(tr.agency_user, plan, lots=[{"name": "甲", "lines": [1]}, {"name": "乙", "lines": [2]}])
    proc = trading_services.procurement_announced(actor=tr.agency_user, procurement=proc)
    first, second = proc.lots.order_by("seq")
    r1 = _confirmed(tr.agency_user, tr.reviewer, first, "190000.01")
    r2 = _confirmed(tr.agency_user, tr.reviewer, second, "99999.99")
    rows = selectors.awarded_for_contracts(proc)
    assert [(r["lot_id"], r["result_id"], r["unit_id"], r["unit_name"], r["amount"], r["share"]) for r in rows] == [
        (first.pk, r1.pk, tr.unit.pk, tr.unit.name, Decimal("190000.01"), Decimal("1")),
        (second.pk, r2.pk, tr.unit.pk, tr.unit.name, Decimal("99999.99"), Decimal("1"))]
