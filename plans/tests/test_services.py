from decimal import Decimal

import pytest

from contracts import services as contract_services
from core.errors import BusinessError, FieldErrors, NotAllowed
from plans import services
from projects.models import Project
from supervision.models import Warning
from workflow import engine

from .support import indicator, plan, project, reload, used_by

pytestmark = pytest.mark.django_db
W = Decimal("10000")


def test_a_plan_copies_the_project_and_filing_marks_it_used(pl):
    proj = project(pl.clerk, pl.reviewer, "100000")
    p = plan(pl.clerk, proj)
    assert p.name == proj.name and p.total_amount == Decimal("100000") and p.lines.count() == 1
    assert p.funds[0]["amount"] == "100000.00"
    engine.submit(p, pl.clerk)
    assert used_by(proj) == f"plans.plan:{p.pk}"
    p = engine.approve(reload(p), pl.reviewer)
    assert p.status_text == "已备案"


def test_the_copy_is_frozen_after_submit(pl):
    proj = project(pl.clerk, pl.reviewer, "100000")
    p = engine.submit(plan(pl.clerk, proj), pl.clerk)
    Project.objects.filter(pk=proj.pk).update(name="改过的名称")
    engine.approve(reload(p), pl.reviewer)
    assert reload(p).name == proj.name


def test_returned_withdrawn_and_discarded_plans_free_the_project(pl):
    proj = project(pl.clerk, pl.reviewer, "100000")
    p = engine.submit(plan(pl.clerk, proj), pl.clerk)
    engine.withdraw(reload(p), pl.clerk)
    assert used_by(proj) == ""
    engine.submit(reload(p), pl.clerk)
    engine.reject(reload(p), pl.reviewer, "请修改")
    assert used_by(proj) == ""
    engine.discard(reload(p), pl.clerk)
    assert used_by(proj) == ""


def test_one_plan_per_project(pl):
    proj = project(pl.clerk, pl.reviewer, "100000")
    first = plan(pl.clerk, proj)
    with pytest.raises(BusinessError, match="已有采购计划"):
        plan(pl.clerk, proj)
    engine.discard(first, pl.clerk)
    assert plan(pl.clerk, proj).pk != first.pk


def test_the_project_must_match_the_type_and_the_unit(pl):
    proj = project(pl.clerk, pl.reviewer, "100000")
    with pytest.raises(BusinessError, match="实施形式"):
        plan(pl.clerk, proj, "self")
    with pytest.raises(BusinessError, match="本单位"):
        plan(pl.sub_clerk, proj)
    with pytest.raises(BusinessError, match="不选择采购项目") as exc:
        plan(pl.clerk, proj, "joint")
    assert exc.value.field == "project_id"


def test_mall_plans_take_exactly_one_line_each(pl):
    proj = project(pl.clerk, pl.reviewer, None, form="mall", lines=[("A02020200", "30000"), ("A02020200", "20000")])
    lines = list(proj.content_lines.filter(is_active=True).order_by("seq"))
    with pytest.raises(BusinessError, match="一条明细"):
        plan(pl.clerk, proj, "mall")
    a = plan(pl.clerk, proj, "mall", mall_line=lines[0].pk, organization_form="", procurement_method="")
    assert a.total_amount == Decimal("30000") and a.lines.count() == 1 and a.organization_form == ""
    with pytest.raises(BusinessError, match="该明细已有"):
        plan(pl.clerk, proj, "mall", mall_line=lines[0].pk)
    b = plan(pl.clerk, proj, "mall", mall_line=lines[1].pk)
    engine.submit(a, pl.clerk)
    engine.submit(b, pl.clerk)
    assert used_by(proj) == f"plans.plan:{a.pk};plans.plan:{b.pk}"


def test_no_agency_for_mall_renewal_and_self(pl):
    proj = project(pl.clerk, pl.reviewer, "30000", form="mall")
    line = proj.content_lines.get()
    with pytest.raises(FieldErrors) as exc:
        plan(pl.clerk, proj, "mall", mall_line=line.pk, agency=pl.agency)
    assert "不委托代理机构" in exc.value.errors["agency"]


def test_renewal_needs_a_filed_services_contract_of_the_unit(pl):
    proj = project(pl.clerk, pl.reviewer, "100000", kind="services", form="renewal")
    with pytest.raises(FieldErrors) as exc:
        plan(pl.clerk, proj, "renewal")
    assert "原合同" in exc.value.errors["original_contract_id"]
    other = contract_services.contract_record_filed(unit=pl.w.sub1, number="HT-1", name="他单位合同", supplier="甲",
                                                    amount=W, signed_on="2025-01-01")
    with pytest.raises(FieldErrors) as exc:
        plan(pl.clerk, proj, "renewal", original_contract_id=other.pk)
    assert exc.value.errors == {"original_contract_id": "请选择原合同（本单位已备案的合同）。"}
    goods = contract_services.contract_record_filed(unit=pl.w.dept, number="HT-2", name="货物合同", supplier="甲",
                                                    amount=W, signed_on="2025-01-01", procurement_kind="goods")
    with pytest.raises(FieldErrors) as exc:
        plan(pl.clerk, proj, "renewal", original_contract_id=goods.pk)
    assert exc.value.errors == {"original_contract_id": "合同续签的原合同须为服务类合同。"}
    mine = contract_services.contract_record_filed(unit=pl.w.dept, number="HT-3", name="物业合同", supplier="甲",
                                                   amount=W, signed_on="2025-01-01", multi_year=True)
    p = plan(pl.clerk, proj, "renewal", original_contract_id=mine.pk)
    assert p.original_contract == mine and p.agency is None


@pytest.mark.parametrize("fields, ok", [
    ({"sme_oriented": True}, True),
    ({"sme_oriented": False, "sme_reserved_pct": "50"}, False),
    ({"sme_oriented": False, "sme_reserved_pct": "50", "sme_reason": "市场中小企业不足"}, True),
])
def test_sme_small_projects_must_be_wholly_reserved_or_say_why(pl, fields, ok):
    proj = project(pl.clerk, pl.reviewer, "1000000")
    if ok:
        assert plan(pl.clerk, proj, **fields).pk
    else:
        with pytest.raises(FieldErrors) as exc:
            plan(pl.clerk, proj, **fields)
        assert "未按政策预留的原因" in exc.value.errors["sme_reason"]


@pytest.mark.parametrize("reserved, micro, ok", [("40", "60", True), ("39", "60", False), ("40", "59", False)])
def test_sme_large_projects_share_from_the_region_parameter(pl, reserved, micro, ok):
    proj = project(pl.clerk, pl.reviewer, "2500000")
    fields = {"sme_oriented": False, "sme_reserved_pct": reserved, "sme_micro_pct": micro}
    if ok:
        assert plan(pl.clerk, proj, **fields).pk
    else:
        with pytest.raises(FieldErrors) as exc:
            plan(pl.clerk, proj, **fields)
        assert "sme_reason" in exc.value.errors


def test_catalogue_items_go_to_the_central_agency(pl):
    proj = project(pl.clerk, pl.reviewer, "100000", code="A02010104")  # 台式计算机: 集中采购机构采购项目
    with pytest.raises(FieldErrors) as exc:
        plan(pl.clerk, proj)
    assert "集中采购机构采购" in exc.value.errors["organization_form"]
    with pytest.raises(FieldErrors) as exc:
        plan(pl.clerk, proj, organization_form="central", agency=pl.agency)
    assert "集中采购机构" in exc.value.errors["agency"]
    p = plan(pl.clerk, proj, organization_form="central", agency=pl.central)
    assert p.agency == pl.central


def test_department_catalogue_items_are_department_procurement(pl):
    proj = project(pl.clerk, pl.reviewer, "100000", kind="services", code="C21010000")
    with pytest.raises(FieldErrors) as exc:
        plan(pl.clerk, proj)
    assert "部门集中采购" in exc.value.errors["organization_form"]
    assert plan(pl.clerk, proj, organization_form="department").pk


def test_agency_rules_of_the_organization_form(pl):
    proj = project(pl.clerk, pl.reviewer, "100000")
    with pytest.raises(FieldErrors) as exc:
        plan(pl.clerk, proj, organization_form="entrusted")
    assert "代理机构" in exc.value.errors["agency"]
    with pytest.raises(FieldErrors):
        plan(pl.clerk, proj, organization_form="self_organized", agency=pl.agency)
    with pytest.raises(FieldErrors):
        plan(pl.clerk, proj, agency=pl.w.sub1, organization_form="department")


def test_chain_a_non_open_method_at_the_threshold_goes_to_the_regulator(pl):
    proj = project(pl.clerk, pl.reviewer, "4000000")  # 省级 Fujian: 公开招标数额 400万 (2024)
    p = plan(pl.clerk, proj, procurement_method="negotiation", sme_oriented=False, sme_reserved_pct="40",
             sme_micro_pct="60", organization_form="entrusted", agency=pl.agency)
    engine.submit(p, pl.clerk)
    p = engine.approve(reload(p), pl.reviewer)
    assert p.current_node == "regulator"
    with pytest.raises(NotAllowed):
        engine.approve(reload(p), pl.w.fz_reg)  # not the province's regulator
    p = engine.approve(reload(p), pl.w.fj_reg)
    assert p.status_text == "已备案" and p.filed_agency == pl.agency


def test_chain_open_tender_skips_the_regulator_and_below_the_threshold_too(pl):
    proj = project(pl.clerk, pl.reviewer, "4000000")
    p = plan(pl.clerk, proj, procurement_method="open_tender", sme_oriented=False, sme_reserved_pct="40",
             sme_micro_pct="60", organization_form="entrusted", agency=pl.agency)
    engine.submit(p, pl.clerk)
    assert engine.approve(reload(p), pl.reviewer).status_text == "已备案"


def test_chain_a_county_plan_goes_to_its_city_regulator(pl):
    ind = indicator(pl.county, "9000000")
    proj = project(pl.county_clerk, pl.county_reviewer, "2500000", funds=[(ind, "2500000")])
    p = plan(pl.county_clerk, proj, procurement_method="consultation", sme_oriented=False, sme_reserved_pct="40",
             sme_micro_pct="60")
    engine.submit(p, pl.county_clerk)
    p = engine.approve(reload(p), pl.county_reviewer)
    assert p.current_node == "regulator"
    assert engine.approve(reload(p), pl.w.fz_reg).status_text == "已备案"


def test_chain_province_units_go_through_their_competent_unit(pl):
    ind = indicator(pl.w.sub1, "900000")
    proj = project(pl.sub_clerk, pl.sub_reviewer, "100000", funds=[(ind, "100000")])
    p = engine.submit(plan(pl.sub_clerk, proj), pl.sub_clerk)
    p = engine.approve(reload(p), pl.sub_reviewer)
    assert p.current_node == "competent"
    assert engine.approve(reload(p), pl.competent).status_text == "已备案"


def test_chain_other_levels_skip_the_competent_unit_by_default(pl):
    from orgs.testing import make_unit

    pl.county.competent = make_unit("闽侯县教育局", region_code="350121", is_competent=True)
    pl.county.save()
    ind = indicator(pl.county, "900000")
    proj = project(pl.county_clerk, pl.county_reviewer, "100000", funds=[(ind, "100000")])
    p = engine.submit(plan(pl.county_clerk, proj), pl.county_clerk)
    assert services.needs_competent_review(p) is False
    assert engine.approve(reload(p), pl.county_reviewer).status_text == "已备案"


def test_single_source_at_the_threshold_waits_for_its_publicity(pl):
    proj = project(pl.clerk, pl.reviewer, "4000000")
    p = plan(pl.clerk, proj, procurement_method="single_source", sme_oriented=False, sme_reserved_pct="40",
             sme_micro_pct="60")
    engine.submit(p, pl.clerk)
    engine.approve(reload(p), pl.reviewer)
    with pytest.raises(BusinessError, match="公示不少于5个工作日"):
        engine.approve(reload(p), pl.w.fj_reg)
    from core.models import RuleParameter

    RuleParameter.objects.filter(name="plan_single_source_publicity_gate").update(value="0")
    assert engine.approve(reload(p), pl.w.fj_reg).status_text == "已备案"


def test_split_purchases_raise_a_warning_on_the_third_plan(pl):
    ind = indicator(pl.county, "9000000", pro_code="PRO-SPLIT")
    made = []
    for _ in range(3):
        proj = project(pl.county_clerk, pl.county_reviewer, "800000", funds=[(ind, "800000")])
        made.append(plan(pl.county_clerk, proj, procurement_method="inquiry"))
    engine.submit(made[0], pl.county_clerk)
    engine.submit(made[1], pl.county_clerk)
    assert not Warning.objects.exists()
    with pytest.raises(FieldErrors) as exc:
        engine.submit(made[2], pl.county_clerk)
    assert "化整为零" in exc.value.errors["split_explanation"] and "2,400,000.00" in exc.value.errors["split_explanation"]
    p = services.plan_save(pl.county_clerk, reload(made[2]), {**_good(), "split_explanation": "分属三个校区"},
                           reload(made[2]).version)
    engine.submit(p, pl.county_clerk)
    w = Warning.objects.get()
    assert w.kind == "plan_split" and w.unit == pl.county and "分属三个校区" in w.message


def test_split_counts_pro_rata_and_ignores_open_tender_and_withdrawn_plans(pl):
    a, b = indicator(pl.county, "9000000", pro_code="PRO-A"), indicator(pl.county, "9000000", pro_code="PRO-B")
    p1 = plan(pl.county_clerk, project(pl.county_clerk, pl.county_reviewer, "1600000",
                                       funds=[(a, "800000"), (b, "800000")]))
    assert services.shares_of(p1) == {("A02020200", "PRO-A"): Decimal("800000"),
                                      ("A02020200", "PRO-B"): Decimal("800000")}
    engine.submit(p1, pl.county_clerk)
    big_open = plan(pl.county_clerk, project(pl.county_clerk, pl.county_reviewer, "1500000", funds=[(a, "1500000")]),
                    procurement_method="open_tender")
    engine.submit(big_open, pl.county_clerk)  # 公开招标 counts for nothing
    p2 = plan(pl.county_clerk, project(pl.county_clerk, pl.county_reviewer, "1300000", funds=[(a, "1300000")]))
    with pytest.raises(FieldErrors):
        engine.submit(p2, pl.county_clerk)  # PRO-A: 80万 + 130万 > 200万
    engine.withdraw(reload(p1), pl.county_clerk)
    assert engine.submit(reload(p2), pl.county_clerk).status == "pending"  # p1 no longer counts


def _good():
    from .support import GOOD

    return dict(GOOD)


def test_revoking_a_filed_plan_frees_the_project(pl):
    proj = project(pl.clerk, pl.reviewer, "100000")
    p = engine.submit(plan(pl.clerk, proj), pl.clerk)
    p = engine.approve(reload(p), pl.reviewer)
    from plans.docs import PLAN

    rt = PLAN.requests
    with pytest.raises(FieldErrors):
        rt.create(actor=pl.clerk, target=p, kind="revoke", reason="")
    req = engine.submit(rt.create(actor=pl.clerk, target=p, kind="revoke", reason="需求取消"), pl.clerk)
    engine.approve(reload(req), pl.reviewer)
    p = reload(p)
    assert p.status_text == "已撤销" and used_by(proj) == ""
    assert rt.refusal(p, rt.kinds[0]) == "采购计划已撤销。"
    again = plan(pl.clerk, proj)
    assert engine.submit(again, pl.clerk).status == "pending"
