"""access.rights: every named predicate's truth table over the roles, the decorator and the template filter."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template import Context, Template
from django.test import RequestFactory

from access import rights
from access.decorators import check, requires
from core.testing import client_for
from orgs.models import Region

from .roles import WHO, cast

pytestmark = pytest.mark.django_db

REGULATORS = {"regulator", "province_regulator", "other_regulator"}
ADMINS = {"admin", "superuser"}
UNIT_STAFF = {"clerk", "reviewer", "leader", "competent", "competent_clerk", "sub_clerk", "reg_dept_clerk"}
UNIT_CLERKS = {"clerk", "competent_clerk", "sub_clerk", "reg_dept_clerk"}
WITH_UNIT = set(WHO) - {"superuser", "unitless", "anonymous"}

# predicate of the user alone -> the cast members for whom it holds
USER_TABLE = {
    "is_authenticated": set(WHO) - {"anonymous"},
    "is_admin": ADMINS,
    "is_regulator": REGULATORS,                      # not fake_regulator: the role without a regulator unit
    "has_unit": WITH_UNIT,
    "in_budget_unit": WITH_UNIT - {"agency", "supplier"},
    "in_purchaser_unit": {"clerk", "reviewer", "leader", "competent", "competent_clerk", "sub_clerk",
                          "fake_regulator"},
    "is_unit_staff": UNIT_STAFF,                     # the 财政局's own clerk too (reg_dept_clerk)
    "is_clerk": UNIT_CLERKS,
    "may_view_indicators": UNIT_STAFF,               # the same rule as 立项 (may_view_projects)
    "may_read_indicator": UNIT_STAFF | REGULATORS,
    "may_include_subordinates": {"competent", "competent_clerk"},   # the role, or staff of a competent unit
    "may_keep_virtual_budgets": REGULATORS,
    "may_keep_budget_offices": REGULATORS,
    "may_view_projects": UNIT_STAFF,
    "may_start_project": UNIT_CLERKS,
    "may_change_implementation_form": UNIT_CLERKS,
    "may_review_project_requests": {"reviewer", "leader"},
    "may_query_region_projects": REGULATORS,
    "may_keep_registration": {"clerk", "reviewer", "competent", "competent_clerk", "sub_clerk", "reg_dept_clerk"},
    "may_set_subordination": {"clerk", "competent_clerk", "sub_clerk"},   # purchasers only, not the 财政局
    "may_confirm_subordinates": {"competent"},
    "may_review_registrations": REGULATORS,
    "may_view_integration": REGULATORS | ADMINS,
    "may_publish_bulletins": REGULATORS,
    "may_keep_parameters": REGULATORS | ADMINS,
    "may_set_workdays": ADMINS,
    "may_upload_attachments": WITH_UNIT,
    "may_view_joint_projects": UNIT_STAFF,
    "may_view_intentions": UNIT_STAFF,
    "may_publish_intentions": UNIT_CLERKS,
    "may_view_plans": UNIT_STAFF | REGULATORS,
    "may_start_plan": UNIT_CLERKS,
    "in_agency_unit": {"agency"},                    # the agency role in a 代理机构 or 集中采购机构
    "may_view_entrusted_plans": {"agency"},
    "may_supervise_plans": REGULATORS,
    "may_view_region_indicators": REGULATORS,
    "may_view_contracts": UNIT_STAFF | REGULATORS,
    "in_supplier_unit": {"supplier"},
    "may_accept_plans": {"agency"} | UNIT_CLERKS,
    "may_view_procurements": {"agency"} | UNIT_STAFF | REGULATORS,
    "may_supervise_trading": REGULATORS,
    "may_file_challenges": {"supplier"},
    "may_view_challenge_answers": {"agency"} | UNIT_STAFF,
    "may_handle_complaints": REGULATORS,
    "may_view_failure_handlings": {"agency"} | UNIT_STAFF,
    "may_start_failure_handling": {"agency"} | UNIT_CLERKS,
    "may_enter_plan_failures": UNIT_STAFF,
    "may_view_results": {"agency"} | UNIT_STAFF | REGULATORS,
    "may_record_results": {"agency"} | UNIT_CLERKS,
    "may_announce": {"agency"} | UNIT_CLERKS,
}


@pytest.fixture
def c(world):
    return cast(world)


def holders(c, fn, *objs) -> set[str]:
    return {who for who in WHO if fn(getattr(c, who), *objs)}


@pytest.mark.parametrize("name", sorted(USER_TABLE))
def test_truth_table_of_user_predicates(c, name):
    assert holders(c, rights.get(name)) == USER_TABLE[name]


def doc(unit, submitted_by=None):
    return SimpleNamespace(unit_id=unit.pk, submitted_by_id=submitted_by.pk if submitted_by else None)


def test_is_clerk_of(world, c):
    assert holders(c, rights.is_clerk_of, doc(world.fz_unit)) == {"clerk"}
    assert holders(c, rights.is_clerk_of, doc(world.dept)) == {"competent_clerk"}   # not the competent role


def test_is_reviewer_of_never_the_submitter(world, c):
    assert holders(c, rights.is_reviewer_of, doc(world.fz_unit, submitted_by=c.clerk)) == {"reviewer"}
    assert holders(c, rights.is_reviewer_of, doc(world.fz_unit, submitted_by=c.reviewer)) == set()
    assert holders(c, rights.is_reviewer_of, doc(world.dept, submitted_by=c.competent_clerk)) == set()


def test_is_leader_of(world, c):
    assert holders(c, rights.is_leader_of, doc(world.fz_unit, submitted_by=c.clerk)) == {"leader"}
    assert holders(c, rights.is_leader_of, doc(world.fz_unit, submitted_by=c.leader)) == set()


def test_regulates_its_region_and_below(world, c):
    assert holders(c, rights.regulates, world.fz_unit) == {"regulator", "province_regulator"}
    assert holders(c, rights.regulates, world.dept) == {"province_regulator"}      # 省级: above 福州
    assert holders(c, rights.regulates, world.jx_unit) == {"other_regulator"}
    assert holders(c, rights.regulates, None) == set()


def test_is_competent_of_the_subordinate_tree_only(world, c):
    assert holders(c, rights.is_competent_of, world.sub1) == {"competent"}
    assert holders(c, rights.is_competent_of, world.dept) == set()                 # its own unit is not below it
    assert holders(c, rights.is_competent_of, world.fz_unit) == set()


@pytest.mark.parametrize("region, expected", [
    ("350100", REGULATORS - {"other_regulator"} | ADMINS),
    ("350000", {"province_regulator"} | ADMINS),                                   # a city does not set the province's
    ("360000", {"other_regulator"} | ADMINS),
    ("", ADMINS),                                                                  # national editions
    ("999999", ADMINS),                                                            # no such region
])
def test_may_set_parameters(c, region, expected):
    assert holders(c, rights.may_set_parameters, region) == expected
    if region in ("350100", "350000"):  # a Region object answers the same as its code
        assert holders(c, rights.may_set_parameters, Region.objects.get(code=region)) == expected


def test_may_keep_office_of_its_own_region_only(world, c):
    fz = SimpleNamespace(region_id=world.fz_unit.region_id)
    fj = SimpleNamespace(region_id=world.dept.region_id)
    assert holders(c, rights.may_keep_office, fz) == {"regulator"}
    assert holders(c, rights.may_keep_office, fj) == {"province_regulator"}
    assert holders(c, rights.may_keep_office, None) == set()


def test_may_send_handling_back_city_level_or_above_of_the_purchasers_region(world, c):
    from orgs.models import Role
    from orgs.testing import make_unit, make_user

    county = make_unit("闽侯县某学校", region_code="350121")
    county_reg = make_user("rt_county_reg", make_unit("闽侯县财政局", region_code="350121", kind="regulator"),
                           Role.REGULATOR)
    fz = SimpleNamespace(unit=world.fz_unit)
    assert holders(c, rights.may_send_handling_back, fz) == {"regulator", "province_regulator"}
    assert holders(c, rights.may_send_handling_back, SimpleNamespace(unit=world.jx_unit)) == {"other_regulator"}
    assert holders(c, rights.may_send_handling_back, SimpleNamespace(unit=None)) == set()
    handling = SimpleNamespace(unit=county)
    assert not rights.may_send_handling_back(county_reg, handling)   # a county regulator: never
    assert rights.may_send_handling_back(c.regulator, handling)      # its city's regulator: yes


def test_owns_attachment_is_the_uploading_unit(world, c):
    att = SimpleNamespace(unit_id=world.fz_unit.pk)
    assert holders(c, rights.owns_attachment, att) == {"clerk", "reviewer", "leader", "fake_regulator"}


def test_is_challenger_of_the_filing_supplier_only(c):
    own = SimpleNamespace(supplier_id=c.supplier.unit_id)
    assert holders(c, rights.is_challenger_of, own) == {"supplier"}
    assert holders(c, rights.is_challenger_of, SimpleNamespace(supplier_id=c.agency.unit_id)) == set()


def test_may_answer_challenge_the_organizer_or_the_purchasers_clerk(world, c):
    by_agency = SimpleNamespace(organizer_id=c.agency.unit_id, self_organized=False)
    ch = SimpleNamespace(procurement=by_agency, unit_id=world.fz_unit.pk)
    assert holders(c, rights.may_answer_challenge, ch) == {"agency", "clerk"}
    own = SimpleNamespace(organizer_id=world.fz_unit.pk, self_organized=True)
    assert holders(c, rights.may_answer_challenge, SimpleNamespace(procurement=own, unit_id=world.fz_unit.pk)) == {
        "clerk"}


def test_may_decide_complaint_the_regulator_it_was_filed_with(world, c):
    fz = SimpleNamespace(regulator_region_id=world.fz_reg.unit.region_id)
    assert holders(c, rights.may_decide_complaint, fz) == {"regulator"}   # not the province above, which sees it
    fj = SimpleNamespace(regulator_region_id=world.fj_reg.unit.region_id)
    assert holders(c, rights.may_decide_complaint, fj) == {"province_regulator"}


OBJECT_RIGHTS = {"is_clerk_of", "is_reviewer_of", "is_leader_of", "regulates", "is_competent_of",
                 "may_set_parameters", "may_keep_office", "owns_attachment", "is_organizer_of",
                 "is_challenger_of", "may_answer_challenge", "may_decide_complaint", "may_send_handling_back"}


def test_every_right_has_a_truth_table():
    assert set(rights.RIGHTS) == set(USER_TABLE) | OBJECT_RIGHTS


def test_an_unknown_right_is_an_error():
    with pytest.raises(LookupError):
        rights.get("may_view_indicatros")


# ---- @requires ------------------------------------------------------------------------------------------


@requires(rights.is_regulator)
def regulator_page(request):
    return HttpResponse("ok")


def call(view, user):
    request = RequestFactory().get("/some/page/?q=1")
    request.user = user
    return view(request)


def test_requires_sends_anonymous_users_to_login_first():
    resp = call(regulator_page, AnonymousUser())
    assert resp.status_code == 302 and resp["Location"].startswith("/login/")
    assert "next=/some/page/" in resp["Location"]


def test_requires_is_403_without_the_right_and_the_page_with_it(c):
    with pytest.raises(PermissionDenied):
        call(regulator_page, c.fake_regulator)
    with pytest.raises(PermissionDenied):
        call(regulator_page, c.clerk)
    assert call(regulator_page, c.regulator).content == b"ok"


def test_requires_keeps_the_right_on_the_view_and_takes_a_name():
    assert regulator_page.required_right == "is_regulator"
    assert requires("may_set_workdays")(lambda r: None).required_right == "may_set_workdays"


def test_requires_refuses_a_function_that_is_not_a_right():
    with pytest.raises(LookupError):
        requires(lambda user: True)
    with pytest.raises(LookupError):
        requires("may_do_anything")


def test_check_on_an_object(world, c):
    att = SimpleNamespace(unit_id=world.fz_unit.pk)
    check(rights.owns_attachment, c.clerk, att)
    with pytest.raises(PermissionDenied):
        check("owns_attachment", c.competent, att)


def test_real_views_answer_403_and_login(c):
    """The decorator on the pages: anonymous → login, without the right → 403, with it → 200."""
    assert client_for(None).get("/settings/workdays/").status_code == 302
    regulator = client_for(c.regulator)
    assert regulator.get("/settings/workdays/").status_code == 403
    assert regulator.get("/settings/parameters/").status_code == 200
    reg_dept_clerk = client_for(c.reg_dept_clerk)   # the 财政局's own clerk: its indicators, as it can reach 立项
    assert reg_dept_clerk.get("/budgets/indicators/").status_code == 200
    assert reg_dept_clerk.get("/projects/").status_code == 200


# ---- templates --------------------------------------------------------------------------------------------


def render(text, **ctx) -> str:
    return Template("{% load access %}" + text).render(Context(ctx)).strip()


def test_template_filter_and_tag(world, c):
    tpl = '{% if user|may:"may_view_indicators" %}指标{% else %}无{% endif %}'
    assert render(tpl, user=c.clerk) == "指标"
    assert render(tpl, user=c.regulator) == "无"
    assert render(tpl, user=AnonymousUser()) == "无"
    tag = '{% may_do user "is_clerk_of" doc as ok %}{% if ok %}编辑{% endif %}'
    assert render(tag, user=c.clerk, doc=doc(world.fz_unit)) == "编辑"
    assert render(tag, user=c.reviewer, doc=doc(world.fz_unit)) == ""


def test_template_filter_refuses_an_unknown_right(c):
    with pytest.raises(LookupError):
        render('{% if user|may:"nope" %}x{% endif %}', user=c.clerk)
