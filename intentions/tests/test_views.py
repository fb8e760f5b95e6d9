"""The pages: 新增 with 【选择采购项目】, errors beside the cells, the 待处理/已办结 list, 采购意向公开发布 (发布 / 撤销),
and the public pages without login (published only; anything else is a 404)."""

import pytest
from django.test import Client

from intentions.models import Intention
from intentions.testing import approved_project, line_for
from workflow.models import Status

from .support import approved, published, reload, save

pytestmark = pytest.mark.django_db


def client(user=None):
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def posted(*rows, **extra) -> dict:
    data = {"title": "", **extra}
    for name in ("project_id", "name", "demand_summary", "budget_amount", "expected_month", "remark"):
        data[f"line-{name}"] = [r[name] for r in rows]
    return data


def test_new_page_offers_only_eligible_projects_in_the_picker(yx, world):
    ok = approved_project(yx.clerk, name="可选项目")
    approved_project(yx.clerk, name="自行采购项目", form="self", amount="5000")
    approved_project(yx.clerk, name="待审核项目", approve=False)
    approved_project(world.sub1_clerk, name="他单位项目")
    held = approved_project(yx.clerk, name="已有意向项目")
    save(yx.clerk, held)
    page = client(yx.clerk).get("/intentions/new/").content.decode()
    assert "选择采购项目" in page and ok.number in page and "可选项目" in page
    for name in ("自行采购项目", "待审核项目", "他单位项目", "已有意向项目"):
        assert name not in page
    assert 'type="month"' in page and "新增一行" not in page


def test_post_saves_and_submits_and_errors_stay_beside_the_cells(yx):
    p = approved_project(yx.clerk)
    c = client(yx.clerk)
    bad = c.post("/intentions/new/", posted(line_for(p, budget_amount="abc", expected_month="2026-13"), submit="1"))
    assert bad.status_code == 200
    page = bad.content.decode()
    assert "请填写年月" in page and "field-error" in page and Intention.objects.count() == 0
    none = c.post("/intentions/new/", {"title": "", "save": "1"})
    assert "至少需要填写1行" in none.content.decode()
    resp = c.post("/intentions/new/", posted(line_for(p), submit="1"))
    assert resp.status_code == 302
    doc = Intention.objects.get()
    assert doc.status == Status.PENDING and doc.lines.get().project_id == p.pk
    taken = c.post("/intentions/new/", posted(line_for(p), save="1")).content.decode()
    assert "已有采购意向公开" in taken and Intention.objects.count() == 1


def test_list_tabs_todo_and_done_per_user(yx):
    p1, p2 = approved_project(yx.clerk), approved_project(yx.clerk)
    draft = save(yx.clerk, p1)
    pending = save(yx.clerk, p2, submit=True)
    reviewer_todo = client(yx.reviewer).get("/intentions/?tab=todo").content.decode()
    assert pending.number in reviewer_todo and draft.number not in reviewer_todo
    clerk_todo = client(yx.clerk).get("/intentions/?tab=todo").content.decode()
    assert draft.number in clerk_todo and "待处理" in clerk_todo and "已办结" in clerk_todo
    from workflow import engine

    engine.approve(pending, yx.reviewer)
    done = client(yx.reviewer).get("/intentions/?tab=done").content.decode()
    assert pending.number in done
    assert pending.number not in client(yx.reviewer).get("/intentions/?tab=todo").content.decode()


def test_publish_list_publishes_and_revokes(yx):
    doc = approved(yx.clerk, yx.reviewer, approved_project(yx.clerk))
    other = approved(yx.clerk, yx.reviewer, approved_project(yx.clerk))
    c = client(yx.clerk)
    page = c.get("/intentions/publish/").content.decode()
    assert "待发布" in page and "已发布" in page and doc.number in page and ">发布</button>" in page
    assert client(yx.reviewer).get("/intentions/publish/").status_code == 403
    assert c.post(f"/intentions/{doc.pk}/publish/", {"version": doc.version}).status_code == 302
    assert reload(doc).published_at is not None
    published_tab = c.get("/intentions/publish/?tab=published").content.decode()
    assert doc.number in published_tab and other.number not in published_tab
    # 撤销 without a reason is refused with a message; with one it goes back to editing
    c.post(f"/intentions/{other.pk}/revoke/", {"version": other.version, "reason": ""})
    assert reload(other).stage == "publish"
    c.post(f"/intentions/{other.pk}/revoke/", {"version": other.version, "reason": "采购时间调整"})
    assert reload(other).status == Status.DRAFT
    assert c.post(f"/intentions/{doc.pk}/revoke/", {"version": reload(doc).version, "reason": "x"}).status_code == 403


def test_detail_links_the_public_page_once_published(yx):
    doc = published(yx.clerk, yx.reviewer, approved_project(yx.clerk))
    page = client(yx.clerk).get(f"/intentions/{doc.pk}/").content.decode()
    assert f"/portal/intentions/{doc.pk}/" in page and "已发布" in page and "2026-09" in page


def test_other_units_see_404(yx, world):
    doc = save(yx.clerk, approved_project(yx.clerk))
    assert client(world.fz_clerk).get(f"/intentions/{doc.pk}/").status_code == 404
    assert client(world.fz_clerk).get(f"/intentions/{doc.pk}/edit/").status_code == 404


# ---- public pages ------------------------------------------------------------------------------------------


def test_public_list_and_detail_show_published_only(yx):
    pub = published(yx.clerk, yx.reviewer, approved_project(yx.clerk, name="公开的教学设备"))
    waiting = approved(yx.clerk, yx.reviewer, approved_project(yx.clerk, name="待发布的项目"))
    draft = save(yx.clerk, approved_project(yx.clerk, name="草稿的项目"))
    pending = save(yx.clerk, approved_project(yx.clerk, name="审核中的项目"), submit=True)
    anon = client()
    page = anon.get("/portal/intentions/").content.decode()
    assert "公开的教学设备" in page and "福建省教育厅" in page and "80,000.00" in page and "2026-09" in page
    for name in ("待发布的项目", "草稿的项目", "审核中的项目"):
        assert name not in page
    assert "导出为Excel" not in page and "采购意向公开" in page
    assert anon.get("/portal/intentions/?export=xlsx").status_code == 404
    assert "公开的教学设备" in anon.get("/portal/intentions/?q=教学").content.decode()
    assert "公开的教学设备" not in anon.get("/portal/intentions/?q=不存在").content.decode()
    detail = anon.get(f"/portal/intentions/{pub.pk}/")
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "财库〔2020〕10号" in text and "公开的教学设备" in text and "采购一批办公设备" in text
    assert pub.number not in text and "经办" not in text  # only what the notice publishes
    for doc in (waiting, draft, pending):
        assert anon.get(f"/portal/intentions/{doc.pk}/").status_code == 404
    assert anon.get("/portal/intentions/999999/").status_code == 404


def test_workbench_and_menu_show_intentions(yx):
    doc = save(yx.clerk, approved_project(yx.clerk), submit=True)
    page = client(yx.reviewer).get("/").content.decode()
    assert "采购意向公开" in page and doc.number in page
    menu = client(yx.clerk).get("/intentions/").content.decode()
    assert "采购意向公开发布" in menu and 'href="/intentions/publish/"' in menu
    assert 'href="/intentions/publish/"' not in client(yx.reviewer).get("/intentions/").content.decode()
