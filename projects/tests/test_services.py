"""采购项目立项 services: every rule of FJ 2.2.1 and RULES §A, the ledger on submit/return, the facts."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from audit import services as audit
from audit.models import AuditLog
from budgets import ledger
from budgets.models import LedgerEntry
from core.errors import BusinessError, FieldErrors, NotAllowed, StaleError
from core.models import Category, RuleParameter
from orgs.models import Role
from orgs.testing import make_user
from projects import services
from projects.models import ContentLine, FundLine, Project
from workflow import engine
from workflow.models import ReviewRecord, Status

from .support import data, fund, line, make_indicator, reload, save, submitted, upload, year

pytestmark = pytest.mark.django_db


def field_errors(call) -> dict:
    with pytest.raises(FieldErrors) as exc:
        call()
    return exc.value.errors


# ---- 保存 ----------------------------------------------------------------------------------------------------


def test_save_creates_a_numbered_draft_with_server_computed_amounts(proj):
    lines = [line(quantity="3", unit_price="4999.99"),
             {**line("A02061801", quantity="2.5", unit_price="3333.33", item_name="电冰箱"),
              "amount": "1"}]  # a posted amount is never trusted
    total = Decimal("14999.97") + Decimal("8333.33")  # 2.5 × 3333.33 = 8333.325 → 8333.33 (half up)
    p = services.project_save(actor=proj.clerk, data=data(), content_lines=lines,
                              fund_lines=[fund(proj.ind, "20000"), fund(proj.ind2, total - Decimal("20000"))])
    assert p.number.startswith(f"ZC-350000-{timezone.localdate().year}-")
    assert p.status == Status.DRAFT and p.unit == proj.unit and p.created_by == proj.clerk
    assert p.total_amount == total
    assert [ln.amount for ln in p.content_lines.order_by("seq")] == [Decimal("14999.97"), Decimal("8333.33")]
    assert p.unit_path == proj.unit.path and p.region_path == proj.unit.region_path == "/350000/"
    assert p.is_gov_procurement is False
    assert ReviewRecord.objects.filter(object_id=p.pk, action="save").count() == 1
    assert AuditLog.objects.filter(object_key=f"projects.project:{p.pk}", action="project.save").exists()
    assert not LedgerEntry.objects.exists()  # a draft reserves nothing
    assert audit.verify() == []


def test_numbers_are_sequential_per_region_and_year(proj, cities):
    a = save(proj.clerk, indicator=proj.ind)
    b = save(proj.clerk, indicator=proj.ind)
    c = save(cities.xm_clerk, indicator=cities.xm_ind)
    assert int(b.number[-6:]) == int(a.number[-6:]) + 1
    assert c.number.startswith("ZC-350200-")


def test_unregistered_unit_cannot_initiate(proj):
    w = proj.w
    ind = make_indicator(w.fz_unit, "100000")
    with pytest.raises(BusinessError) as exc:
        save(w.fz_clerk, indicator=ind)
    assert exc.value.message == "本单位尚未通过用户库基本信息审核，不能立项。"
    assert not Project.objects.exists()


def test_only_a_clerk_initiates(proj):
    with pytest.raises(NotAllowed):
        save(proj.reviewer, indicator=proj.ind)
    with pytest.raises(NotAllowed):
        save(proj.w.fj_reg, indicator=proj.ind)


@pytest.mark.parametrize("form, ok", [("general", True), ("mall", True), ("renewal", False), ("self", True),
                                      ("joint_response", False), ("bogus", False), ("", False)])
def test_implementation_forms_offered_on_create(proj, form, ok):
    call = lambda: save(proj.clerk, indicator=proj.ind, implementation_form=form)  # noqa: E731
    if ok:
        assert call().implementation_form == form
    else:
        assert "implementation_form" in field_errors(call)


def test_joint_response_is_refused_for_now_with_a_clear_message(proj):
    errors = field_errors(lambda: save(proj.clerk, indicator=proj.ind, implementation_form="joint_response"))
    assert "统招分签" in errors["implementation_form"]


def test_basic_fields_are_required_with_chinese_messages(proj):
    errors = field_errors(lambda: save(proj.clerk, indicator=proj.ind, name=" ", fiscal_year="二〇二六",
                                       procurement_kind="x", contact_phone="电话"))
    assert set(errors) >= {"name", "fiscal_year", "procurement_kind", "contact_phone"}
    assert "项目名称" in errors["name"] and "预算年度" in errors["fiscal_year"]
    assert "采购类别" in errors["procurement_kind"]


def test_at_least_one_content_line(proj):
    errors = field_errors(lambda: save(proj.clerk, indicator=proj.ind, lines=[]))
    assert "至少" in errors["content_lines"]


def test_category_must_be_a_leaf_of_the_projects_kind(proj):
    errors = field_errors(lambda: save(proj.clerk, indicator=proj.ind, lines=[line("A02010100")]))
    assert "末级" in errors["content_lines.0.category"]
    errors = field_errors(lambda: save(proj.clerk, indicator=proj.ind, lines=[line("B01010000")]))
    assert "工程" in errors["content_lines.0.category"] and "不一致" in errors["content_lines.0.category"]
    errors = field_errors(lambda: save(proj.clerk, indicator=proj.ind, lines=[{**line(), "category": 999999}]))
    assert "品目" in errors["content_lines.0.category"]
    # the same line is right for a works project
    p = save(proj.clerk, indicator=proj.ind, procurement_kind="works", lines=[line("B01010000", unit_price="1000")])
    assert p.content_lines.get().category.code == "B01010000"


@pytest.mark.parametrize("quantity, price, field", [
    ("0", "10", "quantity"), ("-1", "10", "quantity"), ("abc", "10", "quantity"), ("1.00001", "10", "quantity"),
    ("1", "-0.01", "unit_price"), ("1", "1.001", "unit_price"), ("1", "", "unit_price"),
])
def test_quantity_positive_and_price_not_negative(proj, quantity, price, field):
    errors = field_errors(lambda: save(proj.clerk, indicator=proj.ind,
                                       lines=[line(quantity=quantity, unit_price=price)]))
    assert f"content_lines.0.{field}" in errors
    assert errors[f"content_lines.0.{field}"].startswith("第1行")


def test_zero_price_line_is_allowed_but_the_project_needs_money(proj):
    p = save(proj.clerk, indicator=proj.ind, lines=[line(unit_price="0"), line(unit_price="500")], amount="500")
    assert p.total_amount == Decimal("500")
    errors = field_errors(lambda: save(proj.clerk, indicator=proj.ind, lines=[line(unit_price="0")], amount="1"))
    assert "大于0" in errors["content_lines"]


def test_fund_line_refusals(proj):
    other = field_errors(lambda: save(proj.clerk, funds=[fund(proj.sub_ind, "1000")]))
    assert "本单位" in other["fund_lines.0.indicator"]  # a subordinate's indicator is not the unit's
    dead = make_indicator(proj.unit, "5000", is_valid=False)
    frozen = make_indicator(proj.unit, "5000", is_executable=False)
    for ind in (dead, frozen):
        assert "失效或不可执行" in field_errors(lambda i=ind: save(proj.clerk, indicator=i))["fund_lines.0.indicator"]
    last_year = make_indicator(proj.unit, "5000", fiscal_year=year() - 1)
    assert "年度" in field_errors(lambda: save(proj.clerk, indicator=last_year))["fund_lines.0.indicator"]
    dup = field_errors(lambda: save(proj.clerk, funds=[fund(proj.ind, "500"), fund(proj.ind, "500")]))
    assert "重复" in dup["fund_lines.1.indicator"]
    zero = field_errors(lambda: save(proj.clerk, lines=[line(unit_price="1000")], funds=[fund(proj.ind, "0")]))
    assert "大于0" in zero["fund_lines.0.amount"]
    none = field_errors(lambda: save(proj.clerk, funds=[]))
    assert "至少" in none["fund_lines"]


def test_fund_line_over_the_available_amount(proj):
    errors = field_errors(lambda: save(proj.clerk, indicator=proj.ind2, amount="300000.01"))
    assert "可用金额 300,000.00 元" in errors["fund_lines.0.amount"]
    # reserved money is not available
    submitted(proj.clerk, indicator=proj.ind2, amount="200000")
    errors = field_errors(lambda: save(proj.clerk, indicator=proj.ind2, amount="100000.01"))
    assert "可用金额 100,000.00 元" in errors["fund_lines.0.amount"]
    assert save(proj.clerk, indicator=proj.ind2, amount="100000").total_amount == Decimal("100000")


def test_fund_total_must_equal_the_project_amount(proj):
    errors = field_errors(lambda: save(proj.clerk, lines=[line(unit_price="1000")],
                                       funds=[fund(proj.ind, "600"), fund(proj.ind2, "300")]))
    assert "900.00" in errors["fund_lines"] and "1,000.00" in errors["fund_lines"]
    p = save(proj.clerk, lines=[line(unit_price="1000")], funds=[fund(proj.ind, "600"), fund(proj.ind2, "400")])
    assert sorted(FundLine.objects.filter(project=p).values_list("amount", flat=True)) == [400, 600]


def test_nothing_is_saved_half_way(proj):
    before = (Project.objects.count(), ContentLine.objects.count(), FundLine.objects.count(), AuditLog.objects.count())
    with pytest.raises(FieldErrors):
        save(proj.clerk, funds=[fund(proj.ind, "999")])
    assert (Project.objects.count(), ContentLine.objects.count(), FundLine.objects.count(),
            AuditLog.objects.count()) == before
    # the number counter did not move either
    a = save(proj.clerk, indicator=proj.ind)
    assert a.number.endswith("000001")


# ---- 是否政府采购 -----------------------------------------------------------------------------------------------


def test_gov_procurement_is_forced_at_or_above_the_limit(proj):
    # 省级 货物 限额: 1 000 000 元 (2024 catalogue)
    big = make_indicator(proj.unit, "3000000")
    at = save(proj.clerk, indicator=big, amount="1000000", is_gov_procurement=False)
    assert at.is_gov_procurement is True
    below = save(proj.clerk, indicator=big, amount="999999.99", is_gov_procurement=False)
    assert below.is_gov_procurement is False
    # 工程 at 省级: 1 000 000 as well
    works = save(proj.clerk, indicator=big, amount="999999.99", procurement_kind="works",
                 lines=[line("B07010000", unit_price="999999.99")])
    assert works.is_gov_procurement is False


def test_the_limit_in_force_on_the_project_date_applies(proj):
    assert services.decentralized_limit(proj.unit, "goods", dt.date(2023, 6, 1)) == Decimal("500000")
    assert services.decentralized_limit(proj.unit, "goods", dt.date(2024, 6, 1)) == Decimal("1000000")
    assert services.decentralized_limit(proj.unit, "works", dt.date(2024, 6, 1)) == Decimal("1000000")
    assert services.decentralized_limit(proj.w.jx_unit, "goods") == Decimal("500000")  # 江西 市级


def test_pingtan_and_xiamen_limits_differ(cities):
    works = {"procurement_kind": "works", "lines": [line("B01010000", unit_price="700000")], "amount": "700000"}
    pt = save(cities.pt_clerk, indicator=cities.pt_ind, **works)
    xm = save(cities.xm_clerk, indicator=cities.xm_ind, **works)
    assert pt.is_gov_procurement is True    # 平潭 工程 60万
    assert xm.is_gov_procurement is False   # 厦门 工程 200万
    goods = {"lines": [line(unit_price="800000")], "amount": "800000"}
    assert save(cities.pt_clerk, indicator=cities.pt_ind, **goods).is_gov_procurement is True    # 50万
    assert save(cities.xm_clerk, indicator=cities.xm_ind, **goods).is_gov_procurement is False   # 100万
    # so 自行采购 of the same works is refused in 平潭 and allowed in 厦门
    errors = field_errors(lambda: save(cities.pt_clerk, indicator=cities.pt_ind, implementation_form="self", **works))
    assert "600,000.00" in errors["implementation_form"]
    assert save(cities.xm_clerk, indicator=cities.xm_ind, implementation_form="self", **works).pk


def test_cumulative_yes_below_the_limit_needs_explanation_and_attachment(proj, media):
    errors = field_errors(lambda: save(proj.clerk, indicator=proj.ind, is_gov_procurement=True))
    assert "累计达到限额标准相关说明" in errors["cumulative_reason"]
    assert "累计达到限额标准相关说明材料" in errors["cumulative_attachments"]
    reason = "本年度已执行台式计算机采购项目2个，预算累计48万元，计划于10月完成。"
    errors = field_errors(lambda: save(proj.clerk, indicator=proj.ind, is_gov_procurement=True,
                                       cumulative_reason=reason))
    assert set(errors) == {"cumulative_attachments"}
    wrong = upload(proj.clerk, purpose="项目相关附件")
    errors = field_errors(lambda: save(proj.clerk, indicator=proj.ind, is_gov_procurement=True,
                                       cumulative_reason=reason, cumulative_attachment_ids=[wrong.pk]))
    assert "不是累计达到限额标准相关说明材料" in errors["cumulative_attachments"]
    att = upload(proj.clerk)
    p = save(proj.clerk, indicator=proj.ind, is_gov_procurement=True, cumulative_reason=reason,
             cumulative_attachment_ids=[att.pk])
    assert p.is_gov_procurement is True and p.cumulative_reason == reason
    att.refresh_from_db()
    assert att.target == p
    # editing keeps the linked attachment as the evidence
    p2 = save(proj.clerk, indicator=proj.ind, project=p, is_gov_procurement=True, cumulative_reason=reason)
    assert p2.is_gov_procurement is True
    # another unit's upload cannot be borrowed
    sub_clerk_att = upload(proj.w.sub1_clerk)
    errors = field_errors(lambda: save(proj.clerk, indicator=proj.ind, is_gov_procurement=True,
                                       cumulative_reason=reason, cumulative_attachment_ids=[sub_clerk_att.pk]))
    assert "不存在" in errors["cumulative_attachments"]


def test_no_means_no_explanation_is_kept(proj):
    p = save(proj.clerk, indicator=proj.ind, is_gov_procurement=False, cumulative_reason="无关说明")
    assert p.cumulative_reason == ""


# ---- 实施形式 rules ---------------------------------------------------------------------------------------------


def test_self_procurement_only_below_the_limit_and_not_declared(proj, media):
    big = make_indicator(proj.unit, "3000000")
    errors = field_errors(lambda: save(proj.clerk, indicator=big, amount="1000000", implementation_form="self"))
    assert "自行采购" in errors["implementation_form"] and "1,000,000.00" in errors["implementation_form"]
    assert save(proj.clerk, indicator=big, amount="999999.99", implementation_form="self").pk
    att = upload(proj.clerk)
    errors = field_errors(lambda: save(proj.clerk, indicator=big, amount="1000", implementation_form="self",
                                       is_gov_procurement=True, cumulative_reason="累计已达限额",
                                       cumulative_attachment_ids=[att.pk]))
    assert "非政府采购" in errors["implementation_form"]


def test_mall_only_for_goods_and_services_within_the_cap(proj):
    big = make_indicator(proj.unit, "3000000")
    errors = field_errors(lambda: save(proj.clerk, indicator=big, implementation_form="mall",
                                       procurement_kind="works", lines=[line("B07010000", unit_price="1000")]))
    assert "工程" in errors["implementation_form"]
    errors = field_errors(lambda: save(proj.clerk, indicator=big, amount="2000000.01", implementation_form="mall"))
    assert "2,000,000.00" in errors["implementation_form"]
    assert save(proj.clerk, indicator=big, amount="2000000", implementation_form="mall").pk
    assert save(proj.clerk, indicator=big, implementation_form="mall", procurement_kind="services",
                lines=[line("C23010000", unit_price="1000")]).pk


def test_renewal_only_for_services(proj):
    errors = field_errors(lambda: save(proj.clerk, indicator=proj.ind, implementation_form="renewal"))
    assert "服务" in errors["implementation_form"]
    p = save(proj.clerk, indicator=proj.ind, implementation_form="renewal", procurement_kind="services",
             lines=[line("C21010000", unit_price="1000", item_name="办公楼物业管理")])
    assert p.implementation_form == "renewal"


def test_check_implementation_form_takes_any_project_like(proj):
    like = SimpleNamespace(unit=proj.unit, procurement_kind="goods", total_amount=Decimal("2500000"),
                           is_gov_procurement=True)
    assert services.check_implementation_form(like, "general") is None
    for form in ("self", "mall", "renewal", "joint_response", "nope"):
        with pytest.raises(BusinessError) as exc:
            services.check_implementation_form(like, form)
        assert exc.value.field == "implementation_form" and exc.value.message


def test_the_mall_cap_is_a_rule_parameter(proj):
    assert services.mall_max_amount(proj.unit) == Decimal("2000000")
    RuleParameter.objects.create(name="mall_max_amount", label="网上超市单个项目金额上限", region_code="350000",
                                 effective_from=dt.date(2020, 1, 1), value="500000", unit="元")
    assert services.mall_max_amount(proj.unit) == Decimal("500000")
    assert services.mall_max_amount(proj.w.jx_unit) == Decimal("2000000")


# ---- editing --------------------------------------------------------------------------------------------------


def test_edit_replaces_lines_and_keeps_the_old_ones(proj):
    p = save(proj.clerk, indicator=proj.ind, amount="1000")
    p2 = save(proj.clerk, project=p, version=p.version, funds=[fund(proj.ind2, "1500")],
              lines=[line(quantity="3", unit_price="500")], name="改名后的项目")
    assert p2.pk == p.pk and p2.version == p.version + 1 and p2.name == "改名后的项目"
    assert p2.total_amount == Decimal("1500")
    assert ContentLine.objects.filter(project=p).count() == 2
    assert ContentLine.objects.get(project=p, is_active=True).quantity == 3
    assert FundLine.objects.get(project=p, is_active=True).indicator == proj.ind2
    assert FundLine.objects.get(project=p, is_active=False).indicator == proj.ind
    assert p2.number == p.number


def test_edit_refusals(proj):
    p = save(proj.clerk, indicator=proj.ind)
    with pytest.raises(StaleError):
        save(proj.clerk, indicator=proj.ind, project=p, version=p.version - 1 if p.version > 1 else 99)
    other_clerk = make_user("sub1_clerk2", proj.w.sub1, Role.CLERK)
    with pytest.raises(NotAllowed):
        save(other_clerk, indicator=proj.ind, project=p)
    errors = field_errors(lambda: save(proj.clerk, indicator=proj.ind, project=p, implementation_form="self"))
    assert "实施形式" in errors["implementation_form"]
    engine.submit(p, proj.clerk)
    with pytest.raises(BusinessError) as exc:
        save(proj.clerk, indicator=proj.ind, project=p)
    assert exc.value.code == "not_editable"


# ---- 提交 / 审核 / 撤回: the ledger -------------------------------------------------------------------------------


def test_submit_reserves_every_fund_line_at_once(proj):
    p = save(proj.clerk, lines=[line(unit_price="250000")], amount="250000",
             funds=[fund(proj.ind, "150000"), fund(proj.ind2, "100000")])
    engine.submit(p, proj.clerk)
    p = reload(p)
    assert p.status == Status.PENDING and p.current_node == "reviewer"
    key = ledger.holder_key(p)
    rows = LedgerEntry.objects.filter(holder=key)
    assert sorted((r.indicator_id, r.amount, r.kind) for r in rows) == sorted(
        [(proj.ind.pk, Decimal("150000"), "reserve"), (proj.ind2.pk, Decimal("100000"), "reserve")])
    assert reload(proj.ind).reserved == Decimal("150000") and reload(proj.ind2).reserved == Decimal("100000")
    assert reload(proj.ind2).available == Decimal("200000")
    assert ledger.ledger_reserved(proj.ind.pk) == reload(proj.ind).reserved
    assert AuditLog.objects.filter(object_key=f"projects.project:{p.pk}", action="project.reserve").exists()


def test_submit_over_the_available_amount_is_refused_whole(proj):
    a = save(proj.clerk, indicator=proj.ind2, amount="200000")
    b = save(proj.clerk, lines=[line(unit_price="150000")], amount="150000",
             funds=[fund(proj.ind, "50000"), fund(proj.ind2, "100000")])
    c = save(proj.clerk, indicator=proj.ind2, amount="150000")
    engine.submit(a, proj.clerk)
    engine.submit(b, proj.clerk)             # 200 000 + 100 000 = the whole 300 000
    with pytest.raises(BusinessError) as exc:
        engine.submit(c, proj.clerk)
    assert exc.value.code == "over_available" and "可用金额 0.00 元" in exc.value.message
    assert reload(c).status == Status.DRAFT
    assert not LedgerEntry.objects.filter(holder=ledger.holder_key(c)).exists()
    assert reload(proj.ind2).reserved == Decimal("300000") and reload(proj.ind).reserved == Decimal("50000")


def test_reject_to_the_clerk_releases_and_resubmit_reserves_again(proj):
    p = submitted(proj.clerk, indicator=proj.ind, amount="80000")
    engine.reject(p, proj.reviewer, "资金来源需调整")
    p = reload(p)
    assert p.status == Status.DRAFT and p.was_returned
    assert reload(proj.ind).reserved == 0
    assert ledger.held(ledger.holder_key(p)) == {}
    kinds = list(LedgerEntry.objects.filter(holder=ledger.holder_key(p)).values_list("kind", "amount"))
    assert kinds == [("reserve", Decimal("80000")), ("release", Decimal("-80000"))]
    assert "审核不通过" in LedgerEntry.objects.filter(holder=ledger.holder_key(p)).last().reason
    p = save(proj.clerk, project=p, version=p.version, indicator=proj.ind2, amount="80000")
    engine.submit(p, proj.clerk)
    assert reload(proj.ind2).reserved == Decimal("80000") and reload(proj.ind).reserved == 0


def test_withdraw_releases(proj):
    p = submitted(proj.clerk, indicator=proj.ind, amount="80000")
    engine.withdraw(p, proj.clerk)
    assert reload(p).status == Status.WITHDRAWN
    assert reload(proj.ind).reserved == 0
    assert "撤回" in LedgerEntry.objects.filter(holder=ledger.holder_key(p)).last().reason
    engine.submit(reload(p), proj.clerk)
    assert reload(proj.ind).reserved == Decimal("80000")


def test_approval_keeps_the_reservation_and_nobody_approves_their_own(proj):
    p = submitted(proj.clerk_reviewer, indicator=proj.ind, amount="5000")
    with pytest.raises(NotAllowed):
        engine.approve(p, proj.clerk_reviewer)
    assert "approve" not in engine.available_actions(proj.clerk_reviewer, reload(p))
    with pytest.raises(NotAllowed):
        engine.approve(p, proj.w.sub1_clerk)   # not a reviewer of the unit
    engine.approve(reload(p), proj.reviewer, "同意立项")
    p = reload(p)
    assert p.status == Status.APPROVED and p.is_live
    assert reload(proj.ind).reserved == Decimal("5000")


def test_submit_rechecks_the_form_rules(proj):
    p = save(proj.clerk, indicator=proj.ind, amount="300000", implementation_form="mall")
    RuleParameter.objects.create(name="mall_max_amount", label="网上超市单个项目金额上限",
                                 effective_from=dt.date(2020, 6, 1), value="200000", unit="元")
    with pytest.raises(BusinessError) as exc:
        engine.submit(p, proj.clerk)
    assert exc.value.field == "implementation_form" and "200,000.00" in exc.value.message
    assert reload(p).status == Status.DRAFT and reload(proj.ind).reserved == 0


def test_submit_refused_when_the_unit_lost_its_registration(proj):
    p = save(proj.clerk, indicator=proj.ind)
    type(proj.unit).objects.filter(pk=proj.unit.pk).update(is_member=False)
    with pytest.raises(BusinessError) as exc:
        engine.submit(p, proj.clerk)
    assert "尚未通过用户库基本信息审核" in exc.value.message
    assert reload(proj.ind).reserved == 0


def test_submit_refused_when_an_indicator_became_unusable(proj):
    p = save(proj.clerk, indicator=proj.ind)
    type(proj.ind).objects.filter(pk=proj.ind.pk).update(is_executable=False)
    with pytest.raises(BusinessError) as exc:
        engine.submit(p, proj.clerk)
    assert exc.value.code == "indicator_unusable"
    assert reload(p).status == Status.DRAFT


def test_submit_refused_when_an_indicator_moved_to_another_unit(proj):
    # 重置预算匹配 may move an indicator after the draft was saved: nothing may be reserved on it
    p = save(proj.clerk, indicator=proj.ind2, amount="1000", lines=[line(unit_price="1000"), line(unit_price="500")],
             funds=[fund(proj.ind, "1000"), fund(proj.ind2, "500")])
    type(proj.ind2).objects.filter(pk=proj.ind2.pk).update(unit=proj.w.sub1)
    with pytest.raises(BusinessError) as exc:
        engine.submit(p, proj.clerk)
    assert exc.value.code == "indicator_not_own"
    assert "第2行" in exc.value.message and "教育信息化专项" in exc.value.message
    assert "不属于本单位" in exc.value.message
    assert reload(p).status == Status.DRAFT
    assert reload(proj.ind).reserved == 0 and reload(proj.ind2).reserved == 0


def test_demand_summary_and_expected_month_are_saved_and_checked(proj):
    """采购需求概况 and 预计采购时间 (year-month), which the coming 意向公开 takes over."""
    p = save(proj.clerk, indicator=proj.ind, demand_summary="采购教学用台式计算机50台", expected_month="2026-06")
    p = reload(p)
    assert p.demand_summary == "采购教学用台式计算机50台"
    assert p.expected_month == dt.date(2026, 6, 1)
    for bad in ("2026-13", "2026/6/1", "六月", "1999-01"):
        errors = field_errors(lambda bad=bad: save(proj.clerk, indicator=proj.ind, expected_month=bad))
        assert errors["expected_month"] == "预计采购时间应为年-月，如 2026-06（年份2000至2100）。", bad
    errors = field_errors(lambda: save(proj.clerk, indicator=proj.ind, demand_summary="需" * 2001))
    assert errors["demand_summary"] == "采购需求概况不能超过2000个字。"
    p = save(proj.clerk, indicator=proj.ind, project=p, expected_month="")
    assert reload(p).expected_month is None


# ---- 集中采购目录 (issue 6 item 15) -------------------------------------------------------------------------------


def test_a_catalogue_item_is_gov_procurement_at_any_amount(proj):
    """政府采购法 第二条: in the 集中采购目录 or at/above the 限额. 台式计算机 is in Fujian's catalogue."""
    desktop = [line("A02010104", unit_price="1000", item_name="台式计算机")]
    p = save(proj.clerk, indicator=proj.ind, amount="1000", is_gov_procurement=False, lines=desktop)
    assert reload(p).is_gov_procurement is True
    check = services.gov_check(unit=proj.unit, kind="goods", total=Decimal("1000"), declared=False,
                               categories=[Category.objects.get(code="A02010104")])
    assert check["forced"] and not check["over_limit"]
    assert [(c.code, i.kind, i.source) for c, i in check["hits"]] == [
        ("A02010104", "agency", "福建省政府集中采购目录及标准（2024年版）")]
    shredder = [line("A02020800", unit_price="1000", item_name="碎纸机")]
    p2 = save(proj.clerk, indicator=proj.ind, amount="1000", lines=shredder)
    assert reload(p2).is_gov_procurement is False  # not in the catalogue, below the 限额: 否 follows the amount
    errors = field_errors(lambda: save(proj.clerk, indicator=proj.ind, amount="1000", implementation_form="self",
                                       lines=desktop))
    assert errors["implementation_form"] == ("自行采购仅适用于非政府采购项目：品目「台式计算机」属于集中采购目录"
                                             "（集中采购机构采购项目），应实行政府采购。")
    assert save(proj.clerk, indicator=proj.ind, amount="1000", implementation_form="self", lines=shredder).pk


def test_the_catalogue_is_regional_and_dated(proj, cities):
    from core import catalog
    from core.models import CentralCatalogItem

    assert {i.category_code for i in catalog.catalogue("350200")} >= {"A02010104", "C21000000"}  # 厦门: Fujian's
    assert {i.source for i in catalog.catalogue("360100")} == {"江西省政府集中采购目录及标准（2022年版）"}
    assert catalog.catalogue("350000", on=dt.date(2023, 12, 31)) == []  # before the 2024 edition
    CentralCatalogItem.objects.create(region_code="350000", effective_from=dt.date(2025, 1, 1),
                                      category_code="A02030500", name="乘用车", kind="agency", confidence="R")
    # a new edition replaces the whole catalogue from its date
    assert [i.category_code for i in catalog.catalogue("350000")] == ["A02030500"]
    p = save(proj.clerk, indicator=proj.ind, amount="1000", lines=[line("A02010104", unit_price="1000")])
    assert reload(p).is_gov_procurement is False
    item = catalog.catalogue_item(catalog.catalogue("360000"), "A02021003")  # 打印设备 covers A4黑白打印机
    assert item is not None and item.name == "打印设备"


# ---- facts set by other modules ----------------------------------------------------------------------------------


def approved(proj, **kw):
    p = submitted(proj.clerk, indicator=proj.ind, **kw)
    return engine.approve(p, proj.reviewer)


def test_mark_used_and_unmark(proj):
    draft = save(proj.clerk, indicator=proj.ind)
    with pytest.raises(BusinessError):
        services.project_mark_used(project=draft, by="plans.plan:1")
    p = approved(proj)
    p = services.project_mark_used(project=p, by="intentions.intention:3", actor=proj.clerk)
    assert p.is_used and p.used_at is not None
    first_at = p.used_at
    p = services.project_mark_used(project=p, by="plans.plan:7", actor=proj.clerk)
    p = services.project_mark_used(project=p, by="plans.plan:7")  # idempotent
    assert services.uses_of(reload(p)) == ["intentions.intention:3", "plans.plan:7"]
    assert reload(p).used_at == first_at
    p = services.project_unmark_used(project=p, by="plans.plan:7")
    assert reload(p).is_used
    p = services.project_unmark_used(project=p, by="intentions.intention:3")
    p = reload(p)
    assert not p.is_used and p.used_at is None
    assert services.project_unmark_used(project=p, by="never") == p
    assert AuditLog.objects.filter(object_key=f"projects.project:{p.pk}", action="project.use").count() == 2
    assert audit.verify() == []


def test_mark_used_refusals(proj):
    p = approved(proj)
    for bad in ("", "a;b"):
        with pytest.raises(BusinessError):
            services.project_mark_used(project=p, by=bad)
    Project.objects.filter(pk=p.pk).update(closed_at=timezone.now())
    with pytest.raises(BusinessError) as exc:
        services.project_mark_used(project=p, by="plans.plan:1")
    assert exc.value.code == "project_closed"
    Project.objects.filter(pk=p.pk).update(closed_at=None, revoked_at=timezone.now())
    with pytest.raises(BusinessError) as exc:
        services.project_mark_used(project=p, by="plans.plan:1")
    assert exc.value.code == "project_revoked"


def test_mark_contract_filed(proj):
    p = approved(proj)
    first = timezone.now() - dt.timedelta(days=3)
    p = services.project_mark_contract_filed(project=p, at=first)
    assert reload(p).contract_filed_at == first
    services.project_mark_contract_filed(project=p, at=timezone.now())  # a later filing does not move it
    assert reload(p).contract_filed_at == first
    with pytest.raises(BusinessError):
        services.project_mark_contract_filed(project=save(proj.clerk, indicator=proj.ind), at=first)


# ---- the catalogue seed -------------------------------------------------------------------------------------------


def test_category_seed(proj):
    from core.data.categories import CATEGORIES, ensure_seeded

    assert Category.objects.count() == len(CATEGORIES) >= 80
    desktop = Category.objects.get(code="A02010104")
    assert desktop.name == "台式计算机" and desktop.kind == "goods" and desktop.is_leaf
    chain = []
    node = desktop
    while node.parent_id:
        node = node.parent
        chain.append(node.code)
    assert chain == ["A02010100", "A02010000", "A02000000", "A"]
    assert Category.objects.get(code="A02021001").parent.code == "A02021000"
    assert not Category.objects.get(code="B07000000").is_leaf
    assert Category.objects.get(code="B99000000").is_leaf
    assert Category.objects.get(code="C16000000").kind == "services"
    assert {c.kind for c in Category.objects.filter(code__startswith="B")} == {"works"}
    for c in Category.objects.all():
        assert c.is_leaf == (not c.children.exists())
    ensure_seeded()
    assert Category.objects.count() == len(CATEGORIES)


def test_the_form_rule_is_reported_with_the_other_field_errors(proj):
    big = make_indicator(proj.unit, "3000000")
    errors = field_errors(lambda: save(proj.clerk, indicator=big, amount="1200000", implementation_form="self",
                                       name=""))
    assert set(errors) == {"name", "implementation_form"}
