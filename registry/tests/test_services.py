"""主体管理 services: 用户库基本信息 (registration) and 隶属关系 (subordination)."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from access.scope import in_jurisdiction
from audit import services as audit_services
from audit.models import AuditLog
from core.errors import BusinessError, FieldErrors, NotAllowed, StaleError
from core.testing import postgres_only, race
from integration.models import PlatformUnit
from orgs.models import Region, Role, Unit
from orgs.testing import make_unit, make_user
from registry import services
from registry.models import Subordination, UnitRegistration
from workflow import engine
from workflow.models import Action, ReviewRecord, Status


def data_for(unit, **overrides) -> dict:
    data = {
        "name": unit.name, "credit_code": unit.credit_code, "budget_code": unit.budget_code,
        "level": unit.level, "region": unit.region, "address": "福建省福州市鼓楼区东街100号",
        "legal_representative": "王五", "contact_name": "赵六", "contact_phone": "0591-83331234",
        "is_competent": unit.is_competent,
    }
    data.update(overrides)
    return data


def save(clerk, **overrides) -> UnitRegistration:
    return services.registration_save(actor=clerk, data=data_for(clerk.unit, **overrides))


def submitted(clerk, **overrides) -> UnitRegistration:
    return engine.submit(save(clerk, **overrides), clerk)


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def platform(unit, code=None, **kw):
    kw.setdefault("fiscal_year", 2026)
    return PlatformUnit.objects.create(agency_code=code or unit.budget_code, agency_name=unit.name,
                                       credit_code=unit.credit_code, mof_div_code=unit.region.code, **kw)


def nothing_written():
    return (UnitRegistration.objects.count(), ReviewRecord.objects.count(), AuditLog.objects.count()) == (0, 0, 0)


# ---- registration: 保存 -----------------------------------------------------------------------------------


def test_save_creates_a_numbered_draft(world):
    reg = save(world.fz_clerk)
    assert reg.status == Status.DRAFT and reg.unit == world.fz_unit and reg.created_by == world.fz_clerk
    assert reg.number.startswith(f"DJ-350100-{timezone.localdate().year}-")
    assert (reg.budget_code, reg.region, reg.address) == ("350100101", world.fz_unit.region, "福建省福州市鼓楼区东街100号")
    assert [r.action for r in engine.timeline(reg)] == [Action.SAVE]
    assert list(AuditLog.objects.values_list("action", flat=True)) == ["registration.save"]
    assert not fresh(world.fz_unit).is_member   # saving alone changes nothing on the unit


def test_credit_code_is_normalised(world):
    code = world.fz_unit.credit_code
    reg = save(world.fz_clerk, credit_code=f"  {code.lower()} ")
    assert reg.credit_code == code


def bad_check_digit(code: str) -> str:
    return code[:17] + ("1" if code[17] != "1" else "2")


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "此项为必填项。"),
    ("address", None, "此项为必填项。"),
    ("credit_code", "bad-check-digit", "统一社会信用代码校验位不正确，请核对。"),
    ("credit_code", "91350100", "统一社会信用代码应为18位。"),
    ("credit_code", "91350100M000100Y4I", "非法字符"),
    ("budget_code", "35010A101", "单位预算编码应为6至32位数字。"),
    ("budget_code", "12345", "单位预算编码应为6至32位数字。"),
    ("region", "360100", "所属区划必须在本单位所在省份内。"),
    ("level", "town", "单位级次不正确。"),
    ("contact_phone", "0591-8333abcd", "联系电话只能包含数字"),
])
def test_save_validates_with_chinese_messages_and_saves_nothing(world, field, value, message):
    if value == "bad-check-digit":
        value = bad_check_digit(world.fz_unit.credit_code)
    elif field == "region":
        value = Region.objects.get(code=value)
    with pytest.raises(FieldErrors) as info:
        save(world.fz_clerk, **{field: value})
    assert message in info.value.errors[field]
    assert set(info.value.errors) == {field}
    assert info.value.code == "invalid" and info.value.message == "请修正标出的字段。"
    assert nothing_written()


def test_save_reports_every_bad_field_at_once(world):
    with pytest.raises(FieldErrors) as info:
        save(world.fz_clerk, name="", budget_code="x", contact_name="")
    assert info.value.errors == {"name": "此项为必填项。", "budget_code": "单位预算编码应为6至32位数字。",
                                 "contact_name": "此项为必填项。"}


def test_region_elsewhere_in_the_province_is_accepted(world):
    reg = save(world.fz_clerk, region=Region.objects.get(code="350102"), level="county")  # level agrees (#17)
    assert reg.region.code == "350102"


def test_only_a_clerk_of_a_budget_unit_may_save(world):
    agency = make_unit("福建某招标代理有限公司", region_code="350100", kind=Unit.KIND_AGENCY)
    agency_clerk = make_user("agency_clerk", agency, Role.CLERK)
    nobody = make_user("no_unit", None, Role.CLERK)
    for user in (world.fz_reviewer, world.fz_reg, world.dept_competent, nobody):
        with pytest.raises(NotAllowed):
            services.registration_save(actor=user, data=data_for(world.fz_unit))
    with pytest.raises(BusinessError) as info:
        services.registration_save(actor=agency_clerk, data=data_for(agency, budget_code="350100999"))
    assert not isinstance(info.value, NotAllowed)
    assert nothing_written()


def test_one_open_registration_per_unit(world):
    save(world.fz_clerk)
    with pytest.raises(BusinessError, match="未办结"):
        save(world.fz_clerk)
    assert UnitRegistration.objects.count() == 1


def test_edit_in_place_with_version_check(world):
    reg = save(world.fz_clerk)
    reg = services.registration_save(actor=world.fz_clerk, registration=reg, version=reg.version,
                                     data=data_for(world.fz_unit, contact_name="钱七"))
    assert fresh(reg).contact_name == "钱七" and fresh(reg).version == 2
    with pytest.raises(StaleError):
        services.registration_save(actor=world.fz_clerk, registration=reg, version=1, data=data_for(world.fz_unit))
    with pytest.raises(NotAllowed):   # another unit's clerk
        services.registration_save(actor=world.dept_clerk, registration=reg, data=data_for(world.dept))
    engine.submit(reg, world.fz_clerk)
    with pytest.raises(BusinessError) as info:
        services.registration_save(actor=world.fz_clerk, registration=reg, data=data_for(world.fz_unit))
    assert info.value.code == "not_editable"
    assert fresh(reg).contact_name == "钱七"


# ---- registration: 审核 by the responsible regulator -------------------------------------------------------


def test_city_unit_is_reviewed_by_the_city_regulator(world):
    reg = submitted(world.fz_clerk)
    for other in (world.fj_reg, world.fj_reg2, world.jx_reg, world.fz_reviewer):
        with pytest.raises(NotAllowed):
            engine.approve(reg, other)
        assert "approve" not in engine.available_actions(other, fresh(reg))
    assert engine.available_actions(world.fz_reg, fresh(reg)) == {"approve", "reject"}
    engine.approve(reg, world.fz_reg, "同意入库")
    assert fresh(reg).status == Status.APPROVED


def test_province_unit_is_reviewed_by_the_province_regulator(world):
    reg = submitted(world.dept_clerk)
    for other in (world.fz_reg, world.jx_reg):
        with pytest.raises(NotAllowed):
            engine.approve(reg, other)
    engine.approve(reg, world.fj_reg)
    assert fresh(reg).status == Status.APPROVED


def test_pingtan_unit_is_reviewed_by_the_province_not_by_fuzhou(world):
    # 平潭综合实验区 (350128) hangs directly under the province although its code starts with 3501
    pt = make_unit("平潭综合实验区实验小学", region_code="350128", budget_code="350128001", is_member=False)
    platform(pt)
    reg = submitted(make_user("pt_clerk", pt, Role.CLERK))
    with pytest.raises(NotAllowed):
        engine.approve(reg, world.fz_reg)
    engine.approve(reg, world.fj_reg)
    assert fresh(pt).is_member


def test_county_unit_without_county_regulator_goes_to_the_city(world):
    gl = make_unit("福州市鼓楼区实验小学", region_code="350102", budget_code="350102001", is_member=False)
    platform(gl)
    reg = submitted(make_user("gl_clerk", gl, Role.CLERK))
    with pytest.raises(NotAllowed):
        engine.approve(reg, world.fj_reg)
    engine.approve(reg, world.fz_reg)
    assert fresh(gl).is_member


def test_approval_makes_the_unit_a_member_with_the_reviewed_fields(world):
    unit = world.fz_unit
    assert not unit.is_member and unit.member_since is None
    reg = submitted(world.fz_clerk, name="福州第一中学", address="福州市鼓楼区湖东路1号",
                    legal_representative="陈校长", contact_name="林老师", contact_phone="0591-11112222",
                    is_competent=True, region=Region.objects.get(code="350102"), level="county")
    engine.approve(reg, world.fz_reg)
    unit = fresh(unit)
    assert unit.is_member and unit.member_since is not None
    assert (unit.name, unit.address, unit.legal_representative, unit.contact_name, unit.contact_phone,
            unit.is_competent, unit.budget_code, unit.credit_code) == (
        "福州第一中学", "福州市鼓楼区湖东路1号", "陈校长", "林老师", "0591-11112222", True, "350100101",
        world.fz_unit.credit_code)
    assert unit.region.code == "350102" and unit.region_path == "/350000/350100/350102/"
    member = AuditLog.objects.get(action="unit.member")
    assert member.before["is_member"] is False and member.after["is_member"] is True
    assert audit_services.verify() == []


def test_a_member_keeps_its_member_since_on_a_new_registration(world):
    first = submitted(world.fz_clerk)
    engine.approve(first, world.fz_reg)
    since = fresh(world.fz_unit).member_since
    second = submitted(world.fz_clerk, contact_phone="0591-99998888")
    engine.approve(second, world.fz_reg)
    unit = fresh(world.fz_unit)
    assert unit.member_since == since and unit.contact_phone == "0591-99998888"


def test_budget_code_must_equal_the_platform_code(world):
    reg = submitted(world.fz_clerk, budget_code="350100999")
    before = (fresh(reg).status, fresh(reg).version, ReviewRecord.objects.count(), AuditLog.objects.count())
    with pytest.raises(BusinessError) as info:
        engine.approve(reg, world.fz_reg)
    assert info.value.code == "budget_code_mismatch"
    assert "350100999" in info.value.message and "350100101" in info.value.message
    assert (fresh(reg).status, fresh(reg).version, ReviewRecord.objects.count(), AuditLog.objects.count()) == before
    assert not fresh(world.fz_unit).is_member
    # the regulator returns it, the clerk corrects the code, and it passes
    engine.reject(reg, world.fz_reg, "单位预算编码与一体化平台不一致")
    assert fresh(reg).status_text == "已退回"
    reg = services.registration_save(actor=world.fz_clerk, registration=reg,
                                     data=data_for(world.fz_unit, budget_code="350100101"))
    engine.submit(reg, world.fz_clerk)
    engine.approve(reg, world.fz_reg)
    assert fresh(world.fz_unit).is_member


def test_no_platform_record_refuses_approval(world):
    PlatformUnit.objects.filter(credit_code=world.fz_unit.credit_code).delete()
    reg = submitted(world.fz_clerk)
    with pytest.raises(BusinessError) as info:
        engine.approve(reg, world.fz_reg)
    assert info.value.code == "platform_record_missing"
    platform(world.fz_unit, is_valid=False)   # an invalidated record does not count
    with pytest.raises(BusinessError) as info:
        engine.approve(reg, world.fz_reg)
    assert info.value.code == "platform_record_missing"
    assert fresh(reg).status == Status.PENDING


def test_the_newest_platform_record_decides(world):
    platform(world.fz_unit, code="350100555", fiscal_year=2027)
    reg = submitted(world.fz_clerk)
    with pytest.raises(BusinessError) as info:
        engine.approve(reg, world.fz_reg)
    assert info.value.code == "budget_code_mismatch"


def test_regulator_cannot_approve_their_own_submission(world):
    # a 财政局 is itself a budget unit: one of its staff holds both 经办 and 监管 roles
    unit = world.fz_reg_unit
    both = make_user("fz_reg_clerk", unit, Role.CLERK, Role.REGULATOR)
    platform(unit, code="350100001")
    reg = submitted(both, budget_code="350100001")
    assert engine.available_actions(both, fresh(reg)) == {"withdraw"}
    with pytest.raises(NotAllowed, match="本人"):
        engine.approve(reg, both)
    with pytest.raises(NotAllowed, match="本人"):
        engine.reject(reg, both, "不同意")
    engine.approve(reg, world.fz_reg)   # a colleague may
    assert fresh(reg).status == Status.APPROVED


def test_regulator_who_is_also_its_units_clerk_cannot_approve_own_submission(world):
    """The 财政厅 is a budget unit too: its regulator, also its clerk, submits; only a colleague approves."""
    both = make_user("fin_clerk_reg", world.fj_reg_unit, Role.CLERK, Role.REGULATOR)
    platform(world.fj_reg_unit, code="350000001")
    reg = submitted(both, budget_code="350000001")
    with pytest.raises(NotAllowed, match="本人"):
        engine.approve(reg, both)
    engine.approve(reg, world.fj_reg2)
    assert fresh(reg).status == Status.APPROVED


def test_a_purchaser_colleague_with_regulator_role_is_not_the_regulator(world):
    colleague = make_user("fz_unit_reg", world.fz_unit, Role.REGULATOR)
    reg = submitted(world.fz_clerk)
    with pytest.raises(NotAllowed):
        engine.approve(reg, colleague)


def test_a_regulator_unit_cannot_widen_its_jurisdiction_by_registration(world):
    pingtan = make_unit("平潭综合实验区实验小学", region_code="350128")
    clerk = make_user("fz_reg_clerk", world.fz_reg_unit, Role.CLERK)
    platform(world.fz_reg_unit, code="350100001")
    assert not in_jurisdiction(world.fz_reg, pingtan)
    try:
        reg = submitted(clerk, budget_code="350100001", level="province", region=Region.objects.get(code="350000"))
        engine.approve(reg, world.fz_reg)     # a colleague, not the submitter
    except BusinessError:
        pass                                  # refusing the change is one acceptable fix
    fz_reg = type(world.fz_reg).objects.get(pk=world.fz_reg.pk)
    assert fz_reg.unit.region.code == "350100"
    assert not in_jurisdiction(fz_reg, pingtan)


# ---- 隶属关系 ------------------------------------------------------------------------------------------------


@pytest.fixture
def units(world):
    """orphan: a 省级 unit without a competent unit, with a subordinate of its own; health: a second
    competent unit; member competent units elsewhere for the refusal cases."""
    class U:
        pass

    u = U()
    u.orphan = make_unit("福建省电化教育馆", region_code="350000", is_competent=True, budget_code="350001101")
    u.orphan_child = make_unit("福建省电化教育馆附属中心", region_code="350000", competent=u.orphan)
    u.orphan_clerk = make_user("orphan_clerk", u.orphan, Role.CLERK)
    u.orphan_competent = make_user("orphan_competent", u.orphan, Role.COMPETENT)
    u.health = make_unit("福建省卫生健康委员会", region_code="350000", is_competent=True, budget_code="350002001")
    u.health_competent = make_user("health_competent", u.health, Role.COMPETENT)
    u.health_clerk = make_user("health_clerk", u.health, Role.CLERK)
    return u


def request(clerk, competent, note=""):
    return services.subordination_request(actor=clerk, competent_unit=competent, note=note)


def test_request_and_confirm_links_the_unit_under_its_competent(world, units):
    sub = request(units.orphan_clerk, world.dept, "按机构编制隶属教育厅")
    assert (sub.status, sub.current_node, sub.submitted_by) == (Status.PENDING, "competent", units.orphan_clerk)
    assert [r.action for r in engine.timeline(sub)] == [Action.SAVE, Action.SUBMIT]
    assert fresh(units.orphan).competent is None       # nothing changes before the confirmation
    assert engine.available_actions(world.dept_competent, fresh(sub)) == {"approve", "reject"}

    engine.approve(sub, world.dept_competent, "确认")
    orphan = fresh(units.orphan)
    dept = fresh(world.dept)
    assert orphan.competent == dept
    assert orphan.path == f"{dept.path}{orphan.pk}/" and orphan.path.startswith(dept.path)
    assert fresh(units.orphan_child).path == f"{orphan.path}{units.orphan_child.pk}/"
    assert fresh(sub).status == Status.APPROVED and fresh(sub).dissolved_at is None
    change = AuditLog.objects.get(action="unit.competent")
    assert change.before["competent_id"] is None and change.after["competent_id"] == dept.pk
    assert audit_services.verify() == []


def test_only_the_chosen_competent_unit_confirms(world, units):
    sub = request(units.orphan_clerk, world.dept)
    for other in (units.health_competent, world.dept_reviewer, world.dept_clerk, world.fj_reg,
                  units.orphan_clerk, units.orphan_competent):
        with pytest.raises(NotAllowed):
            engine.approve(sub, other)
    assert fresh(sub).status == Status.PENDING and fresh(units.orphan).competent is None


def test_competent_unit_may_decline_with_an_opinion(world, units):
    sub = request(units.orphan_clerk, world.dept)
    with pytest.raises(BusinessError) as info:
        engine.reject(sub, world.dept_competent, "")
    assert info.value.code == "opinion_required"
    engine.reject(sub, world.dept_competent, "非本部门下属单位")
    assert fresh(sub).status_text == "已退回" and fresh(units.orphan).competent is None


@pytest.mark.parametrize("case", ["itself", "descendant", "not_competent", "not_member", "other_province",
                                  "regulator"])
def test_choosing_a_wrong_competent_unit_is_refused(world, units, case):
    clerk = world.dept_clerk
    if case == "itself":
        target = world.dept
    elif case == "descendant":    # a competent unit below the dept (two levels down)
        mid = make_unit("福建省教育厅直属中心", region_code="350000", competent=world.dept, is_competent=True)
        target = make_unit("福建省教育厅直属中心二级单位", region_code="350000", competent=mid, is_competent=True)
    elif case == "not_competent":
        target = units.orphan_child
        clerk = units.health_clerk
    elif case == "not_member":
        target = make_unit("福建省新设厅局", region_code="350000", is_competent=True, is_member=False)
    elif case == "other_province":
        target = make_unit("江西省教育厅", region_code="360000", is_competent=True)
    else:
        target = world.fj_reg_unit
    with pytest.raises(BusinessError) as info:
        request(clerk, target)
    assert info.value.field == "competent_unit"
    assert Subordination.objects.count() == 0 and ReviewRecord.objects.count() == 0


def test_the_current_competent_cannot_be_chosen_again(world):
    with pytest.raises(BusinessError, match="已经是"):
        request(world.sub1_clerk, world.dept)


def test_only_a_clerk_may_request(world, units):
    with pytest.raises(NotAllowed):
        services.subordination_request(actor=units.orphan_competent, competent_unit=world.dept)


def test_a_second_pending_request_is_refused(world, units):
    first = request(units.orphan_clerk, world.dept)
    with pytest.raises(BusinessError, match="待确认"):
        request(units.orphan_clerk, units.health)
    assert Subordination.objects.count() == 1
    engine.withdraw(first, units.orphan_clerk)
    second = request(units.orphan_clerk, units.health)
    assert second.status == Status.PENDING


@pytest.fixture
def linked(world, units):
    """orphan → dept confirmed (orphan has its own subordinate)."""
    sub = request(units.orphan_clerk, world.dept)
    engine.approve(sub, world.dept_competent)
    return fresh(sub)


def test_dissolve_requires_a_reason(world, units, linked):
    for reason in ("", "   ", None):
        with pytest.raises(BusinessError) as info:
            services.subordination_dissolve(actor=world.fj_reg, subordination=linked, reason=reason)
        assert info.value.code == "reason_required"
    assert fresh(linked).dissolved_at is None


def test_dissolve_only_within_jurisdiction(world, units, linked):
    for outsider in (world.jx_reg, world.fz_reg, world.dept_competent, units.orphan_clerk):
        assert not services.can_dissolve(outsider, linked)
        with pytest.raises(NotAllowed):
            services.subordination_dissolve(actor=outsider, subordination=linked, reason="关系错误")
    assert fresh(linked).dissolved_at is None and fresh(units.orphan).competent == world.dept


def test_regulator_dissolves_and_paths_are_recomputed(world, units, linked):
    assert services.can_dissolve(world.fj_reg, linked)
    assert fresh(units.orphan_child).path.startswith(fresh(world.dept).path)
    with pytest.raises(StaleError):
        services.subordination_dissolve(actor=world.fj_reg, subordination=linked, reason="x",
                                        version=linked.version - 1)
    services.subordination_dissolve(actor=world.fj_reg, subordination=linked, reason="隶属关系选择错误",
                                    version=linked.version)
    sub = fresh(linked)
    assert sub.dissolved_at is not None and sub.dissolved_by == world.fj_reg
    assert sub.dissolve_reason == "隶属关系选择错误" and sub.status == Status.APPROVED
    orphan = fresh(units.orphan)
    assert orphan.competent is None and orphan.path == f"/{orphan.pk}/"
    assert fresh(units.orphan_child).path == f"/{orphan.pk}/{units.orphan_child.pk}/"
    last = list(engine.timeline(sub))[-1]
    assert (last.action, last.opinion, last.actor) == (Action.DISSOLVE, "隶属关系选择错误", world.fj_reg)
    assert not services.can_dissolve(world.fj_reg, sub)
    with pytest.raises(BusinessError) as info:
        services.subordination_dissolve(actor=world.fj_reg, subordination=sub, reason="再次解除")
    assert info.value.code == "bad_state"
    assert audit_services.verify() == []


def test_city_regulator_dissolves_a_link_of_a_city_unit(world):
    sub = request(world.fz_clerk, world.dept)
    engine.approve(sub, world.dept_competent)
    assert services.can_dissolve(world.fz_reg, fresh(sub)) and services.can_dissolve(world.fj_reg, fresh(sub))
    services.subordination_dissolve(actor=world.fz_reg, subordination=sub, reason="错误")
    assert fresh(world.fz_unit).competent is None


def test_a_pending_request_cannot_be_dissolved(world, units):
    sub = request(units.orphan_clerk, world.dept)
    with pytest.raises(BusinessError) as info:
        services.subordination_dissolve(actor=world.fj_reg, subordination=sub, reason="x")
    assert info.value.code == "bad_state"


def test_confirming_a_new_competent_ends_the_old_link(world, units, linked):
    new = request(units.orphan_clerk, units.health)
    engine.approve(new, units.health_competent)
    old = fresh(linked)
    assert old.dissolved_at is not None and old.dissolve_reason == "变更主管预算单位"
    assert old.dissolved_by == units.health_competent
    orphan = fresh(units.orphan)
    assert orphan.competent == units.health and orphan.path == f"{fresh(units.health).path}{orphan.pk}/"
    assert fresh(units.orphan_child).path == f"{orphan.path}{units.orphan_child.pk}/"
    assert fresh(new).dissolved_at is None
    # the old competent unit no longer sees the unit; the new one does
    from access.scope import covers
    dept_competent = type(world.dept_competent).objects.get(pk=world.dept_competent.pk)
    assert not covers(dept_competent, orphan)
    assert covers(units.health_competent, units.orphan_child)


def test_crossed_requests_cannot_make_a_cycle(world, units):
    a_to_b = request(units.orphan_clerk, units.health)        # orphan chooses health
    b_to_a = request(units.health_clerk, units.orphan)        # health chooses orphan (both valid now)
    engine.approve(b_to_a, units.orphan_competent)            # health is now under orphan
    with pytest.raises(BusinessError):
        engine.approve(a_to_b, units.health_competent)        # orphan under health: a cycle
    assert fresh(units.orphan).competent is None


def test_resubmitting_a_withdrawn_request_keeps_one_pending(world, units):
    first = request(units.orphan_clerk, world.dept)
    engine.withdraw(first, units.orphan_clerk)
    request(units.orphan_clerk, units.health)
    assert "submit" in engine.available_actions(units.orphan_clerk, fresh(first))
    with pytest.raises(BusinessError):
        engine.submit(first, units.orphan_clerk)
    assert Subordination.objects.filter(unit=units.orphan, status=Status.PENDING).count() == 1


@pytest.mark.pg
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_saves_leave_one_open_registration(world):
    """Clerk A has saved but not committed; clerk B saves meanwhile. Deterministic: B is seen waiting on a lock."""
    postgres_only()
    clerk_b = make_user("fz_clerk_b", world.fz_unit, Role.CLERK)
    a_saved, release = threading.Event(), threading.Event()
    outcome, deadline = {}, []

    def clerk_a():
        try:
            with transaction.atomic():
                save(world.fz_clerk)
                a_saved.set()
                release.wait(timeout=30)
        finally:
            a_saved.set()

    def clerk_b_saves():
        assert a_saved.wait(timeout=30)
        save(clerk_b)
        outcome["b"] = "saved"

    def watch():
        """Until B waits on a lock that A holds (or 15 s have passed), then A may commit."""
        if not deadline:
            deadline.append(time.monotonic() + 15)
        if a_saved.is_set() and not release.is_set():
            with connection.cursor() as cur:
                cur.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                            "AND wait_event_type = 'Lock'")
                if cur.fetchone()[0] or time.monotonic() >= deadline[0]:
                    release.set()
        time.sleep(0.05)

    ok, _refused = race([clerk_a, clerk_b_saves], sample=watch)
    assert 1 not in ok
    assert UnitRegistration.objects.filter(unit=world.fz_unit).exclude(status=Status.APPROVED).count() == 1
    assert outcome.get("b") != "saved"


def test_approval_links_the_platform_indicators_that_arrived_under_the_unit_code(world):
    """Indicators pushed before the unit registered wait unmatched; approval of its code links them."""
    from budgets.tests.factories import IndicatorFactory

    waiting = IndicatorFactory(bgt_id="BGT-FZ-1", agency_code="350100101", mof_div_code="350100",
                               amount="100000.00", cur_amt="0", pro_name="教学设备购置")
    reg = submitted(world.fz_clerk, budget_code="350100101")
    engine.approve(reg, world.fz_reg)
    waiting.refresh_from_db()
    assert waiting.unit_id == world.fz_unit.pk
