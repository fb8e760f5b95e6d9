"""系统管理 pages of the kernel's tables (portal): 规则参数 and 工作日调整, through django.test.Client.

A regulator sets parameters for its own region and below, an administrator for any region; other roles get
403, anonymous goes to /login/. Bad input gets its Chinese message beside the field and saves nothing.
"""

import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.messages import get_messages

from core import params
from core.models import RuleParameter, WorkdayAdjustment
from core.testing import client_for
from orgs.models import Role
from orgs.testing import make_user

pytestmark = pytest.mark.django_db

PARAM_NAME = "decentralized_limit_goods"  # seeded for 福州 (350100) from 2022-01-01: 500000 元
FUTURE = dt.date(2031, 1, 1)


def html(response) -> str:
    return response.content.decode()


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def field_html(page: str, label: str) -> str:
    """The rendered block of one form field (partials/form_field.html), found by its label."""
    m = re.search(r'<label class="field[^"]*">\s*<span>(?:<i class="req">\*</i>)?' + re.escape(label)
                  + r"</span>(.*?)</label>", page, re.S)
    assert m, f"field 「{label}」 not on the page"
    return m.group(1)


def grid(page: str) -> str:
    m = re.search(r'<table class="grid">.*?</table>', page, re.S)
    assert m, "no table on the page"
    return m.group(0)


@pytest.fixture
def admin(world):
    return make_user("sysadmin", world.fj_reg_unit, Role.ADMIN)


def param_form(**overrides) -> dict:
    data = {"name": PARAM_NAME, "label": "分散采购限额（货物）", "region_code": "350100", "level": "",
            "effective_from": FUTURE.isoformat(), "kind": RuleParameter.KIND_DECIMAL, "value": "800000",
            "unit": "元", "source": "福州市2031年集中采购目录"}
    data.update(overrides)
    return data


def param_count() -> int:
    return RuleParameter.objects.count()


# ---- anonymous ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/settings/parameters/", "/settings/parameters/new/", "/settings/workdays/",
                                 "/settings/workdays/new/"])
def test_anonymous_is_sent_to_login(db, url):
    r = client_for(None).get(url)
    assert r.status_code == 302
    assert r["Location"].startswith("/login/?next=")


def test_anonymous_post_saves_nothing(world):
    before = param_count()
    r = client_for(None).post("/settings/parameters/new/", param_form())
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    r = client_for(None).post("/settings/workdays/new/", {"date": "2031-01-04", "is_working_day": "1", "reason": "调休"})
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    assert param_count() == before
    assert not WorkdayAdjustment.objects.exists()


# ---- 规则参数 list ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["fj_reg", "fz_reg", "jx_reg", "admin"])
def test_parameter_list_for_regulators_and_admin(world, admin, who):
    user = admin if who == "admin" else getattr(world, who)
    r = client_for(user).get("/settings/parameters/?name=login_max_failures")
    assert r.status_code == 200
    page = html(r)
    assert "规则参数" in page and "新增参数版本" in page
    assert "登录连续失败锁定次数" in grid(page) and "全国" in grid(page)


def _listed_regions(user) -> set[str]:
    r = client_for(user).get("/settings/parameters/?export=xlsx")
    assert r.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    col = list(rows[0]).index("适用区划")
    return {row[col] for row in rows[1:]}


def test_parameter_list_shows_the_regulators_region_and_above(world, admin):
    fz = _listed_regions(world.fz_reg)
    assert {"全国", "350000", "350100"} <= fz
    assert not {"360000", "350200", "350128"} & fz  # another province, a sibling city
    fj = _listed_regions(world.fj_reg)
    assert {"全国", "350000", "350100", "350200"} <= fj and "360000" not in fj
    jx = _listed_regions(world.jx_reg)
    assert {"全国", "360000"} <= jx and not any(code.startswith("35") for code in jx)
    assert {"全国", "350000", "360000"} <= _listed_regions(admin)


@pytest.mark.parametrize("who", ["fz_clerk", "fz_reviewer", "dept_competent", "jx_clerk"])
def test_parameter_pages_refused_to_others(world, who):
    user = getattr(world, who)
    before = param_count()
    assert client_for(user).get("/settings/parameters/").status_code == 403
    assert client_for(user).get("/settings/parameters/?export=xlsx").status_code == 403
    assert client_for(user).get("/settings/parameters/new/").status_code == 403
    assert client_for(user).post("/settings/parameters/new/", param_form()).status_code == 403
    assert param_count() == before


def test_parameter_list_filters_by_region(world):
    page = grid(html(client_for(world.fj_reg).get(f"/settings/parameters/?name={PARAM_NAME}&region_code=350100")))
    assert "350100" in page and "500000" in page
    assert "350500" not in page


def test_parameter_list_export(world):
    r = client_for(world.fj_reg).get("/settings/parameters/?export=xlsx&name=login_")
    assert r.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert list(rows[0]) == ["参数名", "参数说明", "适用区划", "级次", "生效日期", "取值", "单位", "依据", "可信度"]
    assert {row[0] for row in rows[1:]} == {"login_max_failures", "login_lock_minutes"}


# ---- 新增参数版本 ----------------------------------------------------------------------------------------------


def test_parameter_new_form(world):
    r = client_for(world.fz_reg).get("/settings/parameters/new/")
    assert r.status_code == 200
    page = html(r)
    assert "新增参数版本" in page and "适用区划代码" in page and "生效日期" in page


def test_parameter_new_prefilled_from_an_existing_edition(world):
    src = RuleParameter.objects.get(name=PARAM_NAME, region_code="350100", level="")
    page = html(client_for(world.fz_reg).get(f"/settings/parameters/new/?from={src.pk}"))
    assert f'value="{PARAM_NAME}"' in field_html(page, "参数名")
    assert 'value="350100"' in field_html(page, "适用区划代码")


def test_city_regulator_adds_an_edition_for_its_city(world):
    before = params.value(PARAM_NAME, region_code="350100", on=FUTURE)
    r = client_for(world.fz_reg).post("/settings/parameters/new/", param_form())
    assert r.status_code == 302 and r["Location"] == "/settings/parameters/"
    assert "参数已新增，自生效日期起生效。" in flashed(r)
    row = RuleParameter.objects.get(name=PARAM_NAME, region_code="350100", effective_from=FUTURE)
    assert row.value == "800000" and row.created_by == world.fz_reg
    # in force from its date, for its region only
    assert params.value(PARAM_NAME, region_code="350100", on=FUTURE) == Decimal("800000")
    assert params.value(PARAM_NAME, region_code="350100", on=FUTURE - dt.timedelta(days=1)) == before
    assert params.value(PARAM_NAME, region_code="350500", on=FUTURE) != Decimal("800000")


def test_city_regulator_adds_an_edition_for_a_county_below(world):
    r = client_for(world.fz_reg).post("/settings/parameters/new/", param_form(region_code="350102"))
    assert r.status_code == 302
    assert RuleParameter.objects.filter(region_code="350102", effective_from=FUTURE).exists()


@pytest.mark.parametrize("code", ["360000", "350000", "350200", ""])
def test_city_regulator_refused_outside_its_region(world, code):
    before = param_count()
    r = client_for(world.fz_reg).post("/settings/parameters/new/", param_form(region_code=code))
    assert r.status_code == 200
    assert "只能为本辖区及下级区划设置参数" in field_html(html(r), "适用区划代码")
    assert param_count() == before


def test_province_regulator_may_set_its_cities(world):
    r = client_for(world.fj_reg).post("/settings/parameters/new/", param_form(region_code="350200"))
    assert r.status_code == 302
    r = client_for(world.jx_reg).post("/settings/parameters/new/", param_form(region_code="350200", value="900000",
                                                                     effective_from="2031-02-01"))
    assert r.status_code == 200
    assert "只能为本辖区及下级区划设置参数" in field_html(html(r), "适用区划代码")


def test_admin_may_set_a_nationwide_edition(world, admin):
    r = client_for(admin).post("/settings/parameters/new/", param_form(name="login_max_failures", region_code="",
                                                             kind=RuleParameter.KIND_INT, value="6", unit="次"))
    assert r.status_code == 302
    assert params.value("login_max_failures", on=FUTURE) == 6


@pytest.mark.parametrize("kind, value", [(RuleParameter.KIND_DECIMAL, "八十万"), (RuleParameter.KIND_DECIMAL, "1,000"),
                                         (RuleParameter.KIND_INT, "1.5"), (RuleParameter.KIND_INT, "abc")])
def test_value_must_match_the_kind(world, kind, value):
    before = param_count()
    r = client_for(world.fz_reg).post("/settings/parameters/new/", param_form(kind=kind, value=value))
    assert r.status_code == 200
    page = html(r)
    assert "取值与类型不符" in field_html(page, "取值")
    assert "请修正标出的字段" in page
    assert param_count() == before


def test_duplicate_edition_is_refused_beside_the_date(world):
    before = param_count()
    r = client_for(world.fz_reg).post("/settings/parameters/new/", param_form(effective_from="2022-01-01"))
    assert r.status_code == 200
    assert "该参数在此区划、级次和生效日期已有取值" in field_html(html(r), "生效日期")
    assert param_count() == before
    # the same edition twice through the page: the second is refused
    assert client_for(world.fz_reg).post("/settings/parameters/new/", param_form()).status_code == 302
    r = client_for(world.fz_reg).post("/settings/parameters/new/", param_form(value="900000"))
    assert r.status_code == 200
    assert "已有取值" in field_html(html(r), "生效日期")
    assert RuleParameter.objects.get(name=PARAM_NAME, region_code="350100", effective_from=FUTURE).value == "800000"


def test_unknown_region_code_is_refused(world, admin):
    r = client_for(admin).post("/settings/parameters/new/", param_form(region_code="999999"))
    assert r.status_code == 200
    assert "没有该行政区划代码" in field_html(html(r), "适用区划代码")


def test_missing_required_fields(world):
    before = param_count()
    r = client_for(world.fz_reg).post("/settings/parameters/new/", param_form(name="", effective_from="不是日期"))
    assert r.status_code == 200
    page = html(r)
    assert "必填" in field_html(page, "参数名")
    assert "field-error" in field_html(page, "生效日期")
    assert param_count() == before


# ---- 工作日调整 -----------------------------------------------------------------------------------------------


def _a_weekday(year=2031):
    """A Wednesday far enough ahead that no adjustment exists."""
    day = dt.date(year, 3, 1)
    while day.weekday() != 2:
        day += dt.timedelta(days=1)
    return day


def test_workday_pages_for_the_admin(world, admin):
    user = admin
    r = client_for(user).get("/settings/workdays/")
    assert r.status_code == 200
    assert "工作日调整" in html(r) and "新增调整" in html(r)
    r = client_for(user).get("/settings/workdays/new/")
    assert r.status_code == 200
    assert "新增工作日调整" in html(r) and "说明" in html(r)


@pytest.mark.parametrize("who", ["fz_clerk", "dept_competent", "fz_reviewer", "fj_reg", "jx_reg"])
def test_workday_pages_refused_to_others(world, who):
    user = getattr(world, who)
    assert client_for(user).get("/settings/workdays/").status_code == 403
    assert client_for(user).get("/settings/workdays/new/").status_code == 403
    r = client_for(user).post("/settings/workdays/new/", {"date": "2031-03-05", "is_working_day": "0", "reason": "放假"})
    assert r.status_code == 403
    assert not WorkdayAdjustment.objects.exists()


def test_workday_adjustment_is_listed_and_used_by_the_calendar(world, admin):
    from core import workdays

    day = _a_weekday()
    assert workdays.is_working_day(day)
    r = client_for(admin).post("/settings/workdays/new/",
             {"date": day.isoformat(), "is_working_day": "0", "reason": "国务院办公厅通知：补充放假"})
    assert r.status_code == 302 and r["Location"] == "/settings/workdays/"
    assert "已保存。" in flashed(r)
    assert not workdays.is_working_day(day)
    row = WorkdayAdjustment.objects.get(date=day)
    assert row.created_by == admin and not row.is_working_day
    page = grid(html(client_for(admin).get("/settings/workdays/")))
    assert day.isoformat() in page and "休息" in page and "补充放假" in page


def test_workday_adjustment_to_working_saturday(world, admin):
    from core import workdays

    saturday = _a_weekday() + dt.timedelta(days=3)
    assert not workdays.is_working_day(saturday)
    r = client_for(admin).post("/settings/workdays/new/",
             {"date": saturday.isoformat(), "is_working_day": "1", "reason": "调休上班"})
    assert r.status_code == 302
    assert workdays.is_working_day(saturday)


def test_workday_second_entry_for_a_date_replaces_the_first(world, admin):
    from core import workdays

    day = _a_weekday()
    client_for(admin).post("/settings/workdays/new/", {"date": day.isoformat(), "is_working_day": "0", "reason": "放假"})
    client_for(admin).post("/settings/workdays/new/", {"date": day.isoformat(), "is_working_day": "1", "reason": "更正"})
    assert WorkdayAdjustment.objects.filter(date=day).count() == 1
    assert workdays.is_working_day(day)


def test_workday_empty_reason_shows_message_and_saves_nothing(world, admin):
    r = client_for(admin).post("/settings/workdays/new/", {"date": _a_weekday().isoformat(), "is_working_day": "0",
                                                       "reason": ""})
    assert r.status_code == 200
    page = html(r)
    assert "必填" in field_html(page, "说明")
    assert "请修正标出的字段" in page
    r = client_for(admin).post("/settings/workdays/new/", {"date": "", "is_working_day": "0", "reason": "放假"})
    assert "必填" in field_html(html(r), "日期")
    assert not WorkdayAdjustment.objects.exists()


def test_workday_list_export(world, admin):
    day = _a_weekday()
    client_for(admin).post("/settings/workdays/new/", {"date": day.isoformat(), "is_working_day": "0", "reason": "放假"})
    r = client_for(admin).get("/settings/workdays/?export=xlsx")
    assert r.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert list(rows[0]) == ["日期", "调整为", "说明", "录入人", "录入时间"]
    assert rows[1][:3] == (day.isoformat(), "休息", "放假")
