"""registry.selectors: the scoped reads of 主体管理."""

import pytest

from orgs.models import Unit
from orgs.testing import make_unit
from registry import selectors, services
from workflow import engine

pytestmark = pytest.mark.django_db


# ---- scoped reads ---------------------------------------------------------------------------------------------


def test_visible_and_member_units(world):
    assert set(selectors.visible_units(world.fz_reg)) == {world.fz_reg_unit, world.fz_unit}
    assert set(selectors.member_units(world.fz_reg)) == set()            # 福州一中 is not yet a member
    assert set(selectors.member_units(world.fj_reg)) == {world.dept, world.sub1}
    assert set(selectors.member_units(world.jx_reg)) == {world.jx_unit}
    assert set(selectors.visible_units(world.dept_competent)) == {world.dept, world.sub1}


def test_registrations_are_scoped(world):
    u = world.fz_unit
    reg = services.registration_save(actor=world.fz_clerk, data={
        "name": u.name, "credit_code": u.credit_code, "budget_code": u.budget_code, "level": u.level,
        "region": u.region, "address": "福州市", "legal_representative": "甲", "contact_name": "乙",
        "contact_phone": "0591-1"})
    assert list(selectors.registrations(world.fz_clerk)) == [reg]
    assert list(selectors.registrations(world.fz_reg)) == [reg]
    assert list(selectors.registrations(world.fj_reg)) == [reg]
    assert list(selectors.registrations(world.jx_reg)) == []
    assert list(selectors.registrations(world.dept_clerk)) == []


def test_subordinations_are_scoped_to_both_sides(world):
    sub = services.subordination_request(actor=world.fz_clerk, competent_unit=world.dept)
    assert list(selectors.subordinations(world.fz_clerk)) == [sub]
    assert list(selectors.subordinations(world.dept_competent)) == [sub]
    assert list(selectors.subordinations(world.fz_reg)) == [sub]
    assert list(selectors.subordinations(world.jx_reg)) == []
    assert list(selectors.subordinations(world.sub1_clerk)) == []
    engine.approve(sub, world.dept_competent)
    assert list(selectors.subordinations(world.dept_competent)) == [sub]


def test_competent_candidates(world):
    other = make_unit("福建省民政厅", region_code="350000", is_competent=True)
    make_unit("福建省新设厅局", region_code="350000", is_competent=True, is_member=False)
    make_unit("江西省教育厅", region_code="360000", is_competent=True)
    fz_competent = make_unit("福州市教育局", region_code="350100", is_competent=True)
    assert set(selectors.competent_candidates(world.fz_unit)) == {world.dept, other, fz_competent}
    # never itself nor a unit below it
    below = make_unit("福建省教育厅直属中心", region_code="350000", competent=world.sub1, is_competent=True)
    assert set(selectors.competent_candidates(world.dept)) == {other, fz_competent}
    assert below not in selectors.competent_candidates(world.sub1)
    assert set(selectors.competent_candidates(world.jx_unit)) == {Unit.objects.get(name="江西省教育厅")}
