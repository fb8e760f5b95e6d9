"""采购计划申报 in the browser: a 竞争性谈判 plan at the 公开招标数额 through the regulator to the agency's inbox (an
SME share below policy refused beside the field on the way); the third 80万 plan for one 品目 and 预算项目 asks
for a 化整为零 explanation and warns the regulator; a filed plan revoked frees its project."""

import pytest

from orgs.models import Role, Unit
from orgs.testing import make_unit, make_user
from plans.models import Plan
from plans.tests.support import indicator, plan, project
from supervision.models import Warning
from workflow import engine

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pw(world):
    from core.data.categories import ensure_seeded

    ensure_seeded()
    world.agency = make_unit("福建省招标代理有限公司", region_code="350000", kind=Unit.KIND_AGENCY)
    world.agency_user = make_user("agency_user", world.agency, Role.AGENCY)
    world.county = make_unit("闽侯县第一中学", region_code="350121", budget_code="350121101")
    world.county_clerk = make_user("county_clerk", world.county, Role.CLERK)
    world.county_reviewer = make_user("county_reviewer", world.county, Role.REVIEWER)
    return world


def review(page, url):
    page.goto(url)
    page.click("[data-open-dialog=review-dialog]")
    page.click("#review-dialog button[value=approve]")
    page.wait_for_load_state()


def test_a_negotiated_plan_at_the_threshold_goes_through_the_regulator(pw, new_page):
    proj = project(pw.dept_clerk, pw.dept_reviewer, "4000000")  # 省级 福建: 公开招标数额 400万
    page = new_page("dept_clerk")
    page.goto(page.base + "/plans/")
    page.click("text=新增")
    page.click("a:has-text('一般项目采购')")
    shot(page, "plans_pick")
    page.locator("tr", has_text=proj.name).locator("button:has-text('选择')").click()
    page.wait_for_url(page.base + "/plans/*/edit/")
    assert proj.name in page.content() and "不可更改" in page.content()
    page.select_option("select[name=organization_form]", "entrusted")
    page.select_option("select[name=procurement_method]", "negotiation")
    page.select_option("select[name=agency]", str(pw.agency.pk))
    page.fill("input[name=sme_reserved_pct]", "30")
    page.fill("input[name=sme_micro_pct]", "60")
    page.click("button[name=submit]")
    error = page.locator("label.has-error:has(textarea[name=sme_reason]) .field-error")
    assert "不低于40%（本计划 30%）" in error.inner_text()
    shot(page, "plans_sme_refused")
    p = Plan.objects.get()
    assert p.status == "draft" and p.procurement_method == ""  # nothing saved
    page.fill("textarea[name=sme_reason]", "本项目为专用设备，中小企业无法提供")
    page.click("button[name=submit]")
    page.wait_for_url(page.base + f"/plans/{p.pk}/")
    assert "财政部门审批" in page.content()
    review(new_page("dept_reviewer"), page.base + f"/plans/{p.pk}/")
    assert Plan.objects.get().current_node == "regulator"
    reg = new_page("fj_reg")
    reg.goto(reg.base + "/plans/?tab=todo")
    assert p.number in reg.content()
    review(reg, reg.base + f"/plans/{p.pk}/")
    assert Plan.objects.get().status_text == "已备案"
    agency = new_page("agency_user")
    agency.goto(agency.base + "/plans/entrusted/")
    assert p.number in agency.content()
    shot(agency, "plans_entrusted")


def test_the_third_split_plan_asks_for_an_explanation_and_warns_the_regulator(pw, new_page):
    ind = indicator(pw.county, "9000000", pro_code="PRO-E2E")
    for _ in range(2):
        engine.submit(plan(pw.county_clerk, project(pw.county_clerk, pw.county_reviewer, "800000",
                                                    funds=[(ind, "800000")]), procurement_method="inquiry"),
                      pw.county_clerk)
    third = plan(pw.county_clerk, project(pw.county_clerk, pw.county_reviewer, "800000", funds=[(ind, "800000")]),
                 procurement_method="inquiry")
    page = new_page("county_clerk")
    page.goto(page.base + f"/plans/{third.pk}/edit/")
    page.click("button[name=submit]")
    error = page.locator("label.has-error:has(textarea[name=split_explanation]) .field-error")
    assert "化整为零" in error.inner_text() and "2,400,000.00" in error.inner_text()
    shot(page, "plans_split_refused")
    assert not Warning.objects.exists()
    page.fill("textarea[name=split_explanation]", "三个校区分别采购，需求时间不同")
    page.click("button[name=submit]")
    page.wait_for_url(page.base + f"/plans/{third.pk}/")
    assert "监督预警" in page.content()
    reg = new_page("fz_reg")
    reg.goto(reg.base + "/plans/warnings/")
    assert "三个校区分别采购" in reg.content()
    shot(reg, "plans_split_warnings")


def test_a_filed_plan_is_revoked_and_its_project_planned_again(pw, new_page):
    proj = project(pw.dept_clerk, pw.dept_reviewer, "100000")
    p = engine.approve(engine.submit(plan(pw.dept_clerk, proj), pw.dept_clerk), pw.dept_reviewer)
    page = new_page("dept_clerk")
    page.goto(page.base + "/plans/?tab=filed")
    assert p.number in page.content()
    page.goto(page.base + f"/plans/{p.pk}/")
    page.click(".panel a:has-text('撤销')")
    page.click("button[name=submit]")
    assert "请填写撤销原因" in page.content()
    page.fill("textarea[name=reason]", "采购需求取消")
    page.click("button[name=submit]")
    page.wait_for_url(page.base + "/plans/requests/*/")
    review(new_page("dept_reviewer"), page.url)
    assert Plan.objects.get(pk=p.pk).status_text == "已撤销"
    page.goto(page.base + "/plans/new/general/")
    page.locator("tr", has_text=proj.name).locator("button:has-text('选择')").click()
    page.wait_for_url(page.base + "/plans/*/edit/")
    assert Plan.objects.filter(project=proj).count() == 2


def test_the_regulators_plan_management_pages_list_and_export(pw, new_page):
    central_unit = make_unit("福建省政府采购中心", region_code="350000", kind=Unit.KIND_CENTRAL)
    central = plan(pw.dept_clerk, project(pw.dept_clerk, pw.dept_reviewer, "100000", code="A02010104"),
                   organization_form="central", agency=central_unit)
    engine.approve(engine.submit(central, pw.dept_clerk), pw.dept_reviewer)
    ind = indicator(pw.county, "900000")
    county = plan(pw.county_clerk, project(pw.county_clerk, pw.county_reviewer, "100000", funds=[(ind, "100000")]),
                  organization_form="entrusted", agency=pw.agency)
    engine.submit(county, pw.county_clerk)
    reg = new_page("fj_reg")
    reg.goto(reg.base + "/")
    reg.click("nav.sidebar >> text=查看项目预算审核")
    assert county.number in reg.content() and central.number not in reg.content()  # 审核中 first
    reg.click(".tabs >> text=已备案")
    assert central.number in reg.content() and county.number not in reg.content()
    shot(reg, "plans_region_budget_review")
    reg.click("nav.sidebar >> text=查看指定集采中心")
    reg.click(".tabs >> text=全部")
    row = reg.locator("tr", has_text=central.number)
    assert "福建省政府采购中心" in row.inner_text() and county.number not in reg.content()
    with reg.expect_download() as download:
        reg.click("text=导出为Excel")
    assert download.value.suggested_filename.endswith(".xlsx")
    reg.click("nav.sidebar >> text=委托社会代理")
    reg.click(".tabs >> text=全部")
    assert pw.agency.name in reg.locator("tr", has_text=county.number).inner_text()
    shot(reg, "plans_region_entrusted_agency")
    reg.click(f"text={county.number}")
    reg.wait_for_url(reg.base + f"/plans/{county.pk}/")
    fz = new_page("fz_reg")
    fz.goto(fz.base + "/plans/region/budget_review/?tab=all")
    assert county.number in fz.content() and central.number not in fz.content()
