"""Pages of 采购项目执行: who sees what (scope: the agency only what it runs, the purchaser its own, the regulator
its region), 受理 with 分包 through the page, and the organizer right."""

import pytest

from access import rights
from core.testing import client_for
from orgs.models import Role
from orgs.testing import make_user
from trading import selectors

from .support import accepted, filed_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def proc(tr):
    return accepted(tr.agency_user, filed_plan(tr.clerk, tr.reviewer, entrusted=tr.agency))


@pytest.mark.parametrize("who, status", [
    ("agency_user", 200), ("clerk", 200), ("reviewer", 200), ("fz_reg", 200), ("fj_reg", 200),
    ("agency2_user", 404), ("other_clerk", 404), ("jx_reg", 404), ("supplier_user", 403),
])
def test_detail_scope(tr, proc, who, status):
    user = getattr(tr, who, None) or getattr(tr.w, who)
    assert client_for(user).get(f"/trading/{proc.pk}/").status_code == status


def test_lists_show_only_what_is_in_scope(tr, proc):
    assert proc.number in client_for(tr.agency_user).get("/trading/").content.decode()
    assert proc.number not in client_for(tr.agency2_user).get("/trading/").content.decode()
    assert proc.number in client_for(tr.w.fz_reg).get("/trading/?tab=accepted").content.decode()
    assert proc.number not in client_for(tr.w.jx_reg).get("/trading/").content.decode()
    assert client_for(tr.supplier_user).get("/trading/").status_code == 403
    assert client_for(tr.reviewer).get("/trading/accept/").status_code == 403


def test_accept_through_the_page_with_two_lots(tr):
    plan = filed_plan(tr.clerk, tr.reviewer, entrusted=tr.agency, lines=[("A02020200", "1000"), ("A02020200", "500")])
    c = client_for(tr.agency_user)
    assert plan.number in c.get("/trading/accept/").content.decode()
    page = c.get(f"/trading/accept/{plan.pk}/").content.decode()
    assert 'value="1,2"' in page
    bad = c.post(f"/trading/accept/{plan.pk}/", {"lots-name": ["甲", "乙"], "lots-lines": ["1", "x"]})
    assert bad.status_code == 200 and "请填写明细序号" in bad.content.decode()
    assert selectors.of_plan(plan.pk) is None
    ok = c.post(f"/trading/accept/{plan.pk}/", {"lots-name": ["甲", "乙"], "lots-lines": ["1", "2"]})
    proc = selectors.of_plan(plan.pk)
    assert ok.status_code == 302 and ok["Location"] == f"/trading/{proc.pk}/"
    assert [lot.name for lot in selectors.lots(proc)] == ["甲", "乙"]
    assert client_for(tr.agency2_user).get(f"/trading/accept/{plan.pk}/").status_code == 404


def test_organizer_right(tr, proc):
    other_agency_staff = make_user("tr_agency_b", tr.agency, Role.CLERK)
    assert {u.username for u in (tr.agency_user, tr.agency2_user, tr.clerk, tr.reviewer, other_agency_staff,
                                 tr.w.fz_reg) if rights.is_organizer_of(u, proc)} == {"tr_agency"}
    own = accepted(tr.clerk, filed_plan(tr.clerk, tr.reviewer))
    assert {u.username for u in (tr.agency_user, tr.clerk, tr.reviewer) if rights.is_organizer_of(u, own)} == {
        "tr_clerk"}


def test_the_regulator_of_the_agencys_region_does_not_see_another_regions_purchase(tr):
    """An agency of 福州 runs a 省级 unit's procurement: the 福州 regulator does not supervise it (404), the
    province's does; the agency itself sees it."""
    plan = filed_plan(tr.w.dept_clerk, tr.w.dept_reviewer, entrusted=tr.agency)
    proc = accepted(tr.agency_user, plan)
    assert client_for(tr.w.fz_reg).get(f"/trading/{proc.pk}/").status_code == 404
    assert proc.number not in client_for(tr.w.fz_reg).get("/trading/").content.decode()
    assert client_for(tr.w.fj_reg).get(f"/trading/{proc.pk}/").status_code == 200
    assert client_for(tr.agency_user).get(f"/trading/{proc.pk}/").status_code == 200
