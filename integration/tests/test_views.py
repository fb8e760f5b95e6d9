"""The regulator's 一体化 pages: every page for the right role, 403 for others, 404 out of the region,
anonymous to /login/; filters, tabs, the code checks and the export."""

import io
import json

import openpyxl
import pytest

from core.testing import client_for
from integration.models import InboundMessage, PlatformSubordination

from .support import new_record

pytestmark = pytest.mark.django_db

PAGES = ["/integration/indicator-messages/", "/integration/messages/", "/integration/units/",
         "/integration/subordinations/", "/integration/rematch/"]


def text(resp) -> str:
    return resp.content.decode()


def table(resp) -> str:
    html = text(resp)
    return html[html.index('<table class="grid">'):]


@pytest.fixture
def feed(world, send):
    """Indicator messages of the province (教育厅), 福州 (一中) and 南昌, a refused 福州 one and a forged one
    (bad signature: no client, no region)."""
    send("indicator", new_record(world.dept, bgt_id="FJ-1"), message_id="MSG-FJ")
    send("indicator", new_record(world.fz_unit, bgt_id="FZ-1", year=2025), message_id="MSG-FZ")
    send("indicator", new_record(world.jx_unit, bgt_id="JX-1"), message_id="MSG-JX")
    send("indicator", new_record(world.fz_unit, bgt_id="FZ-2", AMOUNT="12.345"), message_id="MSG-FZ-BAD")
    send("indicator", new_record(world.fz_unit, bgt_id="FZ-3"), message_id="MSG-FORGED", secret="wrong")
    return {m.message_id: m for m in InboundMessage.objects.all()}


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_goes_to_login(world, url):
    resp = client_for(None).get(url)
    assert resp.status_code == 302 and resp["Location"].startswith("/login/")


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("who", ["dept_clerk", "dept_competent", "fz_reviewer"])
def test_non_regulators_get_403(world, url, who):
    assert client_for(getattr(world, who)).get(url).status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_regulators_get_every_page(world, url):
    assert client_for(world.fj_reg).get(url).status_code == 200


def test_indicator_messages_are_scoped_to_the_region(world, feed):
    fj = table(client_for(world.fj_reg).get("/integration/indicator-messages/"))
    assert "MSG-FJ" in fj and "MSG-FZ" in fj and "MSG-JX" not in fj
    fz = table(client_for(world.fz_reg).get("/integration/indicator-messages/"))
    assert "MSG-FZ" in fz and "MSG-FJ<" not in fz and "MSG-JX" not in fz
    jx = table(client_for(world.jx_reg).get("/integration/indicator-messages/"))
    assert "MSG-JX" in jx and "MSG-F" not in jx


def test_indicator_messages_tabs_and_filters(world, feed):
    c = client_for(world.fj_reg)
    html = text(c.get("/integration/indicator-messages/"))
    assert '已处理<span class="count">2</span>' in html and '已拒收<span class="count">1</span>' in html
    refused = table(c.get("/integration/indicator-messages/?tab=refused"))
    assert "MSG-FZ-BAD" in refused and "报文字段有误" in refused and "MSG-FJ<" not in refused
    assert "MSG-FORGED" not in refused
    by_year = table(c.get("/integration/indicator-messages/?fiscal_year=2025"))
    assert "MSG-FZ<" in by_year and "MSG-FJ" not in by_year
    by_code = table(c.get(f"/integration/indicator-messages/?agency_code={world.dept.budget_code}"))
    assert "MSG-FJ" in by_code and "MSG-FZ" not in by_code


def test_message_detail_shows_the_body_and_result_in_scope_only(world, feed):
    fj_msg, fz_msg = feed["MSG-FJ"], feed["MSG-FZ"]
    resp = client_for(world.fj_reg).get(f"/integration/messages/{fj_msg.pk}/")
    assert resp.status_code == 200
    html = text(resp)
    assert json.dumps(json.loads(fj_msg.body), ensure_ascii=False, indent=2).replace('"', "&quot;") in html
    assert "已新增" in html and "福建省教育厅" in html and "100,000.00" in html
    assert client_for(world.fz_reg).get(f"/integration/messages/{fz_msg.pk}/").status_code == 200
    assert client_for(world.fz_reg).get(f"/integration/messages/{fj_msg.pk}/").status_code == 404  # province-level
    assert client_for(world.jx_reg).get(f"/integration/messages/{fj_msg.pk}/").status_code == 404
    assert client_for(world.jx_reg).get(f"/integration/messages/{fz_msg.pk}/").status_code == 404
    assert client_for(world.dept_clerk).get(f"/integration/messages/{fj_msg.pk}/").status_code == 403
    assert client_for(None).get(f"/integration/messages/{fj_msg.pk}/").status_code == 302
    assert client_for(world.fj_reg).get("/integration/messages/999999/").status_code == 404


def test_a_refused_message_detail_shows_the_error(world, feed):
    html = text(client_for(world.fz_reg).get(f"/integration/messages/{feed['MSG-FZ-BAD'].pk}/"))
    assert "报文字段有误" in html and "已拒收" in html and "应为金额（元，最多两位小数）" in html
    assert client_for(world.fz_reg).get(f"/integration/messages/{feed['MSG-FORGED'].pk}/").status_code == 404


def test_message_log_lists_every_kind_including_refused(world, feed, send):
    send("unit", {"AGENCY_CODE": "350100888", "AGENCY_NAME": "福州市第八中学", "USCC": "123",
                  "MOF_DIV_CODE": "350100", "FISCAL_YEAR": 2026}, message_id="UNIT-BAD")
    send("subordination", {"AGENCY_CODE": world.fz_unit.budget_code, "SUPER_AGENCY_CODE": ""}, message_id="SUB-1")
    log = table(client_for(world.fz_reg).get("/integration/messages/"))
    for mid in ("MSG-FZ<", "MSG-FZ-BAD", "UNIT-BAD", "SUB-1"):
        assert mid in log
    assert "MSG-JX" not in log and "MSG-FJ<" not in log
    units_only = table(client_for(world.fz_reg).get("/integration/messages/?kind=unit&tab=refused"))
    assert "UNIT-BAD" in units_only and "SUB-1" not in units_only
    jx_log = table(client_for(world.jx_reg).get("/integration/messages/"))
    assert "UNIT-BAD" not in jx_log and "SUB-1" not in jx_log


def test_message_list_exports_the_scoped_rows(world, feed):
    resp = client_for(world.fz_reg).get("/integration/messages/?export=xlsx")
    assert resp.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(resp.content)).active
    ids = {row[0] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert ids == {"MSG-FZ", "MSG-FZ-BAD"}


def test_unit_list_shows_the_code_check_within_the_region(world, send):
    # the platform corrects the 教育厅's code: 政采's unit now disagrees
    send("unit", {"AGENCY_CODE": "350001099", "AGENCY_NAME": "福建省教育厅", "USCC": world.dept.credit_code,
                  "MOF_DIV_CODE": "350000", "FISCAL_YEAR": 2026})
    from orgs.testing import credit_code

    send("unit", {"AGENCY_CODE": "350100555", "AGENCY_NAME": "福州市仓山区实验小学", "USCC": credit_code(555),
                  "MOF_DIV_CODE": "350104", "FISCAL_YEAR": 2026})  # a county the region table lacks
    c = client_for(world.fj_reg)
    html = table(c.get("/integration/units/"))
    assert "福建省教育考试院" in html and "福州市第一中学" in html and "南昌市第一中学" not in html
    assert "不一致（政采：350001001）" in html and "政采系统无此单位" in html
    differ = table(c.get("/integration/units/?tab=differ"))
    assert "350001099" in differ and "福建省教育考试院" not in differ
    agree = table(c.get("/integration/units/?tab=agree"))
    assert "福建省教育考试院" in agree and "350001099" not in agree
    missing = table(c.get("/integration/units/?tab=missing"))
    assert "仓山区实验小学" in missing
    fz = table(client_for(world.fz_reg).get("/integration/units/"))
    assert "福州市第一中学" in fz and "仓山区实验小学" in fz and "福建省教育厅" not in fz
    assert "福建省" not in table(client_for(world.jx_reg).get("/integration/units/"))
    filtered = table(c.get("/integration/units/?agency_name=考试院"))
    assert "福建省教育考试院" in filtered and "福州市第一中学" not in filtered


def test_subordination_list_shows_mismatches_and_changes_nothing(world, send):
    send("subordination", {"records": [
        {"AGENCY_CODE": world.sub1.budget_code, "SUPER_AGENCY_CODE": world.dept.budget_code},
        {"AGENCY_CODE": world.fz_unit.budget_code, "SUPER_AGENCY_CODE": world.dept.budget_code},
    ]})
    assert PlatformSubordination.objects.count() == 2
    c = client_for(world.fj_reg)
    agree = table(c.get("/integration/subordinations/?tab=agree"))
    assert world.sub1.budget_code in agree and world.fz_unit.budget_code not in agree
    differ = table(c.get("/integration/subordinations/?tab=differ"))
    assert world.fz_unit.budget_code in differ and "不一致" in differ and world.sub1.budget_code not in differ
    fz = table(client_for(world.fz_reg).get("/integration/subordinations/"))
    assert world.fz_unit.budget_code in fz and world.sub1.budget_code not in fz
    assert world.fz_unit.budget_code not in table(client_for(world.jx_reg).get("/integration/subordinations/"))
    world.fz_unit.refresh_from_db()
    assert world.fz_unit.competent is None


def test_a_pending_link_that_agrees_with_the_platform_is_explained(world, send):
    from registry import services as org_services

    org_services.subordination_request(actor=world.fz_clerk, competent_unit=world.dept, note="")
    send("subordination", {"AGENCY_CODE": world.fz_unit.budget_code, "SUPER_AGENCY_CODE": world.dept.budget_code})
    assert "政采隶属关系申请待主管单位确认" in table(client_for(world.fj_reg).get("/integration/subordinations/"))
