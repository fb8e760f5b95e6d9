"""隶属关系 in a real browser: the subordinate chooses, the competent unit confirms, the regulator dissolves."""

import pytest

from registry.models import Subordination

from .conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_subordination_chosen_confirmed_and_dissolved(world, new_page):
    w = world
    # the login page
    anon = new_page()
    anon.goto(anon.base + "/login/")
    shot(anon, "00_login")

    # a unit without a competent unit chooses the provincial department
    clerk = new_page("fz_clerk")
    clerk.click("nav >> text=隶属关系设置")
    assert "尚未设置" in clerk.locator(".panel").first.inner_text()
    clerk.select_option("select[name=competent_unit]", label="福建省教育厅")
    clerk.fill("input[name=note]", "按编制文件隶属省教育厅")
    clerk.click("button:text-is('提交')")
    assert "等待「福建省教育厅」确认" in clerk.locator(".messages").inner_text()
    sub = Subordination.objects.get(unit=w.fz_unit)

    # the competent unit confirms it from its 待处理
    competent = new_page("dept_competent")
    assert "隶属关系" in competent.locator("main").inner_text()
    competent.click("nav >> text=下级单位隶属确认")
    competent.click("table.grid td.ops a:text-is('确认')")
    competent.click("button:text-is('审核')")
    competent.fill("textarea[name=opinion]", "确认隶属")
    competent.click("button:text-is('审核通过')")
    assert "审核通过" in competent.locator(".messages").inner_text()
    w.fz_unit.refresh_from_db()
    assert w.fz_unit.competent_id == w.dept.pk

    # the provincial regulator sees every link of the province and dissolves the wrong one
    reg = new_page("fj_reg")
    reg.click("nav >> text=查看/解除隶属关系")
    table = reg.locator("table.grid").inner_text()
    assert "福州市第一中学" in table and "福建省教育厅" in table
    shot(reg, "05_list_subordination")
    reg.click(f"a[href='/orgs/subordinations/{sub.pk}/#dissolve']")  # the 解除 link opens the dialog
    assert reg.locator("#dissolve-dialog").is_visible()
    reg.fill("textarea[name=reason]", "该校为福州市属学校，误选省教育厅为主管单位")
    reg.click("button:text-is('确定解除')")
    assert "已解除" in reg.locator(".messages").inner_text()
    assert "误选省教育厅" in reg.locator(".timeline").inner_text()
    w.fz_unit.refresh_from_db()
    assert w.fz_unit.competent_id is None

    # a Jiangxi regulator does not see it at all
    jx = new_page("jx_reg")
    assert jx.goto(jx.base + f"/orgs/subordinations/{sub.pk}/").status == 404
    jx.goto(jx.base + "/orgs/subordinations/?tab=dissolved")
    assert "福州市第一中学" not in jx.locator("table.grid").inner_text()
