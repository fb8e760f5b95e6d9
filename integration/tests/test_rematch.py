"""重置预算匹配: after a unit's 单位预算编码 is corrected, the platform's indicators follow the code."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import transaction

from audit.models import AuditLog
from budgets import ledger
from budgets.models import BudgetIndicator
from budgets.tests.factories import IndicatorFactory
from core.errors import NotAllowed
from core.testing import client_for
from integration.services import rematch_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def corrected(world):
    """福州一中 had code 350100101; the platform's indicators came under 350100199 (its true code) and stayed
    unmatched; the unit's code is now corrected to 350100199."""
    w = world
    w.old_a = IndicatorFactory(unit=w.fz_unit, amount="10000.00", pro_name="旧编码指标A")
    w.old_b = IndicatorFactory(unit=w.fz_unit, amount="20000.00", pro_name="旧编码指标B（有占用）")
    with transaction.atomic():
        ledger.reserve(actor=w.fz_clerk, holder="projects.project:999", amounts={w.old_b.pk: Decimal("5000.00")},
                       reason="测试")
    w.new_1 = IndicatorFactory(agency_code="350100199", mof_div_code="350100", pro_name="新编码指标1")
    w.new_2 = IndicatorFactory(agency_code="350100199", mof_div_code="350100", pro_name="新编码指标2")
    w.other = IndicatorFactory(agency_code="350100200", mof_div_code="350100")
    w.virtual = IndicatorFactory(unit=w.fz_unit, source="virtual", bgt_id="VI-1")
    w.fz_unit.budget_code = "350100199"
    w.fz_unit.save()
    return w


def test_rematch_links_the_new_code_and_releases_the_old_one(corrected):
    w = corrected
    rows = rematch_unit(actor=w.fz_reg, unit=w.fz_unit)
    by_id = {r["bgt_id"]: r for r in rows}
    assert set(by_id) == {w.old_a.bgt_id, w.old_b.bgt_id, w.new_1.bgt_id, w.new_2.bgt_id}
    assert by_id[w.new_1.bgt_id]["status"] == "linked" and by_id[w.new_1.bgt_id]["before"] == ""
    assert by_id[w.old_a.bgt_id]["status"] == "unlinked" and by_id[w.old_a.bgt_id]["after"] == ""
    assert by_id[w.old_b.bgt_id]["status"] == "skipped" and "占用 5,000.00 元" in by_id[w.old_b.bgt_id]["note"]
    for ind in (w.new_1, w.new_2):
        ind.refresh_from_db()
        assert ind.unit == w.fz_unit
    w.old_a.refresh_from_db()
    w.old_b.refresh_from_db()
    w.other.refresh_from_db()
    w.virtual.refresh_from_db()
    assert w.old_a.unit is None and w.old_b.unit == w.fz_unit and w.other.unit is None
    assert w.virtual.unit == w.fz_unit  # virtual budgets are not the platform's
    assert AuditLog.objects.filter(action="indicator.relink").count() == 3
    log = AuditLog.objects.get(action="integration.rematch")
    assert log.actor == w.fz_reg and sorted(log.after["changed"]) == sorted([w.old_a.bgt_id, w.new_1.bgt_id,
                                                                              w.new_2.bgt_id])
    # a second run has nothing left to do but the skipped one
    assert [r["status"] for r in rematch_unit(actor=w.fz_reg, unit=w.fz_unit)] == ["skipped"]


def test_an_old_code_indicator_goes_to_the_unit_that_now_has_that_code(corrected):
    from orgs.testing import make_unit

    w = corrected
    heir = make_unit("福州市第一中学分校", region_code="350100", budget_code="350100101")
    rows = {r["bgt_id"]: r for r in rematch_unit(actor=w.fz_reg, unit=w.fz_unit)}
    assert rows[w.old_a.bgt_id]["after"] == heir.name
    w.old_a.refresh_from_db()
    assert w.old_a.unit == heir


def test_only_a_regulator_of_the_region_may_rematch(corrected):
    w = corrected
    for outsider in (w.jx_reg, w.fz_clerk):
        with pytest.raises(NotAllowed):
            rematch_unit(actor=outsider, unit=w.fz_unit)
    assert BudgetIndicator.objects.filter(unit__isnull=True, agency_code="350100199").count() == 2


def test_rematch_page_searches_the_region_and_shows_the_result(corrected):
    w = corrected
    c = client_for(w.fz_reg)
    page = c.get("/integration/rematch/").content.decode()
    assert "350100199" in page and "福州市第一中学" in page  # the unmatched codes and the unit they match now
    found = c.get("/integration/rematch/?q=第一中学").content.decode()
    assert f'name="unit" value="{w.fz_unit.pk}"' in found
    assert "南昌市第一中学" not in found  # another province
    resp = c.post("/integration/rematch/?q=第一中学", {"unit": w.fz_unit.pk})
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "新编码指标1" in html and "已匹配到本单位" in html and "未改动" in html
    msgs = [str(m) for m in get_messages(resp.wsgi_request)]
    assert msgs == ["已为「福州市第一中学」（单位预算编码 350100199）重置预算匹配：匹配 2 条，解除 1 条，未改动 1 条。"]
    w.new_1.refresh_from_db()
    assert w.new_1.unit == w.fz_unit


def test_rematch_page_refuses_units_outside_the_region(corrected):
    w = corrected
    for user, status in ((w.jx_reg, 404), (w.fz_clerk, 403)):
        assert client_for(user).post("/integration/rematch/", {"unit": w.fz_unit.pk}).status_code == status
    c = client_for(w.fz_reg)
    assert c.post("/integration/rematch/", {"unit": w.dept.pk}).status_code == 404  # province-level unit
    assert c.post("/integration/rematch/", {"unit": "x"}).status_code == 404
    assert BudgetIndicator.objects.filter(unit__isnull=True, agency_code="350100199").count() == 2
    assert "350100199" not in client_for(w.jx_reg).get("/integration/rematch/").content.decode()
