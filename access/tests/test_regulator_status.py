"""Regulator rights come from regulator *status* (the role AND a regulator unit), never from the role alone.

A purchaser's user who was given the 监管部门 role (by mistake or malice) must not add rule-parameter editions,
set working days, publish bulletins, see bulletins below its region or the platform check of a registration.
Working-day adjustments are national: the system administrator's alone.
"""

import datetime as dt

import pytest

from access import menu, rights
from core.errors import NotAllowed
from core.services import parameter_add, workday_set
from core.testing import client_for
from orgs.models import Region, Role
from orgs.testing import make_unit, make_user
from portal.models import Bulletin
from portal.selectors import bulletins_for
from portal.services import bulletin_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_reg(world):
    """A 福州 purchaser's clerk who also holds the regulator role."""
    return make_user("fake_reg", world.fz_unit, Role.CLERK, Role.REGULATOR)


def param_data(region_code="350100"):
    return {"name": "decentralized_limit_goods", "label": "分散采购限额（货物）", "region_code": region_code,
            "level": "", "effective_from": dt.date(2031, 1, 1), "kind": "decimal", "value": "1",
            "unit": "元", "source": "测试"}


def add_parameter(user, data):
    """As the 新增参数版本 page does: access decides, core's service is told (core asks nothing above it)."""
    return parameter_add(actor=user, data=data, allowed=rights.may_set_parameters(user, data["region_code"]))


def set_workday(user, **kw):
    return workday_set(actor=user, allowed=rights.may_set_workdays(user), **kw)


def test_purchaser_with_regulator_role_cannot_add_parameter(fake_reg):
    assert not fake_reg.is_regulator
    with pytest.raises(NotAllowed):
        add_parameter(fake_reg, param_data())
    assert client_for(fake_reg).get("/settings/parameters/new/").status_code == 403
    assert client_for(fake_reg).get("/settings/parameters/").status_code == 403


def test_real_regulator_still_adds_parameter_for_its_region(world):
    param = add_parameter(world.fz_reg, param_data())
    assert param.region_code == "350100"


def test_working_days_are_the_administrators_alone(world, fake_reg):
    for user in (fake_reg, world.fj_reg):
        with pytest.raises(NotAllowed):
            set_workday(user, date=dt.date(2031, 1, 2), is_working_day=True, reason="调休")
        assert client_for(user).get("/settings/workdays/").status_code == 403
        assert client_for(user).get("/settings/workdays/new/").status_code == 403
    admin = make_user("admin1", world.fj_reg_unit, Role.ADMIN)
    assert set_workday(admin, date=dt.date(2031, 1, 2), is_working_day=True, reason="调休").is_working_day
    assert client_for(admin).get("/settings/workdays/").status_code == 200


def test_purchaser_with_regulator_role_cannot_publish_bulletins(fake_reg):
    with pytest.raises(NotAllowed):
        bulletin_publish(actor=fake_reg, title="通知", body="内容")
    assert client_for(fake_reg).get("/bulletins/").status_code == 403
    assert client_for(fake_reg).get("/bulletins/new/").status_code == 403
    assert client_for(fake_reg).post("/bulletins/new/", {"title": "通知", "body": "内容"}).status_code == 403
    assert not Bulletin.objects.exists()


def test_purchaser_with_regulator_role_sees_no_bulletins_below_its_region(world, fake_reg):
    gulou_reg = make_user("gulou_reg", make_unit("鼓楼区财政局", region_code="350102", kind="regulator"),
                          Role.REGULATOR)
    below = Bulletin.objects.create(title="鼓楼通知", body="内容", region=Region.objects.get(code="350102"),
                                    published_by=gulou_reg)
    assert below not in bulletins_for(fake_reg)
    assert below in bulletins_for(world.fz_reg)


def _labels(items):
    out = set()
    for item in items:
        out.add(item["label"])
        out |= _labels(item.get("children", []))
    return out


def test_menu_offers_regulator_entries_by_status(world, fake_reg):
    regulator_only = {"审核采购单位信息", "查看采购单位信息", "查看/解除隶属关系", "一体化预算管理", "一体化单位基本信息",
                      "重置预算匹配", "接收消息日志", "预算管理", "项目查询", "通知公告", "规则参数", "工作日调整"}
    assert not regulator_only & _labels(menu.build(fake_reg, "/"))
    assert "工作日调整" not in _labels(menu.build(world.fj_reg, "/"))
    assert {"规则参数", "通知公告", "审核采购单位信息"} <= _labels(menu.build(world.fj_reg, "/"))


def test_registration_platform_check_needs_regulator_status(world):
    from registry.tests.test_views import make_registration

    make_user("fz_both", world.fz_unit, Role.CLERK, Role.REGULATOR)
    from orgs.models import User

    both = User.objects.get(username="fz_both")
    reg = make_registration(both)
    page = client_for(both).get(f"/orgs/registrations/{reg.pk}/")
    assert page.status_code == 200
    assert "一体化平台单位预算编码" not in page.content.decode()
