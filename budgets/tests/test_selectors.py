"""budgets.selectors: which indicators each user sees, and who holds an indicator's money."""

from decimal import Decimal

import pytest
from django.db import transaction

from budgets import ledger, selectors
from budgets.models import BudgetIndicator
from orgs.models import Role
from orgs.testing import make_unit, make_user

from .factories import IndicatorFactory, make_project

pytestmark = pytest.mark.django_db


def names(qs) -> set[str]:
    return set(qs.values_list("pro_name", flat=True))


def test_clerk_sees_own_unit_platform_indicators_only(books):
    w = books
    assert names(selectors.indicators(w.fz_clerk)) == {"一中实验室改造"}
    assert names(selectors.indicators(w.dept_clerk)) == {"教育厅信息化建设", "教育厅已撤销指标"}
    # a unit without subordinates asking for them still sees only itself
    assert names(selectors.indicators(w.sub1_clerk, include_subordinates=True)) == {"考试院考务设备"}


def test_indicator_query_leaves_virtual_budgets_to_procurement_budgets(books):
    w = books
    assert "教育厅物业服务（虚拟）" not in names(selectors.indicators(w.dept_clerk, include_subordinates=True))
    assert "教育厅物业服务（虚拟）" in names(selectors.procurement_budgets(w.dept_clerk))


def test_competent_unit_sees_its_subordinate_tree_when_asked(books):
    w = books
    grandchild = make_unit("福建省教育考试院考务中心", region_code="350000", competent=w.sub1)
    IndicatorFactory(unit=grandchild, pro_name="考务中心指标")
    other = make_unit("福建省民政厅", region_code="350000", is_competent=True)
    IndicatorFactory(unit=other, pro_name="民政厅指标")
    tree = {"教育厅信息化建设", "教育厅已撤销指标", "考试院考务设备", "考务中心指标"}
    for user in (w.dept_competent, w.dept_clerk, w.dept_reviewer):
        assert names(selectors.indicators(user)) == {"教育厅信息化建设", "教育厅已撤销指标"}
        assert names(selectors.indicators(user, include_subordinates=True)) == tree
    # the subordinate sees neither its competent unit nor its siblings
    assert names(selectors.procurement_budgets(w.sub1_clerk)) == {"考试院考务设备"}


def test_procurement_budgets_include_subordinates_by_default(books):
    w = books
    assert names(selectors.procurement_budgets(w.dept_clerk)) == {
        "教育厅信息化建设", "教育厅已撤销指标", "考试院考务设备", "教育厅物业服务（虚拟）"}
    assert names(selectors.procurement_budgets(w.dept_clerk, include_subordinates=False)) == {
        "教育厅信息化建设", "教育厅已撤销指标", "教育厅物业服务（虚拟）"}


def test_regulator_sees_its_region_including_unmatched_indicators(books):
    w = books
    fujian = {"教育厅信息化建设", "教育厅已撤销指标", "考试院考务设备", "一中实验室改造", "未匹配单位的指标",
              "教育厅物业服务（虚拟）"}
    assert names(selectors.procurement_budgets(w.fj_reg)) == fujian
    assert names(selectors.procurement_budgets(w.fz_reg)) == {"一中实验室改造", "未匹配单位的指标"}
    # the checkbox does not narrow a regulator's region
    assert names(selectors.indicators(w.fz_reg, include_subordinates=False)) == {"一中实验室改造", "未匹配单位的指标"}


def test_jiangxi_regulator_sees_none_of_fujian(books):
    w = books
    assert names(selectors.procurement_budgets(w.jx_reg)) == {"南昌一中课桌椅"}
    assert selectors.indicator_for(w.jx_reg, w.ind_dept.pk) is None
    assert selectors.indicator_for(w.jx_reg, w.ind_orphan.pk) is None


def test_other_roles_and_anonymous_see_nothing(books):
    from django.contrib.auth.models import AnonymousUser

    w = books
    agency_unit = make_unit("福建某招标代理有限公司", region_code="350100", kind="agency")
    agent = make_user("agent1", agency_unit, Role.AGENCY)
    assert not selectors.procurement_budgets(agent).exists()
    assert not selectors.procurement_budgets(AnonymousUser()).exists()
    unitless = make_user("nounit", agency_unit, Role.CLERK)
    unitless.unit = None
    assert not selectors.procurement_budgets(unitless).exists()
    assert selectors.virtual_budgets(w.dept_clerk).count() == 0
    assert names(selectors.virtual_budgets(w.fj_reg)) == {"教育厅物业服务（虚拟）"}
    assert not selectors.virtual_budgets(w.jx_reg).exists()


def test_indicator_for_uses_the_widest_view(books):
    w = books
    assert selectors.indicator_for(w.dept_clerk, w.ind_sub1.pk) == w.ind_sub1
    assert selectors.indicator_for(w.sub1_clerk, w.ind_dept.pk) is None
    assert selectors.indicator_for(w.fz_clerk, w.ind_dept.pk) is None
    assert selectors.indicator_for(w.fz_reg, w.ind_fz.pk) == w.ind_fz


def test_virtual_budget_units_are_registered_purchasers_of_the_region(books):
    w = books
    fj = set(selectors.virtual_budget_units(w.fj_reg).values_list("name", flat=True))
    assert fj == {"福建省教育厅", "福建省教育考试院"}  # 福州一中 is not a member; regulators are not purchasers
    w.fz_unit.is_member = True
    w.fz_unit.save()
    assert set(selectors.virtual_budget_units(w.fz_reg).values_list("name", flat=True)) == {"福州市第一中学"}
    assert set(selectors.virtual_budget_units(w.jx_reg).values_list("name", flat=True)) == {"南昌市第一中学"}
    assert not selectors.virtual_budget_units(w.dept_clerk).exists()


def test_holders_sum_the_ledger_per_document_and_resolve_projects(books, monkeypatch):
    w = books
    monkeypatch.setattr(ledger, "HOLDERS", ledger.HOLDERS | {"other.thing"})  # a holder no model resolves
    p1 = make_project(w.dept, w.dept_clerk, name="教育厅办公设备采购")
    p2 = make_project(w.dept, w.dept_clerk, name="教育厅网络安全服务")
    ind = w.ind_dept
    with transaction.atomic():
        ledger.reserve(actor=w.dept_clerk, holder=ledger.holder_key(p1), amounts={ind.pk: Decimal("1000")},
                       reason="立项提交")
        ledger.reserve(actor=w.dept_clerk, holder=ledger.holder_key(p1), amounts={ind.pk: Decimal("500")},
                       reason="资金追加")
        ledger.reserve(actor=w.dept_clerk, holder=ledger.holder_key(p2), amounts={ind.pk: Decimal("3000")},
                       reason="立项提交")
        ledger.reserve(actor=w.dept_clerk, holder="other.thing:7", amounts={ind.pk: Decimal("200")}, reason="x")
        ledger.reserve(actor=w.dept_clerk, holder="projects.project:999999", amounts={ind.pk: Decimal("100")},
                       reason="x")
        ledger.release(actor=w.dept_clerk, holder="projects.project:999999", reason="退回")
    rows = selectors.holders(ind)
    assert [(r["holder"], r["amount"]) for r in rows] == [
        (f"projects.project:{p2.pk}", Decimal("3000.00")),
        (f"projects.project:{p1.pk}", Decimal("1500.00")),
        ("other.thing:7", Decimal("200.00")),
    ]  # a fully released holder is gone; largest first
    assert rows[0]["object"] == p2 and rows[0]["label"] == str(p2)
    assert rows[2]["object"] is None and rows[2]["label"] == "other.thing:7"
    assert sum(r["amount"] for r in rows) == BudgetIndicator.objects.get(pk=ind.pk).reserved


def test_holder_links_only_when_the_detail_url_exists(books, monkeypatch):
    w = books
    p = make_project(w.dept, w.dept_clerk)
    with transaction.atomic():
        ledger.reserve(actor=w.dept_clerk, holder=ledger.holder_key(p), amounts={w.ind_dept.pk: 10}, reason="x")
    monkeypatch.setitem(selectors.HOLDER_URLS, "projects.project", "projects:no_such_page")
    assert selectors.holders(w.ind_dept)[0]["url"] is None
    monkeypatch.setitem(selectors.HOLDER_URLS, "projects.project", "budgets:indicator_detail")  # any 1-arg URL
    assert selectors.holders(w.ind_dept)[0]["url"] == f"/budgets/indicators/{p.pk}/"


def test_fund_type_labels():
    assert selectors.fund_type_label("11") == "一般公共预算资金"
    assert selectors.fund_type_label("111") == "一般公共预算资金"  # a sub-code is labelled by its family
    assert selectors.fund_type_label("12") == "政府性基金预算资金"
    assert selectors.fund_type_label("1") == "财政拨款资金"
    assert selectors.fund_type_label("29") == "财政专户管理资金"
    assert selectors.fund_type_label("X9") == "X9"
    assert selectors.fund_type_label("") == ""
