"""工作台, 通知公告 and the left menu, through django.test.Client.

Scope: the right role gets a page, a wrong role 403, a record outside the user's region 404, anonymous is
sent to /login/. The menu shows only entries the user may open, and every link it renders opens (200).
"""

import io
import re

import openpyxl
import pytest
from django.contrib.messages import get_messages

from core.testing import client_for
from orgs.models import Role, User
from orgs.testing import make_user
from portal.models import Bulletin
from portal.services import bulletin_publish
from registry import services
from workflow import engine

pytestmark = pytest.mark.django_db

WORLD_USERS = ["fj_reg", "fj_reg2", "fz_reg", "jx_reg", "dept_clerk", "dept_reviewer", "dept_competent",
               "sub1_clerk", "fz_clerk", "fz_reviewer", "jx_clerk"]


def html(response) -> str:
    return response.content.decode()


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def section(page: str, heading: str) -> str:
    m = re.search(r"<h2>" + re.escape(heading) + r"</h2>(.*?)</section>", page, re.S)
    assert m, f"section {heading} not on the page"
    return m.group(1)


def field_html(page: str, label: str) -> str:
    m = re.search(r'<label class="field[^"]*">\s*<span>(?:<i class="req">\*</i>)?' + re.escape(label)
                  + r"</span>(.*?)</label>", page, re.S)
    assert m, f"field 「{label}」 not on the page"
    return m.group(1)


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def reg_data(unit, **overrides):
    data = {"name": unit.name, "credit_code": unit.credit_code, "budget_code": unit.budget_code,
            "level": unit.level, "region": unit.region, "address": "福州市鼓楼区湖东路1号",
            "legal_representative": "张三", "contact_name": "李四", "contact_phone": "0591-87654321",
            "is_competent": False}
    data.update(overrides)
    return data


def submitted_registration(clerk):
    reg = services.registration_save(actor=clerk, data=reg_data(clerk.unit))
    return engine.submit(reg, clerk)


@pytest.fixture
def bulletins(world):
    return {
        "fj": bulletin_publish(actor=world.fj_reg, title="福建省年度采购工作通知", body="全省各单位：……"),
        "fz": bulletin_publish(actor=world.fz_reg, title="福州市采购意向公开提醒", body="福州市各单位：……"),
        "jx": bulletin_publish(actor=world.jx_reg, title="江西省专家库更新通知", body="全省各单位：……"),
    }


# ---- menu helpers --------------------------------------------------------------------------------------------


def menu_items(response) -> list[dict]:
    """Leaves of the rendered menu tree (portal.menu.build through the context processor)."""
    out = []

    def walk(items):
        for item in items:
            if item.get("children"):
                walk(item["children"])
            else:
                out.append(item)

    walk(response.context["menu"])
    return out


def menu_labels(user) -> set[str]:
    return {i["label"] for i in menu_items(client_for(user).get("/"))}


def nav_links(page: str) -> list[str]:
    m = re.search(r'<nav class="sidebar"[^>]*>(.*?)</nav>', page, re.S)
    assert m, "no left menu"
    return re.findall(r'href="([^"]+)"', m.group(1))


# ---- anonymous ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/bulletins/", "/bulletins/new/", "/bulletins/{pk}/"])
def test_anonymous_is_sent_to_login(world, bulletins, url):
    assert_login_redirect(client_for(None).get(url.format(pk=bulletins["fj"].pk)))


def test_anonymous_cannot_publish(world):
    r = client_for(None).post("/bulletins/new/", {"title": "匿名通知", "body": "……"})
    assert_login_redirect(r)
    assert not Bulletin.objects.exists()


def test_anonymous_sees_no_menu_on_login_page(db):
    page = html(client_for(None).get("/login/"))
    assert "sidebar" not in page and "审核采购单位信息" not in page


# ---- 工作台 -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", WORLD_USERS)
def test_workbench_opens_for_every_user(world, who):
    user = getattr(world, who)
    r = client_for(user).get("/")
    assert r.status_code == 200
    page = html(r)
    assert "工作台" in page and "待处理事项" in page and "最新通知" in page
    assert user.unit.name in page


def test_workbench_regulator_sees_pending_registration_of_its_region_with_review(world):
    reg = submitted_registration(world.fz_clerk)
    page = html(client_for(world.fz_reg).get("/"))
    todo = section(page, "待处理事项")
    assert reg.number in todo and "福州市第一中学" in todo
    assert f'<a href="/orgs/registrations/{reg.pk}/">审核</a>' in todo
    assert "待我审核" in page


def test_workbench_regulator_of_another_region_does_not_see_it(world):
    reg = submitted_registration(world.fz_clerk)
    assert reg.number not in section(html(client_for(world.jx_reg).get("/")), "待处理事项")
    # 福州 has its own regulator, so the province's regulator is not the one to review it
    assert reg.number not in section(html(client_for(world.fj_reg).get("/")), "待处理事项")


def test_workbench_province_regulator_reviews_units_without_a_city_regulator(world):
    reg = submitted_registration(world.dept_clerk)
    todo = section(html(client_for(world.fj_reg).get("/")), "待处理事项")
    assert reg.number in todo and "审核" in todo
    assert reg.number not in section(html(client_for(world.fz_reg).get("/")), "待处理事项")


def test_workbench_clerk_sees_own_submission_to_withdraw(world):
    reg = submitted_registration(world.fz_clerk)
    todo = section(html(client_for(world.fz_clerk).get("/")), "待处理事项")
    assert reg.number in todo and "撤回" in todo
    assert reg.number not in section(html(client_for(world.jx_clerk).get("/")), "待处理事项")
    assert reg.number not in section(html(client_for(world.dept_clerk).get("/")), "待处理事项")


def test_workbench_clerk_sees_returned_registration(world):
    reg = submitted_registration(world.fz_clerk)
    engine.reject(reg, world.fz_reg, opinion="单位地址不完整")
    page = html(client_for(world.fz_clerk).get("/"))
    todo = section(page, "待处理事项")
    assert reg.number in todo and "已退回" in todo
    assert f'<a href="/orgs/registrations/{reg.pk}/">处理</a>' in todo
    assert "待我处理" in page
    # and it left the regulator's list
    assert reg.number not in section(html(client_for(world.fz_reg).get("/")), "待处理事项")


def test_workbench_competent_unit_sees_subordination_to_confirm(world):
    sub = services.subordination_request(actor=world.fz_clerk, competent_unit=world.dept)
    todo = section(html(client_for(world.dept_competent).get("/")), "待处理事项")
    assert sub.number in todo and f'<a href="/orgs/subordinations/{sub.pk}/">审核</a>' in todo
    assert sub.number not in section(html(client_for(world.dept_clerk).get("/")), "待处理事项")


def test_workbench_empty_inbox_says_so(world):
    page = html(client_for(world.jx_clerk).get("/"))
    assert "当前没有需要您处理的事项" in page and "暂无待处理事项" in page


def test_workbench_bulletins_of_own_region_and_above(world, bulletins):
    fz = section(html(client_for(world.fz_clerk).get("/")), "最新通知")
    assert "福建省年度采购工作通知" in fz and "福州市采购意向公开提醒" in fz
    assert "江西省专家库更新通知" not in fz
    jx = section(html(client_for(world.jx_clerk).get("/")), "最新通知")
    assert "江西省专家库更新通知" in jx
    assert "福建省年度采购工作通知" not in jx and "福州市采购意向公开提醒" not in jx
    dept = section(html(client_for(world.dept_clerk).get("/")), "最新通知")
    assert "福建省年度采购工作通知" in dept and "福州市采购意向公开提醒" not in dept
    fj = section(html(client_for(world.fj_reg).get("/")), "最新通知")  # a regulator also sees those below
    assert "福建省年度采购工作通知" in fj and "福州市采购意向公开提醒" in fj
    assert "江西省专家库更新通知" not in fj


# ---- 通知公告 ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who, bulletin, status", [
    ("fz_clerk", "fj", 200), ("fz_clerk", "fz", 200), ("dept_clerk", "fj", 200), ("jx_clerk", "jx", 200),
    ("jx_clerk", "fj", 404), ("jx_reg", "fz", 404), ("dept_clerk", "fz", 404), ("fz_clerk", "jx", 404),
    ("fj_reg", "fz", 200), ("fz_reg", "fj", 200),
])
def test_bulletin_detail_scope(world, bulletins, who, bulletin, status):
    item = bulletins[bulletin]
    r = client_for(getattr(world, who)).get(f"/bulletins/{item.pk}/")
    assert r.status_code == status
    if status == 200:
        assert item.title in html(r) and item.body in html(r)


def test_bulletin_missing_is_404(world):
    assert client_for(world.fj_reg).get("/bulletins/999999/").status_code == 404


def test_bulletin_list_for_regulator(world, bulletins):
    r = client_for(world.fj_reg).get("/bulletins/")
    assert r.status_code == 200
    page = html(r)
    assert "通知公告" in page and "发布通知" in page
    assert "福建省年度采购工作通知" in page and "福州市采购意向公开提醒" in page
    assert "江西省专家库更新通知" not in page
    fz = html(client_for(world.fz_reg).get("/bulletins/"))
    assert "福州市采购意向公开提醒" in fz and "福建省年度采购工作通知" in fz and "江西省专家库更新通知" not in fz


def test_bulletin_list_export(world, bulletins):
    r = client_for(world.jx_reg).get("/bulletins/?export=xlsx")
    assert r.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert list(rows[0]) == ["标题", "发布范围", "发布人", "发布时间"]
    assert [row[0] for row in rows[1:]] == ["江西省专家库更新通知"]


@pytest.mark.parametrize("who", ["fz_clerk", "dept_competent", "dept_reviewer"])
def test_bulletin_pages_refused_to_non_regulators(world, who):
    user = getattr(world, who)
    assert client_for(user).get("/bulletins/").status_code == 403
    assert client_for(user).get("/bulletins/new/").status_code == 403
    assert client_for(user).post("/bulletins/new/", {"title": "经办发的通知", "body": "……"}).status_code == 403
    assert not Bulletin.objects.exists()


def test_bulletin_new_form(world):
    r = client_for(world.fz_reg).get("/bulletins/new/")
    assert r.status_code == 200
    page = html(r)
    assert "发布通知" in page and "标题" in page and "内容" in page
    assert "福州市" in page  # the scope it will be published to


def test_bulletin_publish_by_regulator(world):
    r = client_for(world.fz_reg).post("/bulletins/new/", {"title": "关于做好年度采购意向公开的通知", "body": "请各单位按时公开。"})
    assert r.status_code == 302 and r["Location"] == "/bulletins/"
    assert "通知已发布。" in flashed(r)
    item = Bulletin.objects.get()
    assert item.region == world.fz_reg_unit.region and item.published_by == world.fz_reg
    assert "关于做好年度采购意向公开的通知" in section(html(client_for(world.fz_clerk).get("/")), "最新通知")
    assert "关于做好年度采购意向公开的通知" not in section(html(client_for(world.dept_clerk).get("/")), "最新通知")


def test_bulletin_empty_title_shows_message_and_saves_nothing(world):
    r = client_for(world.fj_reg).post("/bulletins/new/", {"title": "", "body": "正文"})
    assert r.status_code == 200
    assert "必填" in field_html(html(r), "标题")
    r = client_for(world.fj_reg).post("/bulletins/new/", {"title": "   ", "body": "正文"})
    assert r.status_code == 200
    assert "field-error" in field_html(html(r), "标题")
    r = client_for(world.fj_reg).post("/bulletins/new/", {"title": "标题", "body": ""})
    assert "必填" in field_html(html(r), "内容")
    assert not Bulletin.objects.exists()


# ---- the left menu ----------------------------------------------------------------------------------------------


REGULATOR_ENTRIES = {"审核采购单位信息", "查看采购单位信息", "查看/解除隶属关系", "规则参数", "通知公告"}
PURCHASER_ENTRIES = {"用户库基本信息", "隶属关系设置"}


def test_menu_of_a_regulator(world):
    labels = menu_labels(world.fj_reg)
    assert REGULATOR_ENTRIES <= labels
    assert "用户库基本信息" not in labels
    assert "隶属关系设置" not in labels and "下级单位隶属确认" not in labels
    assert "修改密码" in labels


def test_menu_of_a_regulator_that_also_keeps_its_own_departments_books(world):
    """A 财政厅 buys too: its clerk maintains its 用户库基本信息, but it is not a purchaser unit."""
    both = make_user("fj_reg_clerk", world.fj_reg_unit, Role.REGULATOR, Role.CLERK)
    labels = menu_labels(both)
    assert "用户库基本信息" in labels and "审核采购单位信息" in labels
    assert "隶属关系设置" not in labels


def test_menu_of_a_purchaser_clerk(world):
    labels = menu_labels(world.fz_clerk)
    assert PURCHASER_ENTRIES <= labels
    assert not (labels & REGULATOR_ENTRIES)
    assert "下级单位隶属确认" not in labels


def test_menu_of_a_competent_unit(world):
    labels = menu_labels(world.dept_competent)
    assert "下级单位隶属确认" in labels
    assert "隶属关系设置" not in labels and "审核采购单位信息" not in labels


def test_menu_is_rendered_in_the_sidebar_and_marks_the_current_page(world):
    r = client_for(world.fj_reg).get("/orgs/registrations/")
    links = nav_links(html(r))
    assert "/orgs/registrations/" in links and "/settings/parameters/" in links
    assert "/orgs/registration/" not in links
    active = [i for i in menu_items(r) if i["active"]]
    assert [i["label"] for i in active] == ["审核采购单位信息"]


def _check_links(user):
    c = client_for(user)
    page = c.get("/")
    links = [i["url"] for i in menu_items(page)]
    assert links == [u for u in nav_links(html(page)) if u != "/"]
    dead = {}
    for url in links:
        r = c.get(url, follow=True)
        if r.status_code != 200:
            dead[url] = r.status_code
    return dead


@pytest.mark.parametrize("who", WORLD_USERS)
def test_every_menu_link_opens_for_the_user(world, who):
    assert _check_links(getattr(world, who)) == {}


def test_menu_links_open_for_an_administrator(world):
    admin = make_user("sysadmin", world.fj_reg_unit, Role.ADMIN)
    labels = menu_labels(admin)
    assert {"规则参数", "工作日调整", "修改密码"} <= labels
    assert "审核采购单位信息" not in labels
    assert _check_links(admin) == {}


def test_menu_link_of_a_reviewer_opens_once_the_unit_has_a_registration(world):
    reg = submitted_registration(world.fz_clerk)
    r = client_for(world.fz_reviewer).get("/orgs/registration/", follow=True)
    assert r.status_code == 200
    assert reg.number in html(r)


def test_menu_links_of_a_user_without_unit(world):
    orphan = User.objects.create_user(username="orphan", password="Zc@123456")
    r = client_for(orphan).get("/")
    assert r.status_code == 200
    assert {i["label"] for i in menu_items(r)} == {"我的后台任务", "修改密码"}  # both open for any user
