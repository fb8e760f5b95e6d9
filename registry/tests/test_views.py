"""主体管理 pages through the browser's door (django.test.Client): registration review, member units and
隶属关系. For every page and action: the right role gets it, a wrong role gets 403, a user
outside the record's scope gets 404, anonymous goes to /login/.
"""

import io
import re

import openpyxl
import pytest
from django.contrib.messages import get_messages

from core.testing import client_for
from orgs.models import Role, Unit
from orgs.testing import make_unit, make_user
from registry import services
from registry.models import Subordination, UnitRegistration
from workflow import engine
from workflow.models import Status

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---- helpers -------------------------------------------------------------------------------------------


def html(response) -> str:
    return response.content.decode()


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def grid(page: str) -> str:
    """The list page's table, without the top bar and menu (which name the user's own unit)."""
    m = re.search(r'<table class="grid">.*?</table>', page, re.S)
    assert m, "no table on the page"
    return m.group(0)


def field_html(page: str, label: str) -> str:
    """The rendered block of one form field (partials/form_field.html), found by its label."""
    m = re.search(r'<label class="field[^"]*">\s*<span>(?:<i class="req">\*</i>)?' + re.escape(label)
                  + r"</span>(.*?)</label>", page, re.S)
    assert m, f"field 「{label}」 not on the page"
    return m.group(1)


def assert_login_redirect(response, url):
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")
    assert url.rstrip("/") in response["Location"].replace("%2F", "/")


def reg_data(unit: Unit, **overrides) -> dict:
    data = {"name": unit.name, "credit_code": unit.credit_code, "budget_code": unit.budget_code,
            "level": unit.level, "region": unit.region, "address": "福州市鼓楼区湖东路1号",
            "legal_representative": "张三", "contact_name": "李四", "contact_phone": "0591-87654321",
            "is_competent": False}
    data.update(overrides)
    return data


def form_data(unit: Unit, **overrides) -> dict:
    data = reg_data(unit, **overrides)
    data["region"] = data["region"].pk if hasattr(data["region"], "pk") else data["region"]
    if data.pop("is_competent"):
        data["is_competent"] = "on"
    return data


def make_registration(clerk, *, submit=True, **overrides) -> UnitRegistration:
    """Set-up through the services (the views under test are exercised separately)."""
    reg = services.registration_save(actor=clerk, data=reg_data(clerk.unit, **overrides))
    if submit:
        reg = engine.submit(reg, clerk)
    return reg


def approved_subordination(world) -> Subordination:
    """福州市第一中学 chose 福建省教育厅 and the competent unit confirmed."""
    sub = services.subordination_request(actor=world.fz_clerk, competent_unit=world.dept)
    return engine.approve(sub, world.dept_competent)


def reg_url(reg, suffix=""):
    return f"/orgs/registrations/{reg.pk}/{suffix}"


def sub_url(sub, suffix=""):
    return f"/orgs/subordinations/{sub.pk}/{suffix}"


# ---- anonymous ---------------------------------------------------------------------------------------------


ORG_GET_URLS = ["/orgs/registration/", "/orgs/registrations/", "/orgs/registrations/{reg}/",
                "/orgs/units/", "/orgs/units/{unit}/", "/orgs/subordination/", "/orgs/subordinations/confirm/",
                "/orgs/subordinations/", "/orgs/subordinations/{sub}/"]
ORG_POST_URLS = ["/orgs/registrations/{reg}/approve/", "/orgs/registrations/{reg}/withdraw/",
                 "/orgs/subordinations/{sub}/approve/", "/orgs/subordinations/{sub}/dissolve/"]


@pytest.mark.parametrize("pattern", ORG_GET_URLS)
def test_anonymous_get_is_sent_to_login(world, pattern):
    reg = make_registration(world.fz_clerk)
    sub = services.subordination_request(actor=world.fz_clerk, competent_unit=world.dept)
    url = pattern.format(reg=reg.pk, unit=world.dept.pk, sub=sub.pk)
    assert_login_redirect(client_for(None).get(url), url)


@pytest.mark.parametrize("pattern", ORG_POST_URLS)
def test_anonymous_post_is_sent_to_login_and_changes_nothing(world, pattern):
    reg = make_registration(world.fz_clerk)
    sub = approved_subordination(world)
    url = pattern.format(reg=reg.pk, sub=sub.pk)
    assert_login_redirect(client_for(None).post(url, {"reason": "x"}), url)
    reg.refresh_from_db()
    sub.refresh_from_db()
    assert reg.status == Status.PENDING
    assert sub.dissolved_at is None


# ---- 用户库基本信息 (the clerk's form) -------------------------------------------------------------------------


def test_registration_form_for_clerk_is_prefilled(world):
    r = client_for(world.fz_clerk).get("/orgs/registration/")
    assert r.status_code == 200
    page = html(r)
    assert "用户库基本信息" in page
    assert "福州市第一中学" in field_html(page, "单位名称")
    assert world.fz_unit.credit_code in field_html(page, "统一社会信用代码")
    assert "提交" in page and "保存" in page


@pytest.mark.parametrize("who", ["fj_reg", "jx_reg"])
def test_registration_form_refused_to_regulator_without_clerk_role(world, who):
    assert client_for(getattr(world, who)).get("/orgs/registration/").status_code == 403


def test_registration_form_refused_to_a_unit_that_is_not_a_budget_unit(world):
    agency = make_unit("福建某招标代理有限公司", kind=Unit.KIND_AGENCY)
    clerk = make_user("agency_clerk", agency, Role.CLERK)
    assert client_for(clerk).get("/orgs/registration/").status_code == 403
    assert client_for(clerk).post("/orgs/registration/", form_data(world.fz_unit, submit="1")).status_code == 403
    assert not UnitRegistration.objects.exists()


def test_registration_post_bad_budget_code_message_beside_field_and_nothing_saved(world):
    r = client_for(world.fz_clerk).post("/orgs/registration/", form_data(world.fz_unit, budget_code="ABC", submit="1"))
    assert r.status_code == 200
    page = html(r)
    assert "单位预算编码应为6至32位数字。" in field_html(page, "单位预算编码")
    assert "请修正标出的字段" in page
    assert not UnitRegistration.objects.exists()


def test_registration_post_bad_credit_code_message_beside_field(world):
    bad = world.fz_unit.credit_code[:-1] + ("0" if world.fz_unit.credit_code[-1] != "0" else "1")
    r = client_for(world.fz_clerk).post("/orgs/registration/", form_data(world.fz_unit, credit_code=bad, submit="1"))
    assert r.status_code == 200
    assert "统一社会信用代码校验位不正确" in field_html(html(r), "统一社会信用代码")
    assert not UnitRegistration.objects.exists()


def test_registration_post_missing_field_and_bad_phone(world):
    r = client_for(world.fz_clerk).post("/orgs/registration/",
             form_data(world.fz_unit, address="", contact_phone="电话号码", submit="1"))
    assert r.status_code == 200
    page = html(r)
    assert "必填" in field_html(page, "单位地址")
    assert not UnitRegistration.objects.exists()
    r = client_for(world.fz_clerk).post("/orgs/registration/", form_data(world.fz_unit, contact_phone="电话号码", submit="1"))
    assert "联系电话只能包含数字" in field_html(html(r), "联系电话")
    assert not UnitRegistration.objects.exists()


def test_registration_post_region_of_another_province_is_refused(world):
    r = client_for(world.fz_clerk).post("/orgs/registration/", form_data(world.fz_unit, region=world.jx_unit.region, submit="1"))
    assert r.status_code == 200
    assert "field-error" in field_html(html(r), "所属区划")
    assert not UnitRegistration.objects.exists()


def test_registration_post_submit_creates_pending_and_redirects_to_detail(world):
    r = client_for(world.fz_clerk).post("/orgs/registration/", form_data(world.fz_unit, submit="1"))
    reg = UnitRegistration.objects.get()
    assert r.status_code == 302
    assert r["Location"] == reg_url(reg)
    assert reg.status == Status.PENDING
    assert reg.unit == world.fz_unit and reg.submitted_by == world.fz_clerk
    assert "已提交，等待辖区监管部门审核。" in flashed(r)
    page = html(client_for(world.fz_clerk).get(reg_url(reg)))
    assert "审核中" in page and reg.number in page and "撤回" in page


def test_registration_post_save_keeps_a_draft(world):
    r = client_for(world.fz_clerk).post("/orgs/registration/", form_data(world.fz_unit, save="1"))
    reg = UnitRegistration.objects.get()
    assert r.status_code == 302
    assert reg.status == Status.DRAFT
    assert "已保存。" in flashed(r)


def test_registration_page_after_submission_goes_to_detail_and_is_no_longer_editable(world):
    reg = make_registration(world.fz_clerk)
    r = client_for(world.fz_clerk).get("/orgs/registration/")
    assert r.status_code == 302 and r["Location"] == reg_url(reg)
    assert client_for(world.fz_clerk).get("/orgs/registration/?edit=1").status_code == 403
    r = client_for(world.fz_clerk).post("/orgs/registration/", form_data(world.fz_unit, name="改过的名称", submit="1"))
    assert r.status_code == 403
    reg.refresh_from_db()
    assert reg.name == "福州市第一中学"
    assert UnitRegistration.objects.count() == 1


def test_registration_change_after_approval_starts_a_new_registration(world):
    reg = make_registration(world.fz_clerk)
    engine.approve(reg, world.fz_reg)
    detail = html(client_for(world.fz_clerk).get(reg_url(reg)))
    assert "修改信息" in detail
    assert "修改信息" not in html(client_for(world.fz_reviewer).get(reg_url(reg)))
    r = client_for(world.fz_clerk).get("/orgs/registration/?edit=1")
    assert r.status_code == 200
    r = client_for(world.fz_clerk).post("/orgs/registration/", form_data(world.fz_unit, address="福州市台江区新地址8号", submit="1"))
    new = UnitRegistration.objects.exclude(pk=reg.pk).get()
    assert r.status_code == 302 and r["Location"] == reg_url(new)
    assert new.status == Status.PENDING and new.number != reg.number
    reg.refresh_from_db()
    assert reg.status == Status.APPROVED and reg.address == "福州市鼓楼区湖东路1号"


def test_registration_draft_edit_with_stale_version_is_refused(world):
    reg = make_registration(world.fz_clerk, submit=False)
    old_version = reg.version
    services.registration_save(actor=world.fz_clerk, data=reg_data(world.fz_unit, address="新地址1号"),
                               registration=reg)
    data = form_data(world.fz_unit, address="旧页面的地址", save="1")
    data["version"] = old_version
    r = client_for(world.fz_clerk).post("/orgs/registration/", data)
    assert r.status_code == 200
    assert "单据已被他人处理" in html(r)
    reg.refresh_from_db()
    assert reg.address == "新地址1号"


# ---- 审核采购单位信息 (the regulator's list) -----------------------------------------------------------------------


def tab_count(page: str, label: str) -> int:
    m = re.search(re.escape(label) + r'<span class="count">(\d+)</span>', page)
    assert m, f"tab {label} not found"
    return int(m.group(1))


@pytest.fixture
def three_registrations(world):
    """Fujian: one pending (福州), one returned (教育厅), one approved (考试院); Jiangxi: one pending."""
    pending = make_registration(world.fz_clerk)
    returned = make_registration(world.dept_clerk)
    engine.reject(returned, world.fj_reg, opinion="地址不全")
    done = make_registration(world.sub1_clerk)
    engine.approve(done, world.fj_reg)
    jx = make_registration(world.jx_clerk)
    return {"pending": pending, "returned": returned, "done": done, "jx": jx}


def test_review_list_tab_counts_are_independent_of_the_active_tab(world, three_registrations):
    for tab in ["todo", "returned", "done"]:
        page = html(client_for(world.fj_reg).get(f"/orgs/registrations/?tab={tab}"))
        assert (tab_count(page, "待处理"), tab_count(page, "已退回"), tab_count(page, "已办结")) == (1, 1, 1), tab


def test_review_list_tabs_for_province_regulator(world, three_registrations):
    r = client_for(world.fj_reg).get("/orgs/registrations/")
    assert r.status_code == 200
    page = html(r)
    assert "审核采购单位信息" in page
    assert "已退回" in page and "已办结" in page
    assert tab_count(page, "待处理") == 1
    assert "福州市第一中学" in page and three_registrations["pending"].number in page
    assert "南昌市第一中学" not in page
    returned = html(client_for(world.fj_reg).get("/orgs/registrations/?tab=returned"))
    assert "福建省教育厅" in returned and "福州市第一中学" not in returned
    done = html(client_for(world.fj_reg).get("/orgs/registrations/?tab=done"))
    assert "福建省教育考试院" in done and "福建省教育厅" not in done


def test_review_list_offers_review_only_to_the_responsible_regulator(world, three_registrations):
    detail = reg_url(three_registrations["pending"])
    fz = html(client_for(world.fz_reg).get("/orgs/registrations/"))
    assert f'<a href="{detail}" class="">审核</a>' in fz
    fj = html(client_for(world.fj_reg).get("/orgs/registrations/"))
    assert f'<a href="{detail}" class="">查看</a>' in fj


def test_review_list_of_jiangxi_shows_only_jiangxi(world, three_registrations):
    page = html(client_for(world.jx_reg).get("/orgs/registrations/"))
    assert "南昌市第一中学" in page
    assert "福州市第一中学" not in page
    assert tab_count(page, "待处理") == 1


def test_review_list_query_filters_by_name(world, three_registrations):
    page = html(client_for(world.fj_reg).get("/orgs/registrations/?name=教育&tab=done"))
    assert "福建省教育考试院" in page
    page = html(client_for(world.fj_reg).get("/orgs/registrations/?name=不存在的单位"))
    assert tab_count(page, "待处理") == 0
    assert "暂无数据" in page


@pytest.mark.parametrize("who", ["fz_clerk", "fz_reviewer", "dept_competent", "dept_clerk"])
def test_review_list_refused_to_non_regulators(world, who):
    assert client_for(getattr(world, who)).get("/orgs/registrations/").status_code == 403
    assert client_for(getattr(world, who)).get("/orgs/registrations/?export=xlsx").status_code == 403


def read_xlsx(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    return rows[0], rows[1:]


REG_HEADER = ["单据编号", "单位名称", "统一社会信用代码", "单位预算编码", "所属区划", "状态", "提交时间"]


def test_review_list_export_has_chinese_header_and_only_the_users_scope(world, three_registrations):
    header, rows = read_xlsx(client_for(world.fz_reg).get("/orgs/registrations/?export=xlsx"))
    assert header == REG_HEADER
    assert [r[1] for r in rows] == ["福州市第一中学"]
    assert rows[0][0] == three_registrations["pending"].number
    assert rows[0][5] == "审核中"
    header, rows = read_xlsx(client_for(world.jx_reg).get("/orgs/registrations/?export=xlsx"))
    assert header == REG_HEADER
    assert [r[1] for r in rows] == ["南昌市第一中学"]
    _, rows = read_xlsx(client_for(world.fj_reg).get("/orgs/registrations/?export=xlsx&tab=done"))
    assert [r[1] for r in rows] == ["福建省教育考试院"]
    assert rows[0][5] == "已办结"


def test_review_list_export_name_is_chinese(world, three_registrations):
    r = client_for(world.fj_reg).get("/orgs/registrations/?export=xlsx")
    assert "filename*=UTF-8''" in r["Content-Disposition"]
    assert "%E9%87%87%E8%B4%AD%E5%8D%95%E4%BD%8D" in r["Content-Disposition"]  # 采购单位


# ---- registration detail ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who, status", [
    ("fz_reg", 200), ("fj_reg", 200), ("fz_clerk", 200), ("fz_reviewer", 200),
    ("jx_reg", 404), ("jx_clerk", 404), ("dept_clerk", 404), ("sub1_clerk", 404), ("dept_competent", 404),
])
def test_registration_detail_scope(world, who, status):
    reg = make_registration(world.fz_clerk)
    r = client_for(getattr(world, who)).get(reg_url(reg))
    assert r.status_code == status
    if status == 200:
        assert "福州市第一中学" in html(r) and "流程记录" in html(r) and reg.number in html(r)


def test_registration_detail_missing_record_is_404(world):
    assert client_for(world.fj_reg).get("/orgs/registrations/999999/").status_code == 404


def test_registration_detail_buttons_follow_the_rights(world):
    reg = make_registration(world.fz_clerk)
    fz = html(client_for(world.fz_reg).get(reg_url(reg)))
    assert "审核通过" in fz and "审核不通过" in fz
    assert "一体化平台核对" in fz and "一致" in fz
    fj = html(client_for(world.fj_reg).get(reg_url(reg)))
    assert "审核通过" not in fj
    clerk = html(client_for(world.fz_clerk).get(reg_url(reg)))
    assert "审核通过" not in clerk and "撤回" in clerk
    reviewer = html(client_for(world.fz_reviewer).get(reg_url(reg)))
    assert "审核通过" not in reviewer and "withdraw/" not in reviewer


def test_a_competent_unit_sees_its_subordinates_registration(world):
    reg = make_registration(world.sub1_clerk)
    assert client_for(world.dept_competent).get(reg_url(reg)).status_code == 200
    assert client_for(world.dept_clerk).get(reg_url(reg)).status_code == 404


# ---- registration actions -----------------------------------------------------------------------------------


def test_registration_action_by_get_is_405(world):
    reg = make_registration(world.fz_clerk)
    assert client_for(world.fz_reg).get(reg_url(reg, "approve/")).status_code == 405
    reg.refresh_from_db()
    assert reg.status == Status.PENDING


@pytest.mark.parametrize("who, status", [
    ("fz_clerk", 403),  # the submitter
    ("fz_reviewer", 403),  # own unit, but not the regulator
    ("fj_reg", 403),  # sees it, but 福州 has its own regulator
    ("jx_reg", 404), ("jx_clerk", 404), ("dept_competent", 404),
])
def test_registration_approve_refused(world, who, status):
    reg = make_registration(world.fz_clerk)
    r = client_for(getattr(world, who)).post(reg_url(reg, "approve/"), {"opinion": "同意"})
    assert r.status_code == status
    reg.refresh_from_db()
    assert reg.status == Status.PENDING
    world.fz_unit.refresh_from_db()
    assert not world.fz_unit.is_member


def test_registration_unknown_action_is_404(world):
    reg = make_registration(world.fz_clerk)  # the flow has no such action: no such page
    assert client_for(world.fz_reg).post(reg_url(reg, "delete/")).status_code == 404
    reg.refresh_from_db()
    assert reg.status == Status.PENDING


def test_registration_approve_by_responsible_regulator(world):
    reg = make_registration(world.fz_clerk)
    r = client_for(world.fz_reg).post(reg_url(reg, "approve/"), {"version": reg.version, "opinion": "信息属实"})
    assert r.status_code == 302
    assert r["Location"] == reg_url(reg)
    assert "审核通过。" in flashed(r)
    reg.refresh_from_db()
    assert reg.status == Status.APPROVED
    world.fz_unit.refresh_from_db()
    assert world.fz_unit.is_member
    page = html(client_for(world.fz_reg).get(reg_url(reg)))
    assert "已办结" in page and "信息属实" in page


def test_registration_approve_with_budget_code_mismatch_shows_message_and_stays_pending(world):
    reg = make_registration(world.fz_clerk, budget_code="350100999")
    r = client_for(world.fz_reg).post(reg_url(reg, "approve/"), {"version": reg.version}, follow=True)
    assert r.status_code == 200
    assert "不一致" in html(r)
    reg.refresh_from_db()
    assert reg.status == Status.PENDING


def test_registration_reject_needs_an_opinion(world):
    reg = make_registration(world.fz_clerk)
    r = client_for(world.fz_reg).post(reg_url(reg, "reject/"), {"version": reg.version, "opinion": "  "})
    assert r.status_code == 302
    assert "审核不通过时必须填写审核意见。" in flashed(r)
    reg.refresh_from_db()
    assert reg.status == Status.PENDING
    r = client_for(world.fz_reg).post(reg_url(reg, "reject/"), {"version": reg.version, "opinion": "地址不全"})
    assert "已退回。" in flashed(r)
    reg.refresh_from_db()
    assert reg.was_returned


def test_registration_withdraw_by_submitter_only(world):
    reg = make_registration(world.fz_clerk)
    assert client_for(world.fz_reviewer).post(reg_url(reg, "withdraw/"), {"version": reg.version}).status_code == 403
    r = client_for(world.fz_clerk).post(reg_url(reg, "withdraw/"), {"version": reg.version})
    assert r.status_code == 302 and "已撤回。" in flashed(r)
    reg.refresh_from_db()
    assert reg.status == Status.WITHDRAWN


def test_registration_approve_after_clerk_withdrew_is_a_stale_message(world):
    reg = make_registration(world.fz_clerk)
    seen_version = reg.version
    engine.withdraw(reg, world.fz_clerk)
    r = client_for(world.fz_reg).post(reg_url(reg, "approve/"), {"version": seen_version})
    assert r.status_code == 302
    assert any("单据已被他人处理" in m for m in flashed(r))
    reg.refresh_from_db()
    assert reg.status == Status.WITHDRAWN
    assert reg.version == seen_version + 1


def test_registration_approve_of_a_resubmitted_document_with_old_version_is_a_stale_message(world):
    reg = make_registration(world.fz_clerk)
    seen_version = reg.version
    engine.withdraw(reg, world.fz_clerk)
    engine.submit(reg, world.fz_clerk)
    reg.refresh_from_db()
    r = client_for(world.fz_reg).post(reg_url(reg, "approve/"), {"version": seen_version})
    assert r.status_code == 302
    assert any("单据已被他人处理" in m for m in flashed(r))
    after = UnitRegistration.objects.get(pk=reg.pk)
    assert after.status == Status.PENDING and after.version == reg.version


def test_registration_approve_after_a_colleague_approved_is_a_stale_message(world):
    fz_reg2 = make_user("fz_reg2", world.fz_reg_unit, Role.REGULATOR)
    reg = make_registration(world.fz_clerk)
    seen_version = reg.version
    engine.approve(reg, fz_reg2)
    r = client_for(world.fz_reg).post(reg_url(reg, "reject/"), {"version": seen_version, "opinion": "退回"})
    assert r.status_code == 302
    assert any("单据已被他人处理" in m for m in flashed(r))
    reg.refresh_from_db()
    assert reg.status == Status.APPROVED


# ---- 查看采购单位信息 --------------------------------------------------------------------------------------------


def test_member_list_for_province_regulator(world):
    r = client_for(world.fj_reg).get("/orgs/units/")
    assert r.status_code == 200
    page = html(r)
    assert "查看采购单位信息" in page
    assert "福建省教育厅" in page and "福建省教育考试院" in page
    assert "南昌市第一中学" not in page
    assert "福州市第一中学" not in page  # not yet a 正式库会员
    assert "福建省财政厅政府采购监管处" not in grid(page)  # a regulator, not a purchaser


def test_member_list_for_city_and_other_province(world):
    world.fz_unit.is_member = True
    world.fz_unit.save()
    fz = html(client_for(world.fz_reg).get("/orgs/units/"))
    assert "福州市第一中学" in fz and "福建省教育厅" not in fz
    jx = html(client_for(world.jx_reg).get("/orgs/units/"))
    assert "南昌市第一中学" in jx and "福建省教育厅" not in jx and "福州市第一中学" not in jx


def test_member_list_export(world):
    header, rows = read_xlsx(client_for(world.jx_reg).get("/orgs/units/?export=xlsx"))
    assert header == ["单位名称", "统一社会信用代码", "单位预算编码", "单位级次", "所属区划", "主管预算单位", "入库时间"]
    assert [r[0] for r in rows] == ["南昌市第一中学"]


@pytest.mark.parametrize("who", ["fz_clerk", "dept_competent", "dept_reviewer"])
def test_member_list_refused_to_non_regulators(world, who):
    assert client_for(getattr(world, who)).get("/orgs/units/").status_code == 403


@pytest.mark.parametrize("who, unit, status", [
    ("fj_reg", "dept", 200), ("fj_reg", "fz_unit", 200), ("fz_reg", "fz_unit", 200),
    ("fz_reg", "dept", 404), ("jx_reg", "dept", 404), ("jx_reg", "jx_unit", 200),
    ("dept_competent", "sub1", 200), ("dept_clerk", "sub1", 404), ("sub1_clerk", "dept", 404),
    ("fz_clerk", "fz_unit", 200), ("jx_clerk", "fz_unit", 404),
])
def test_unit_detail_scope(world, who, unit, status):
    target = getattr(world, unit)
    r = client_for(getattr(world, who)).get(f"/orgs/units/{target.pk}/")
    assert r.status_code == status
    if status == 200:
        assert target.name in html(r) and target.credit_code in html(r)


def test_unit_detail_lists_subordinates_and_registrations(world):
    reg = make_registration(world.dept_clerk)
    page = html(client_for(world.fj_reg).get(f"/orgs/units/{world.dept.pk}/"))
    assert "下级单位" in page and "福建省教育考试院" in page
    assert reg.number in page
    assert client_for(world.fj_reg).get("/orgs/units/999999/").status_code == 404


def test_unit_detail_links_open_for_the_viewer(world):
    c = client_for(world.dept_clerk)
    page = html(c.get(f"/orgs/units/{world.dept.pk}/"))
    links = re.findall(r'href="(/orgs/(?:units|registrations)/\d+/)"', page)
    assert {u: c.get(u).status_code for u in links} == {u: 200 for u in links}


# ---- 隶属关系设置 (the subordinate's clerk) ----------------------------------------------------------------------


def test_my_subordination_form_lists_candidates(world):
    r = client_for(world.fz_clerk).get("/orgs/subordination/")
    assert r.status_code == 200
    page = html(r)
    assert "隶属关系设置" in page and "尚未设置" in page
    options = field_html(page, "主管预算单位")
    assert "福建省教育厅" in options
    assert "南昌市第一中学" not in options and "福建省教育考试院" not in options


@pytest.mark.parametrize("who", ["fz_reviewer", "fj_reg", "dept_competent"])
def test_my_subordination_refused(world, who):
    user = getattr(world, who)
    assert client_for(user).get("/orgs/subordination/").status_code == 403
    assert client_for(user).post("/orgs/subordination/", {"competent_unit": world.dept.pk}).status_code == 403
    assert not Subordination.objects.exists()


def test_my_subordination_submit_creates_pending(world):
    r = client_for(world.fz_clerk).post("/orgs/subordination/", {"competent_unit": world.dept.pk, "note": "按预算隶属"})
    sub = Subordination.objects.get()
    assert r.status_code == 302
    assert r["Location"] == sub_url(sub)
    assert sub.status == Status.PENDING and sub.unit == world.fz_unit and sub.competent_unit == world.dept
    assert "已提交，等待「福建省教育厅」确认。" in flashed(r)
    page = html(client_for(world.fz_clerk).get("/orgs/subordination/"))
    assert "待确认的申请" in page and sub.number in page


def test_my_subordination_invalid_choice_saves_nothing(world):
    r = client_for(world.fz_clerk).post("/orgs/subordination/", {"competent_unit": world.jx_unit.pk})
    assert r.status_code == 200
    assert "field-error" in field_html(html(r), "主管预算单位")
    assert not Subordination.objects.exists()


def test_my_subordination_choosing_the_current_competent_unit_shows_message(world):
    r = client_for(world.sub1_clerk).post("/orgs/subordination/", {"competent_unit": world.dept.pk})
    assert r.status_code == 200
    assert "该单位已经是本单位的主管预算单位。" in field_html(html(r), "主管预算单位")
    assert not Subordination.objects.exists()


# ---- 下级单位隶属确认 (the competent unit) ------------------------------------------------------------------------


def test_confirm_list_for_the_chosen_competent_unit(world):
    sub = services.subordination_request(actor=world.fz_clerk, competent_unit=world.dept)
    r = client_for(world.dept_competent).get("/orgs/subordinations/confirm/")
    assert r.status_code == 200
    page = html(r)
    assert "下级单位隶属确认" in page and "福州市第一中学" in page and sub.number in page
    assert f'<a href="{sub_url(sub)}" class="">确认</a>' in page
    assert tab_count(page, "待处理") == 1


def test_confirm_list_of_another_competent_unit_is_empty(world):
    services.subordination_request(actor=world.fz_clerk, competent_unit=world.dept)
    other = make_unit("福建省卫生健康委员会", is_competent=True, budget_code="350002001")
    user = make_user("health_competent", other, Role.COMPETENT)
    page = html(client_for(user).get("/orgs/subordinations/confirm/"))
    assert "福州市第一中学" not in page and "暂无数据" in page


@pytest.mark.parametrize("who", ["fz_clerk", "dept_clerk", "fj_reg"])
def test_confirm_list_refused(world, who):
    assert client_for(getattr(world, who)).get("/orgs/subordinations/confirm/").status_code == 403


@pytest.mark.parametrize("who, status", [
    ("fz_clerk", 403), ("dept_clerk", 403), ("fj_reg", 403), ("jx_clerk", 404), ("jx_reg", 404),
    ("sub1_clerk", 404),
])
def test_subordination_approve_refused(world, who, status):
    sub = services.subordination_request(actor=world.fz_clerk, competent_unit=world.dept)
    assert client_for(getattr(world, who)).post(sub_url(sub, "approve/"), {"version": sub.version}).status_code == status
    sub.refresh_from_db()
    assert sub.status == Status.PENDING
    world.fz_unit.refresh_from_db()
    assert world.fz_unit.competent_id is None


def test_subordination_confirmed_by_competent_unit(world):
    sub = services.subordination_request(actor=world.fz_clerk, competent_unit=world.dept)
    r = client_for(world.dept_competent).post(sub_url(sub, "approve/"), {"version": sub.version})
    assert r.status_code == 302 and r["Location"] == sub_url(sub)
    sub.refresh_from_db()
    assert sub.status == Status.APPROVED
    world.fz_unit.refresh_from_db()
    assert world.fz_unit.competent == world.dept
    page = html(client_for(world.fz_clerk).get("/orgs/subordination/"))
    assert "福建省教育厅" in page and "已办结" in page
    # the competent unit now sees the new subordinate's unit page
    assert client_for(world.dept_competent).get(f"/orgs/units/{world.fz_unit.pk}/").status_code == 200


def test_subordination_withdrawn_by_the_clerk_before_confirmation(world):
    sub = services.subordination_request(actor=world.fz_clerk, competent_unit=world.dept)
    assert client_for(world.dept_competent).post(sub_url(sub, "withdraw/"), {"version": sub.version}).status_code == 403
    r = client_for(world.fz_clerk).post(sub_url(sub, "withdraw/"), {"version": sub.version})
    assert r.status_code == 302 and "已撤回。" in flashed(r)
    sub.refresh_from_db()
    assert sub.status == Status.WITHDRAWN
    page = html(client_for(world.fz_clerk).get("/orgs/subordination/"))
    assert "待确认的申请" not in page and "选择主管预算单位" in page
    assert sub.number not in grid(html(client_for(world.dept_competent).get("/orgs/subordinations/confirm/")))


def test_subordination_returned_by_the_competent_unit_needs_an_opinion(world):
    sub = services.subordination_request(actor=world.fz_clerk, competent_unit=world.dept)
    r = client_for(world.dept_competent).post(sub_url(sub, "reject/"), {"version": sub.version, "opinion": ""})
    assert "审核不通过时必须填写审核意见。" in flashed(r)
    sub.refresh_from_db()
    assert sub.status == Status.PENDING
    r = client_for(world.dept_competent).post(sub_url(sub, "reject/"), {"version": sub.version, "opinion": "非本厅下属单位"})
    assert "已退回。" in flashed(r)
    sub.refresh_from_db()
    assert sub.was_returned
    world.fz_unit.refresh_from_db()
    assert world.fz_unit.competent_id is None


@pytest.mark.parametrize("who, status", [
    ("fz_clerk", 200), ("dept_competent", 200), ("fj_reg", 200), ("fz_reg", 200),
    ("jx_reg", 404), ("sub1_clerk", 404), ("jx_clerk", 404),
])
def test_subordination_detail_scope(world, who, status):
    sub = services.subordination_request(actor=world.fz_clerk, competent_unit=world.dept)
    r = client_for(getattr(world, who)).get(sub_url(sub))
    assert r.status_code == status
    if status == 200:
        assert "福州市第一中学" in html(r) and "福建省教育厅" in html(r)


# ---- 查看/解除隶属关系 (the regulator) ---------------------------------------------------------------------------


def test_subordination_list_for_regulators(world):
    sub = approved_subordination(world)
    r = client_for(world.fj_reg).get("/orgs/subordinations/")
    assert r.status_code == 200
    page = html(r)
    assert "查看/解除隶属关系" in page and sub.number in page
    assert tab_count(page, "已确认") == 1
    assert f'{sub_url(sub)}#dissolve' in page  # 解除 is offered
    assert sub.number in html(client_for(world.fz_reg).get("/orgs/subordinations/"))
    jx = html(client_for(world.jx_reg).get("/orgs/subordinations/"))
    assert sub.number not in jx and "福州市第一中学" not in jx
    assert tab_count(jx, "已确认") == 0


def test_subordination_list_pending_tab(world):
    sub = services.subordination_request(actor=world.fz_clerk, competent_unit=world.dept)
    page = html(client_for(world.fj_reg).get("/orgs/subordinations/?tab=pending"))
    assert sub.number in page and "审核中" in page
    assert tab_count(page, "待确认") == 1


def test_subordination_list_export(world):
    sub = approved_subordination(world)
    header, rows = read_xlsx(client_for(world.fj_reg).get("/orgs/subordinations/?export=xlsx"))
    assert header == ["单据编号", "下级单位", "所属区划", "主管预算单位", "状态", "申请时间", "确认时间"]
    assert [r[0] for r in rows] == [sub.number]
    _, rows = read_xlsx(client_for(world.jx_reg).get("/orgs/subordinations/?export=xlsx"))
    assert rows == []


@pytest.mark.parametrize("who", ["fz_clerk", "dept_competent"])
def test_subordination_list_refused_to_non_regulators(world, who):
    assert client_for(getattr(world, who)).get("/orgs/subordinations/").status_code == 403


def assert_still_linked(world, sub):
    sub.refresh_from_db()
    assert sub.dissolved_at is None
    world.fz_unit.refresh_from_db()
    assert world.fz_unit.competent == world.dept


def test_dissolve_without_reason_shows_message_and_changes_nothing(world):
    sub = approved_subordination(world)
    r = client_for(world.fj_reg).post(sub_url(sub, "dissolve/"), {"version": sub.version, "reason": "  "})
    assert r.status_code == 302 and r["Location"] == sub_url(sub)
    assert "请填写解除原因。" in flashed(r)
    assert_still_linked(world, sub)


def test_dissolve_by_regulator_with_reason(world):
    sub = approved_subordination(world)
    detail = html(client_for(world.fj_reg).get(sub_url(sub)))
    assert "解除隶属关系" in detail
    r = client_for(world.fj_reg).post(sub_url(sub, "dissolve/"), {"version": sub.version, "reason": "单位隶属关系填报错误"})
    assert r.status_code == 302
    assert "隶属关系已解除。" in flashed(r)
    sub.refresh_from_db()
    assert sub.dissolved_at is not None and sub.dissolved_by == world.fj_reg
    assert sub.dissolve_reason == "单位隶属关系填报错误"
    world.fz_unit.refresh_from_db()
    assert world.fz_unit.competent_id is None
    page = html(client_for(world.fj_reg).get(sub_url(sub)))
    assert "已解除" in page and "单位隶属关系填报错误" in page
    # once dissolved, there is nothing left to dissolve
    assert client_for(world.fj_reg).post(sub_url(sub, "dissolve/"), {"reason": "再次解除"}).status_code == 403


def test_dissolve_with_stale_version_shows_message(world):
    sub = approved_subordination(world)
    r = client_for(world.fj_reg).post(sub_url(sub, "dissolve/"), {"version": sub.version - 1, "reason": "填报错误"})
    assert r.status_code == 302
    assert any("单据已被他人处理" in m for m in flashed(r))
    assert_still_linked(world, sub)


def test_dissolve_by_get_is_405(world):
    sub = approved_subordination(world)
    assert client_for(world.fj_reg).get(sub_url(sub, "dissolve/")).status_code == 405
    assert_still_linked(world, sub)


@pytest.mark.parametrize("who, status", [
    ("jx_reg", 404), ("jx_clerk", 404), ("sub1_clerk", 404),
    ("fz_clerk", 403), ("dept_competent", 403), ("dept_clerk", 403),
])
def test_dissolve_refused(world, who, status):
    sub = approved_subordination(world)
    r = client_for(getattr(world, who)).post(sub_url(sub, "dissolve/"), {"version": sub.version, "reason": "想解除"})
    assert r.status_code == status
    assert_still_linked(world, sub)
    assert "解除隶属关系" not in html(client_for(world.fz_clerk).get(sub_url(sub)))


def test_dissolve_a_pending_request_is_refused(world):
    sub = services.subordination_request(actor=world.fz_clerk, competent_unit=world.dept)
    assert client_for(world.fj_reg).post(sub_url(sub, "dissolve/"), {"reason": "错误"}).status_code == 403
    sub.refresh_from_db()
    assert sub.status == Status.PENDING and sub.dissolved_at is None


def test_registration_shows_form_and_rule_errors_in_one_round(world):
    # issue 6, item 20: the level is refused by the form, the budget code by the service; both show at once
    r = client_for(world.fz_clerk).post("/orgs/registration/", form_data(world.fz_unit, level="bogus", budget_code="ABC"))
    page = r.content.decode()
    assert "请从列表中选择。" in page and "单位预算编码应为6至32位数字。" in page
    assert "选择一个有效的选项" not in page
    assert not UnitRegistration.objects.filter(unit=world.fz_unit).exists()
