"""The 主体管理 JSON API: scope (right role, wrong role 403, out of scope 404, anonymous 401) and error shape."""


import pytest

from core.testing import api_call, client_for
from orgs.models import Role, Unit
from orgs.testing import make_user

pytestmark = pytest.mark.django_db

NOT_FOUND = {"code": "not_found", "message": "记录不存在或不在您的权限范围内"}


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def reg_payload(unit: Unit, **overrides) -> dict:
    data = {
        "name": unit.name, "credit_code": unit.credit_code, "budget_code": unit.budget_code,
        "level": unit.level, "region_code": unit.region.code, "address": "福州市鼓楼区湖东路1号",
        "legal_representative": "张三", "contact_name": "李四", "contact_phone": "0591-87654321",
        "is_competent": False,
    }
    data.update(overrides)
    return data


def create_registration(user, **overrides) -> dict:
    r = api_call(user, "post", "/api/registrations", reg_payload(user.unit, **overrides))
    assert r.status_code == 201, r.json()
    return r.json()


def submitted_registration(user, **overrides) -> dict:
    reg = create_registration(user, **overrides)
    r = api_call(user, "post", f"/api/registrations/{reg['id']}/submit", {"version": reg["version"]})
    assert r.status_code == 200, r.json()
    return r.json()


def names(response) -> set[str]:
    return {row["name"] for row in response.json()["items"]}


# ---- /api/me -----------------------------------------------------------------------------------------


def test_me_shows_user_unit_and_roles_in_chinese(world):
    r = api_call(world.fz_clerk, "get", "/api/me")
    assert r.status_code == 200
    body = r.json()
    assert body["username"] == "fz_clerk"
    assert body["unit"]["name"] == "福州市第一中学"
    assert body["unit"]["kind_label"] == "采购单位"
    assert body["unit"]["region_code"] == "350100"
    assert body["roles"] == [{"code": "clerk", "label": "采购单位经办岗"}]


def test_me_anonymous_is_401_with_chinese_message():
    r = client_for(None).get("/api/me")
    assert r.status_code == 401
    assert r.json() == {"code": "unauthorized", "message": "未登录或令牌无效。"}


# ---- units -------------------------------------------------------------------------------------------


def test_units_scope_own_unit_subordinates_and_jurisdiction(world):
    assert names(api_call(world.dept_clerk, "get", "/api/units")) == {"福建省教育厅"}
    assert names(api_call(world.dept_competent, "get", "/api/units")) == {"福建省教育厅", "福建省教育考试院"}
    fj = names(api_call(world.fj_reg, "get", "/api/units"))
    assert {"福州市第一中学", "福建省教育考试院", "福州市财政局采购办"} <= fj
    assert "南昌市第一中学" not in fj
    assert names(api_call(world.fz_reg, "get", "/api/units")) == {"福州市财政局采购办", "福州市第一中学"}


def test_units_filters_and_pagination(world):
    r = api_call(world.fj_reg, "get", "/api/units?kind=regulator")
    assert names(r) == {"福建省财政厅政府采购监管处", "福州市财政局采购办"}
    assert names(api_call(world.fj_reg, "get", "/api/units?is_member=false")) == {"福州市第一中学"}
    assert names(api_call(world.fj_reg, "get", "/api/units?name=教育")) == {"福建省教育厅", "福建省教育考试院"}
    page = api_call(world.fj_reg, "get", "/api/units?limit=2&offset=1").json()
    assert page["total"] == 5 and page["limit"] == 2 and page["offset"] == 1
    assert len(page["items"]) == 2


def test_units_bad_filter_is_422_invalid(world):
    r = api_call(world.fj_reg, "get", "/api/units?kind=nonsense&limit=0")
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "invalid" and body["message"] == "请求参数不正确。"
    assert set(body["errors"]) == {"kind", "limit"}
    assert body["details"]


def test_unit_detail_scope(world):
    assert api_call(world.fj_reg, "get", f"/api/units/{world.fz_unit.pk}").json()["name"] == "福州市第一中学"
    assert api_call(world.dept_competent, "get", f"/api/units/{world.sub1.pk}").json()["competent_id"] == world.dept.pk
    for user, unit in [(world.jx_reg, world.fz_unit), (world.dept_clerk, world.sub1), (world.fz_reg, world.dept)]:
        r = api_call(user, "get", f"/api/units/{unit.pk}")
        assert r.status_code == 404
        assert r.json() == NOT_FOUND
    assert api_call(world.fj_reg, "get", "/api/units/999999").json() == NOT_FOUND
    assert client_for(None).get(f"/api/units/{world.fz_unit.pk}").status_code == 401


# ---- registrations: create, update, list, detail ------------------------------------------------------


def test_registration_create_by_clerk(world):
    body = create_registration(world.fz_clerk)
    assert body["status"] == "draft" and body["status_text"] == "编辑中"
    assert body["unit_name"] == "福州市第一中学"
    assert body["region_code"] == "350100" and body["level_label"] == "市级"
    assert body["actions"] == ["edit", "submit"]
    assert [(t["action"], t["action_label"]) for t in body["timeline"]] == [("save", "保存")]


@pytest.mark.parametrize("who", ["fz_reviewer", "fz_reg", "fj_reg"])
def test_registration_create_wrong_role_is_403(world, who):
    user = getattr(world, who)
    r = api_call(user, "post", "/api/registrations", reg_payload(world.fz_unit))
    assert r.status_code == 403
    assert r.json()["code"] == "forbidden"
    assert r.json()["message"] == "只有本单位经办岗可以维护用户库基本信息。"


def test_registration_field_errors_are_422_with_errors(world):
    r = api_call(world.fz_clerk, "post", "/api/registrations",
             reg_payload(world.fz_unit, credit_code="12345", contact_phone="电话"))
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "invalid"
    assert body["message"] == "请修正标出的字段。"
    assert body["errors"]["credit_code"] == "统一社会信用代码应为18位。"
    assert body["errors"]["contact_phone"] == "联系电话只能包含数字和“-”。"


def test_registration_region_errors_use_api_field_name(world):
    r = api_call(world.fz_clerk, "post", "/api/registrations", reg_payload(world.fz_unit, region_code="999999"))
    assert r.status_code == 422
    assert r.json()["errors"] == {"region_code": "所属区划代码不存在。"}
    r = api_call(world.fz_clerk, "post", "/api/registrations", reg_payload(world.fz_unit, region_code="360100"))
    assert r.json()["errors"] == {"region_code": "所属区划必须在本单位所在省份内。"}


def test_registration_schema_errors_are_422_invalid_in_chinese(world):
    data = reg_payload(world.fz_unit, name="长" * 101)
    del data["address"]
    r = api_call(world.fz_clerk, "post", "/api/registrations", data)
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "invalid" and body["message"] == "请求参数不正确。"
    assert body["errors"] == {"name": "不能超过100个字符。", "address": "此项为必填项。"}
    assert {tuple(d["loc"][-1:]) for d in body["details"]} == {("name",), ("address",)}


def test_registration_second_open_one_is_refused(world):
    create_registration(world.fz_clerk)
    r = api_call(world.fz_clerk, "post", "/api/registrations", reg_payload(world.fz_unit))
    assert r.status_code == 422
    assert r.json()["code"] == "business_rule"
    assert "errors" not in r.json()


def test_registration_update_and_stale_version(world):
    reg = create_registration(world.fz_clerk)
    url = f"/api/registrations/{reg['id']}"
    r = api_call(world.fz_clerk, "put", url, reg_payload(world.fz_unit, address="新地址", version=reg["version"]))
    assert r.status_code == 200
    assert r.json()["address"] == "新地址" and r.json()["version"] == reg["version"] + 1
    stale = api_call(world.fz_clerk, "put", url, reg_payload(world.fz_unit, address="又一个", version=reg["version"]))
    assert stale.status_code == 409
    assert stale.json() == {"code": "stale", "message": "单据已被他人处理，请刷新页面后重试。"}
    missing_version = api_call(world.fz_clerk, "put", url, reg_payload(world.fz_unit))
    assert missing_version.status_code == 422 and missing_version.json()["errors"] == {"version": "此项为必填项。"}


def test_registration_update_scope(world):
    reg = create_registration(world.fz_clerk)
    url = f"/api/registrations/{reg['id']}"
    data = reg_payload(world.fz_unit, version=reg["version"])
    assert api_call(world.fz_reviewer, "put", url, data).status_code == 403
    assert api_call(world.dept_clerk, "put", url, data).json() == NOT_FOUND
    assert api_call(world.jx_reg, "put", url, data).status_code == 404
    assert api_call(None, "put", url, data).status_code == 401


def test_registration_list_scope_and_status_filter(world):
    reg = submitted_registration(world.fz_clerk)
    create_registration(world.dept_clerk)

    def numbers(user, query=""):
        r = api_call(user, "get", f"/api/registrations{query}")
        assert r.status_code == 200
        return {row["number"] for row in r.json()["items"]}

    assert numbers(world.fz_clerk) == {reg["number"]}
    assert numbers(world.fz_reg) == {reg["number"]}
    assert len(numbers(world.fj_reg)) == 2
    assert numbers(world.fj_reg, "?status=pending") == {reg["number"]}
    assert numbers(world.jx_reg) == set()
    assert numbers(world.sub1_clerk) == set()
    assert api_call(world.fj_reg, "get", "/api/registrations?status=bogus").status_code == 422
    assert api_call(None, "get", "/api/registrations").status_code == 401


def test_registration_detail_scope_and_actions(world):
    reg = submitted_registration(world.fz_clerk)
    url = f"/api/registrations/{reg['id']}"
    body = api_call(world.fz_clerk, "get", url).json()
    assert body["actions"] == ["withdraw"]
    # the kit's DocumentOut fields: the same names and values as any kit document's API
    assert (body["unit_name"], body["submitted_by"], body["stage"]) == (world.fz_unit.name, str(world.fz_clerk), "")
    assert body["submitted_at"] and body["approved_at"] is None
    assert api_call(world.fz_reg, "get", url).json()["actions"] == ["approve", "reject"]
    assert api_call(world.fj_reg, "get", url).json()["actions"] == []   # sees it, 福州 has its own regulator
    assert [t["action"] for t in api_call(world.fz_reg, "get", url).json()["timeline"]] == ["save", "submit"]
    assert api_call(world.jx_reg, "get", url).json() == NOT_FOUND
    assert api_call(world.dept_clerk, "get", url).status_code == 404
    assert api_call(None, "get", url).status_code == 401


# ---- registrations: engine actions --------------------------------------------------------------------


def test_registration_submit_withdraw_approve(world):
    reg = create_registration(world.fz_clerk)
    base = f"/api/registrations/{reg['id']}"
    assert api_call(world.fz_reviewer, "post", f"{base}/submit", raw="").status_code == 403
    assert api_call(world.dept_clerk, "post", f"{base}/submit", raw="").status_code == 404
    assert api_call(None, "post", f"{base}/submit", raw="").status_code == 401
    r = api_call(world.fz_clerk, "post", f"{base}/submit", raw="")           # the clerk: the body's version is required
    assert r.status_code == 422 and r.json()["errors"] == {"version": "请提供读取时的版本号 version。"}
    r = api_call(world.fz_clerk, "post", f"{base}/submit", {"version": reg["version"]})
    assert r.status_code == 200 and r.json()["status"] == "pending"
    r = api_call(world.fz_clerk, "post", f"{base}/withdraw", {"version": r.json()["version"]})
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    r = api_call(world.fz_clerk, "post", f"{base}/submit", {"version": r.json()["version"]})
    assert r.json()["status"] == "pending"

    assert api_call(world.fj_reg, "post", f"{base}/approve", raw="").json() == {
        "code": "forbidden", "message": "您不是「监管部门审核」节点的审核人。"}
    assert api_call(world.fz_reviewer, "post", f"{base}/approve", raw="").status_code == 403
    assert api_call(world.jx_reg, "post", f"{base}/approve", raw="").status_code == 404
    assert api_call(None, "post", f"{base}/approve", raw="").status_code == 401
    r = api_call(world.fz_reg, "post", f"{base}/approve", {"opinion": "信息无误", "version": r.json()["version"]})
    assert r.status_code == 200
    assert r.json()["status"] == "approved" and r.json()["timeline"][-1]["opinion"] == "信息无误"
    assert api_call(world.fz_reg, "get", f"/api/units/{world.fz_unit.pk}").json()["is_member"] is True


def test_registration_withdraw_by_other_is_403(world):
    reg = submitted_registration(world.fz_clerk)
    other = make_user("fz_clerk2", world.fz_unit, Role.CLERK)
    r = api_call(other, "post", f"/api/registrations/{reg['id']}/withdraw", raw="")
    assert r.status_code == 403 and r.json()["message"] == "只有提交人可以撤回。"
    assert api_call(world.jx_clerk, "post", f"/api/registrations/{reg['id']}/withdraw", raw="").status_code == 404


def test_registration_reject_needs_opinion(world):
    reg = submitted_registration(world.fz_clerk)
    url = f"/api/registrations/{reg['id']}/reject"
    r = api_call(world.fz_reg, "post", url, {"opinion": "  ", "version": reg["version"]})
    assert r.status_code == 422
    assert r.json() == {"code": "opinion_required", "message": "审核不通过时必须填写审核意见。",
                        "errors": {"opinion": "审核不通过时必须填写审核意见。"}}
    assert api_call(world.fz_clerk, "post", url, {"opinion": "不行"}).status_code == 403
    assert api_call(world.jx_reg, "post", url, {"opinion": "不行"}).status_code == 404
    r = api_call(world.fz_reg, "post", url, {"opinion": "地址有误", "version": reg["version"]})
    assert r.status_code == 200
    assert r.json()["status"] == "draft" and r.json()["status_text"] == "已退回"


def test_registration_approve_stale_version_is_409(world):
    reg = submitted_registration(world.fz_clerk)
    r = api_call(world.fz_reg, "post", f"/api/registrations/{reg['id']}/approve", {"version": reg["version"] - 1})
    assert r.status_code == 409
    assert r.json()["code"] == "stale"


def test_self_approval_is_403(world):
    # the 财政厅 is a budget unit too: its regulator, also its clerk, submits its own registration
    boss = make_user("fin_boss", world.fj_reg_unit, Role.CLERK, Role.REGULATOR)
    reg = submitted_registration(boss, budget_code="350000001")
    r = api_call(boss, "post", f"/api/registrations/{reg['id']}/approve", raw="")
    assert r.status_code == 403
    assert r.json() == {"code": "forbidden", "message": "不能审核本人提交的单据。"}


def test_budget_code_mismatch_approval_is_422(world):
    reg = submitted_registration(world.fz_clerk, budget_code="350100999")
    r = api_call(world.fz_reg, "post", f"/api/registrations/{reg['id']}/approve", {"version": reg["version"]})
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "budget_code_mismatch"
    assert "350100999" in body["message"] and "350100101" in body["message"]
    assert api_call(world.fz_reg, "get", f"/api/registrations/{reg['id']}").json()["status"] == "pending"


# ---- subordinations -----------------------------------------------------------------------------------


def request_subordination(world) -> dict:
    r = api_call(world.fz_clerk, "post", "/api/subordinations", {"competent_unit_id": world.dept.pk, "note": "归口管理"})
    assert r.status_code == 201, r.json()
    return r.json()


def test_subordination_candidates(world):
    r = api_call(world.fz_clerk, "get", "/api/subordinations/candidates")
    assert [u["name"] for u in r.json()] == ["福建省教育厅"]
    assert api_call(world.jx_clerk, "get", "/api/subordinations/candidates").json() == []
    assert api_call(None, "get", "/api/subordinations/candidates").status_code == 401


def test_subordination_request(world):
    body = request_subordination(world)
    assert body["status"] == "pending"
    assert body["competent_unit_name"] == "福建省教育厅" and body["unit_name"] == "福州市第一中学"
    assert body["actions"] == ["withdraw"]
    assert [t["action"] for t in body["timeline"]] == ["save", "submit"]


def test_subordination_request_refusals(world):
    r = api_call(world.fz_reviewer, "post", "/api/subordinations", {"competent_unit_id": world.dept.pk})
    assert r.status_code == 403
    r = api_call(world.fz_clerk, "post", "/api/subordinations", {"competent_unit_id": world.jx_unit.pk})
    assert r.status_code == 422 and list(r.json()["errors"]) == ["competent_unit_id"]
    request_subordination(world)
    r = api_call(world.fz_clerk, "post", "/api/subordinations", {"competent_unit_id": world.dept.pk})
    assert r.status_code == 422 and "待确认" in r.json()["message"]
    assert api_call(None, "post", "/api/subordinations", {"competent_unit_id": world.dept.pk}).status_code == 401


def test_subordination_list_and_detail_scope(world):
    sub = request_subordination(world)
    for user in (world.fz_clerk, world.dept_competent, world.dept_clerk, world.fz_reg, world.fj_reg):
        r = api_call(user, "get", "/api/subordinations")
        assert [row["id"] for row in r.json()["items"]] == [sub["id"]], user
    for user in (world.jx_reg, world.sub1_clerk):
        assert api_call(user, "get", "/api/subordinations").json()["total"] == 0
    assert api_call(world.fj_reg, "get", "/api/subordinations?status=approved").json()["total"] == 0
    url = f"/api/subordinations/{sub['id']}"
    assert api_call(world.dept_competent, "get", url).json()["actions"] == ["confirm", "reject"]
    assert api_call(world.dept_clerk, "get", url).json()["actions"] == []
    assert api_call(world.jx_reg, "get", url).json() == NOT_FOUND
    assert api_call(world.sub1_clerk, "get", url).status_code == 404
    assert api_call(None, "get", url).status_code == 401
    assert api_call(None, "get", "/api/subordinations").status_code == 401


def test_subordination_confirm(world):
    sub = request_subordination(world)
    url = f"/api/subordinations/{sub['id']}/confirm"
    assert api_call(world.dept_clerk, "post", url).status_code == 403       # sees it, not 主管预算单位 role
    assert api_call(world.fz_clerk, "post", url).status_code == 403          # the requesting side
    assert api_call(world.jx_clerk, "post", url).status_code == 404
    assert api_call(None, "post", url).status_code == 401
    assert api_call(world.dept_competent, "post", url, {"version": sub["version"] - 1}).status_code == 409
    r = api_call(world.dept_competent, "post", url, {"opinion": "同意", "version": sub["version"]})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert api_call(world.fj_reg, "get", f"/api/units/{world.fz_unit.pk}").json()["competent_id"] == world.dept.pk
    assert world.fz_unit.pk in {u["id"] for u in api_call(world.dept_competent, "get", "/api/units").json()["items"]}


def test_subordination_reject_and_withdraw(world):
    sub = request_subordination(world)
    url = f"/api/subordinations/{sub['id']}"
    r = api_call(world.dept_competent, "post", f"{url}/reject", {"version": sub["version"]})
    assert r.status_code == 422 and r.json()["errors"] == {"opinion": "审核不通过时必须填写审核意见。"}
    assert api_call(world.dept_clerk, "post", f"{url}/reject", {"opinion": "否"}).status_code == 403
    assert api_call(world.jx_reg, "post", f"{url}/reject", {"opinion": "否"}).status_code == 404
    r = api_call(world.dept_competent, "post", f"{url}/reject", {"opinion": "不属于本部门", "version": sub["version"]})
    assert r.status_code == 200 and r.json()["status"] == "draft"

    sub = request_subordination(world)
    url = f"/api/subordinations/{sub['id']}"
    assert api_call(world.dept_competent, "post", f"{url}/withdraw", raw="").status_code == 403
    assert api_call(world.jx_clerk, "post", f"{url}/withdraw", raw="").status_code == 404
    r = api_call(world.fz_clerk, "post", f"{url}/withdraw", {"version": sub["version"]})
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"


def test_subordination_dissolve(world):
    sub = request_subordination(world)
    url = f"/api/subordinations/{sub['id']}"
    api_call(world.dept_competent, "post", f"{url}/confirm", {"version": sub["version"]})
    assert "dissolve" in api_call(world.fz_reg, "get", url).json()["actions"]
    assert "dissolve" not in api_call(world.fz_clerk, "get", url).json()["actions"]
    reason = {"reason": "主管单位选择错误"}
    r = api_call(world.fz_clerk, "post", f"{url}/dissolve", reason)
    assert r.status_code == 403
    assert r.json()["message"] == "只有该单位所在辖区的监管部门可以解除隶属关系。"
    assert api_call(world.dept_competent, "post", f"{url}/dissolve", reason).status_code == 403
    assert api_call(world.jx_reg, "post", f"{url}/dissolve", reason).json() == NOT_FOUND
    assert api_call(None, "post", f"{url}/dissolve", reason).status_code == 401
    r = api_call(world.fz_reg, "post", f"{url}/dissolve", {"reason": ""})
    assert r.status_code == 422 and r.json()["errors"] == {"reason": "请填写解除原因。"}
    r = api_call(world.fz_reg, "post", f"{url}/dissolve", reason)
    assert r.status_code == 200
    body = r.json()
    assert body["dissolved_at"] and body["dissolve_reason"] == "主管单位选择错误" and body["dissolved_by"] == "fz_reg"
    assert body["timeline"][-1]["action"] == "dissolve"
    assert api_call(world.fj_reg, "get", f"/api/units/{world.fz_unit.pk}").json()["competent_id"] is None
    again = api_call(world.fj_reg, "post", f"{url}/dissolve", reason)
    assert again.status_code == 422 and again.json()["code"] == "bad_state"


@pytest.mark.parametrize("who", ["dept_reviewer", "dept_competent"])
def test_roles_that_may_not_request_a_subordination_get_403(world, who):
    # issue 6, item 8: a role that may not act is told so (403), whatever unit it names
    c = client_for(getattr(world, who))
    r = c.post("/api/subordinations", {"competent_unit_id": world.dept.pk}, content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
