"""GET /api/inbox: per flow, what waits for the caller's review and what is still with the caller."""

import pytest

from core.testing import api_call, client_for
from orgs.tokens import create_token

pytestmark = pytest.mark.django_db


def inbox(user) -> dict:
    r = api_call(user, "get", "/api/inbox")
    assert r.status_code == 200
    return r.json()


def rows(user) -> dict:
    return {row["doc_type"]: (row["label"], row["to_review"], row["mine"]) for row in inbox(user)["rows"]}


def post(user, url, data):
    r = api_call(user, "post", url, data)
    assert r.status_code in (200, 201), r.json()
    return r.json()


def save_registration(world) -> dict:
    unit = world.fz_unit
    return post(world.fz_clerk, "/api/registrations", {
        "name": unit.name, "credit_code": unit.credit_code, "budget_code": unit.budget_code, "level": unit.level,
        "region_code": unit.region.code, "address": "福州市鼓楼区湖东路1号", "legal_representative": "张三",
        "contact_name": "李四", "contact_phone": "0591-87654321"})


def test_inbox_empty(world):
    assert inbox(world.jx_reg) == {"rows": [], "to_review": 0, "mine": 0}


def test_inbox_anonymous_is_401():
    r = client_for(None).get("/api/inbox")
    assert r.status_code == 401
    assert r.json()["code"] == "unauthorized"


def test_inbox_follows_a_registration(world):
    reg = save_registration(world)
    assert rows(world.fz_clerk) == {"registration": ("采购单位用户库基本信息", 0, 1)}
    assert rows(world.fz_reg) == {}

    post(world.fz_clerk, f"/api/registrations/{reg['id']}/submit", {"version": reg["version"]})
    assert rows(world.fz_clerk) == {"registration": ("采购单位用户库基本信息", 0, 1)}   # still withdrawable
    assert rows(world.fz_reg) == {"registration": ("采购单位用户库基本信息", 1, 0)}
    assert rows(world.fj_reg) == {}        # 福州 has its own regulator
    assert rows(world.jx_reg) == {}        # another province
    assert rows(world.fz_reviewer) == {}   # wrong role
    assert inbox(world.fz_reg)["to_review"] == 1

    post(world.fz_reg, f"/api/registrations/{reg['id']}/approve", {"version": reg["version"] + 1})
    assert rows(world.fz_reg) == {} and rows(world.fz_clerk) == {}


def test_inbox_subordination_for_the_competent_unit(world):
    post(world.fz_clerk, "/api/subordinations", {"competent_unit_id": world.dept.pk})
    assert rows(world.dept_competent) == {"subordination": ("隶属关系", 1, 0)}
    assert rows(world.dept_clerk) == {}
    assert rows(world.sub1_clerk) == {}


def test_inbox_with_token(world):
    save_registration(world)
    _, key = create_token(world.fz_clerk, "测试")
    r = client_for(None).get("/api/inbox", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert r.status_code == 200
    assert r.json()["mine"] == 1
