"""Issue 6 item 18: 指标管理处室 is data of the region kept by its regulator (a model, seeded for Fujian and
Jiangxi), with a regulator page to list, add, deactivate and reactivate them; 资金追加 offers and accepts only
the offices of the project unit's region and the regions above it."""

import re

import pytest
from django.apps import apps

from audit.models import AuditLog
from core.errors import FieldErrors, NotAllowed
from core.testing import client_for
from orgs.models import Role
from orgs.testing import make_unit, make_user, region
from portal import menu
from projects.models import ProjectRequest
from projects.tests.test_request_support import approved_project, indicator, leader, mark_used

pytestmark = pytest.mark.django_db

ADD = ProjectRequest.KIND_FUND_ADD


def Office():
    return apps.get_model("budgets", "BudgetOffice")


def svc():
    from budgets import services

    return services


def sel():
    from budgets import selectors

    return selectors


# ---- the data ------------------------------------------------------------------------------------------------


def test_fujian_and_jiangxi_are_seeded(world):
    fj = sel().budget_office_names(region("350000"))
    jx = sel().budget_office_names(region("360000"))
    assert "预算处" in fj and "教科文处" in fj
    assert "预算处" in jx and "教科文处" in jx
    assert Office().objects.filter(region__code="350000", is_active=True).count() >= 5


def test_a_unit_gets_its_regions_offices_and_those_above(world):
    svc().budget_office_add(actor=world.fz_reg, name="福州市财政局预算科")
    fz = sel().budget_office_names(region("350102"))  # 鼓楼区 → 福州 → 福建
    assert fz[0] == "福州市财政局预算科" and "教科文处" in fz
    assert "福州市财政局预算科" not in sel().budget_office_names(region("350000"))
    assert "福州市财政局预算科" not in sel().budget_office_names(region("350200"))
    assert "福州市财政局预算科" not in sel().budget_office_names(region("360100"))


# ---- services ------------------------------------------------------------------------------------------------


def test_a_regulator_adds_an_office_to_its_region_audited(world):
    before = AuditLog.objects.count()
    office = svc().budget_office_add(actor=world.fz_reg, name=" 福州市财政局国库科 ", order=5)
    assert office.region.code == "350100" and office.name == "福州市财政局国库科" and office.is_active
    assert office.order == 5 and office.created_by == world.fz_reg
    assert AuditLog.objects.count() == before + 1
    assert AuditLog.objects.latest("id").action == "budget_office.add"


@pytest.mark.parametrize("name,message", [("", "请填写处室名称。"), ("处" * 61, "处室名称不能超过60个字符。"),
                                          ("教科文处", "本区划已有该处室。")])
def test_bad_office_names_are_refused_beside_the_field(world, name, message):
    with pytest.raises(FieldErrors) as exc:
        svc().budget_office_add(actor=world.fj_reg, name=name)
    assert exc.value.errors == {"name": message}


@pytest.mark.parametrize("order", [-1, "abc", 100000, "1e27"])
def test_a_bad_order_is_refused_beside_the_field(world, order):
    with pytest.raises(FieldErrors) as exc:
        svc().budget_office_add(actor=world.fj_reg, name="新处室", order=order)
    assert "order" in exc.value.errors


def test_only_regulators_keep_offices(world):
    fake = make_user("fake_reg", world.dept, Role.REGULATOR)  # a purchaser's user holding the role
    for actor in (world.dept_clerk, world.dept_competent, fake):
        with pytest.raises(NotAllowed):
            svc().budget_office_add(actor=actor, name="某处")
    office = Office().objects.get(region__code="350000", name="教科文处")
    for actor in (world.fz_reg, world.jx_reg, fake):  # a city regulator does not keep the province's list
        with pytest.raises(NotAllowed):
            svc().budget_office_deactivate(actor=actor, office=office)
    assert Office().objects.get(pk=office.pk).is_active


def test_deactivate_and_reactivate_audited_never_deleted(world):
    office = Office().objects.get(region__code="350000", name="教科文处")
    svc().budget_office_deactivate(actor=world.fj_reg, office=office)
    office.refresh_from_db()
    assert not office.is_active and office.deactivated_at is not None
    assert "教科文处" not in sel().budget_office_names(region("350100"))
    with pytest.raises(FieldErrors):
        svc().budget_office_deactivate(actor=world.fj_reg, office=office)
    again = svc().budget_office_add(actor=world.fj_reg, name="教科文处")  # adding the name again revives it
    assert again.pk == office.pk and again.is_active and again.deactivated_at is None
    actions = list(AuditLog.objects.order_by("id").values_list("action", flat=True))[-2:]
    assert actions == ["budget_office.deactivate", "budget_office.activate"]


# ---- the page ------------------------------------------------------------------------------------------------


def test_the_regulator_page_lists_its_region_and_shows_the_regions_above(world):
    svc().budget_office_add(actor=world.fz_reg, name="福州市财政局预算科")
    r = client_for(world.fz_reg).get("/budgets/offices/")
    assert r.status_code == 200
    page = r.content.decode()
    assert "指标管理处室" in page and "福州市财政局预算科" in page
    assert "教科文处" in page  # inherited from 福建省, read-only
    jx = client_for(world.jx_reg).get("/budgets/offices/").content.decode()
    assert "福州市财政局预算科" not in jx


def test_the_menu_offers_the_page_to_regulators_only(world):
    def labels(user):
        out = []

        def walk(items):
            for i in items:
                out.append(i["label"])
                walk(i.get("children", []))
        walk(menu.build(user, "/"))
        return out
    assert "指标管理处室" in labels(world.fj_reg)
    assert "指标管理处室" not in labels(world.dept_clerk)


@pytest.mark.parametrize("who", ["dept_clerk", "dept_competent", "fz_clerk", "fake"])
def test_other_roles_get_403(world, who):
    user = make_user("fake_reg", world.dept, Role.REGULATOR) if who == "fake" else getattr(world, who)
    c = client_for(user)
    office = Office().objects.get(region__code="350000", name="教科文处")
    assert c.get("/budgets/offices/").status_code == 403
    assert c.post("/budgets/offices/", {"name": "x"}).status_code == 403
    assert c.post(f"/budgets/offices/{office.pk}/deactivate/").status_code == 403
    assert Office().objects.get(pk=office.pk).is_active and not Office().objects.filter(name="x").exists()


def test_anonymous_is_sent_to_login(world):
    r = client_for(None).get("/budgets/offices/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")


def test_the_regulator_adds_and_deactivates_through_the_page(world):
    c = client_for(world.fz_reg)
    r = c.post("/budgets/offices/", {"name": "福州市财政局教科文科", "order": "3"})
    assert r.status_code == 302
    office = Office().objects.get(name="福州市财政局教科文科")
    assert office.region.code == "350100"
    assert c.post(f"/budgets/offices/{office.pk}/deactivate/").status_code == 302
    assert not Office().objects.get(pk=office.pk).is_active
    assert c.post(f"/budgets/offices/{office.pk}/activate/").status_code == 302
    assert Office().objects.get(pk=office.pk).is_active


def test_a_bad_name_is_shown_beside_the_field(world):
    r = client_for(world.fj_reg).post("/budgets/offices/", {"name": "教科文处", "order": "x"})
    assert r.status_code == 200
    page = r.content.decode()
    assert "本区划已有该处室。" in page and "has-error" in page


@pytest.mark.parametrize("who,code", [("fz_reg", "350000"), ("jx_reg", "350000"), ("fj_reg", "360000")])
def test_another_regions_office_is_404_like_a_missing_one(world, who, code):
    office = Office().objects.filter(region__code=code).first()
    c = client_for(getattr(world, who))
    for action in ("deactivate", "activate"):
        assert c.post(f"/budgets/offices/{office.pk}/{action}/").status_code == 404
        assert c.post(f"/budgets/offices/987654/{action}/").status_code == 404
    assert Office().objects.get(pk=office.pk).is_active


def test_a_get_on_an_action_is_refused(world):
    office = Office().objects.get(region__code="350000", name="教科文处")
    assert client_for(world.fj_reg).get(f"/budgets/offices/{office.pk}/deactivate/").status_code == 405


# ---- 资金追加 takes its choices from the region ---------------------------------------------------------------


@pytest.fixture
def fund_env(world):
    w = world
    w.leader = leader(w.dept)
    w.ind1 = indicator(w.dept, "500000", name="办公设备购置")
    w.ind3 = indicator(w.dept, "100000", name="专项经费")
    w.project = approved_project(w.dept_clerk, {w.ind1: "200000"}, name="教育厅办公设备采购")
    mark_used(w.project)
    return w


def _add(w, office):
    from projects import request_kinds as rq

    return rq.request_create(actor=w.dept_clerk, project=w.project, kind=ADD, reason="追加", budget_office=office,
                             moves=[{"indicator": w.ind3.pk, "amount": "1000"}])


def test_fund_add_form_offers_the_regions_offices(fund_env):
    w = fund_env
    svc().budget_office_add(actor=w.fz_reg, name="福州市财政局预算科")
    svc().budget_office_deactivate(actor=w.fj_reg, office=Office().objects.get(region__code="350000", name="企业处"))
    page = client_for(w.dept_clerk).get(f"/projects/requests/new/{w.project.pk}/{ADD}/").content.decode()
    select = re.search(r'<select name="budget_office"[^>]*>(.*?)</select>', page, re.S).group(1)
    offered = re.findall(r'<option value="([^"]+)"', select)
    assert offered == sel().budget_office_names(region("350000"))
    assert "教科文处" in offered and "企业处" not in offered and "福州市财政局预算科" not in offered


@pytest.mark.parametrize("office", ["不存在处", "福州市财政局预算科", "企业处"])
def test_fund_add_refuses_an_office_not_offered(fund_env, office):
    w = fund_env
    svc().budget_office_add(actor=w.fz_reg, name="福州市财政局预算科")  # another region's
    svc().budget_office_deactivate(actor=w.fj_reg, office=Office().objects.get(region__code="350000", name="企业处"))
    with pytest.raises(FieldErrors) as exc:
        _add(w, office)
    assert exc.value.errors["budget_office"] == "请从列表中选择指标管理处室。"
    assert not ProjectRequest.objects.exists()


def test_fund_add_page_refuses_an_office_not_offered_beside_the_field(fund_env):
    w = fund_env
    r = client_for(w.dept_clerk).post(f"/projects/requests/new/{w.project.pk}/{ADD}/", {
        "reason": "追加", "budget_office": "不存在处", "move-indicator": [str(w.ind3.pk)], "move-amount": ["1000"]})
    assert r.status_code == 200 and "请从列表中选择指标管理处室。" in r.content.decode()
    assert not ProjectRequest.objects.exists()


def test_a_county_unit_gets_its_city_and_province_offices(world):
    svc().budget_office_add(actor=world.fz_reg, name="福州市财政局预算科")
    unit = make_unit("鼓楼区第一中学", region_code="350102", budget_code="350102101")
    names = sel().budget_office_names(unit.region)
    assert names.index("福州市财政局预算科") < names.index("预算处")
