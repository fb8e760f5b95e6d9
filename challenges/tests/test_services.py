"""质疑与投诉 services: every refusal and every clock, around the 2025 National Day holiday (10-01..10-08 off; the
Sundays 09-28 and the Saturday 10-11 are 调休 working days) — core.workdays counts with the Chinese calendar."""

import datetime as dt

import pytest

from audit.models import AuditLog
from challenges import services
from challenges.models import ChallengeNotice, ChallengeStatus, ComplaintStatus, Outcome
from core.errors import BusinessError, FieldErrors, NotAllowed
from core.models import RuleParameter
from supervision.models import Warning
from trading import services as trading

from .support import reload

pytestmark = pytest.mark.django_db
D = dt.date


ANSWERED_ON, COMPLAINED_ON = D(2025, 10, 10), D(2025, 10, 20)


def answered(ch, on=ANSWERED_ON, user=None):
    c = ch.make(D(2025, 9, 26), on=D(2025, 9, 30))
    ch.clock(on)
    return services.challenge_answer(actor=user or ch.tr.agency_user, challenge=c, answer="评分标准不指向特定品牌。",
                                     no_secrets=True)


def complained(ch, on=COMPLAINED_ON):
    c = answered(ch)
    ch.clock(on)
    return services.complaint_create(actor=ch.tr.supplier_user, challenge=c, claims="请求认定评分标准违法",
                                     facts="同质疑")


# ---- 质疑 ---------------------------------------------------------------------------------------------------


def test_a_registered_supplier_files_within_seven_working_days_across_the_holiday(ch):
    # 09-26 (Fri) + 7 working days: 09-28 (调休 Sun), 09-29, 09-30, 10-09, 10-10, 10-11 (调休 Sat), 10-13
    assert services.filing_deadline(ch.proc, D(2025, 9, 26)) == D(2025, 10, 13)
    c = ch.make(D(2025, 9, 26), on=D(2025, 10, 13))
    assert c.number.startswith("ZY-350100-2025-") and c.status == ChallengeStatus.SUBMITTED
    assert (c.unit_id, c.organizer_id, c.supplier_id, c.round) == (ch.proc.unit_id, ch.tr.agency.pk, ch.tr.supplier.pk, 1)
    # filed 10-13: answer due 7 working days later (10-14 … 10-17, 10-20, 10-21, 10-22)
    assert c.answer_due == D(2025, 10, 22)
    assert AuditLog.objects.filter(action="challenge.create", object_key=f"challenges.challenge:{c.pk}").exists()


def test_one_working_day_late_is_refused(ch):
    with pytest.raises(BusinessError) as info:
        ch.make(D(2025, 9, 26), on=D(2025, 10, 14))
    assert info.value.code == "challenge_late" and "2025-10-13" in info.value.message


def test_only_a_registered_supplier_may_file(ch, tr):
    from orgs.models import Role, Unit
    from orgs.testing import make_unit, make_user

    other = make_user("ch_other_supplier", make_unit("未报名供应商", region_code="350100", kind=Unit.KIND_SUPPLIER),
                      Role.SUPPLIER)
    with pytest.raises(BusinessError) as info:
        ch.make(user=other)
    assert info.value.code == "not_registered"
    for who in (tr.agency_user, tr.clerk, tr.w.fz_reg):
        with pytest.raises(NotAllowed):
            ch.make(user=who)


def test_bad_fields_are_named(ch):
    ch.clock(D(2025, 9, 30))
    with pytest.raises(FieldErrors) as info:
        services.challenge_create(actor=ch.tr.supplier_user, procurement=ch.proc, subject="nonsense",
                                  known_on=D(2025, 10, 1), claims=" ", facts="x" * 5001)
    assert set(info.value.errors) == {"subject", "known_on", "claims", "facts"}
    with pytest.raises(FieldErrors) as info:  # before the procurement was accepted: not a publication of it
        services.challenge_create(actor=ch.tr.supplier_user, procurement=ch.proc, subject="result",
                                  known_on=D(2025, 8, 29), claims="a", facts="b")
    assert set(info.value.errors) == {"known_on"}


def test_the_organizer_answers_and_every_registered_supplier_is_told(ch, tr):
    c = answered(ch)
    assert c.status == ChallengeStatus.ANSWERED and c.answered_by == tr.agency_user
    assert set(ChallengeNotice.objects.filter(challenge=c).values_list("supplier_id", flat=True)) == {
        tr.supplier.pk, tr.supplier2.pk}
    log = AuditLog.objects.get(action="challenge.answer", object_key=f"challenges.challenge:{c.pk}")
    assert log.after["late"] is False


def test_the_purchasers_clerk_may_answer_too(ch, tr):
    assert answered(ch, user=tr.clerk).answered_by == tr.clerk


@pytest.mark.parametrize("who", ["supplier_user", "supplier2_user", "agency2_user", "reviewer"])
def test_others_may_not_answer(ch, tr, who):
    c = ch.make(on=D(2025, 9, 30))
    with pytest.raises(NotAllowed):
        services.challenge_answer(actor=getattr(tr, who), challenge=c, answer="答复", no_secrets=True)


def test_an_answer_needs_text_and_the_no_trade_secrets_confirmation(ch, tr):
    c = ch.make(on=D(2025, 9, 30))
    with pytest.raises(FieldErrors) as info:
        services.challenge_answer(actor=tr.agency_user, challenge=c, answer="", no_secrets=False)
    assert set(info.value.errors) == {"answer", "no_secrets"}
    assert reload(c).status == ChallengeStatus.SUBMITTED and not ChallengeNotice.objects.exists()
    services.challenge_answer(actor=tr.agency_user, challenge=c, answer="答复", no_secrets=True)
    with pytest.raises(BusinessError) as again:
        services.challenge_answer(actor=tr.agency_user, challenge=c, answer="再答复", no_secrets=True)
    assert again.value.code == "already_answered"


def test_an_overdue_answer_raises_one_warning(ch, tr):
    c = ch.make(on=D(2025, 9, 30))          # due 10-16
    ch.clock(D(2025, 10, 16))
    assert services.scan_overdue() == "逾期预警 0 条"
    ch.clock(D(2025, 10, 17))
    services.scan_overdue()
    services.scan_overdue()
    w = Warning.objects.get(kind="challenge_answer_overdue")
    assert w.target == f"challenges.challenge:{c.pk}" and w.unit_id == c.unit_id and "2025-10-16" in w.message
    services.challenge_answer(actor=tr.agency_user, challenge=c, answer="迟到的答复", no_secrets=True)
    assert AuditLog.objects.get(action="challenge.answer").after["late"] is True


def test_the_clock_is_the_rule_parameter_in_force(ch):
    RuleParameter.objects.create(name="challenge_answer_workdays", label="质疑答复期限", region_code="350100",
                                 effective_from=D(2025, 1, 1), kind="int", value="3", unit="工作日", source="测试")
    # 3 working days after 09-30: 10-09, 10-10, 10-11 (调休 Saturday)
    assert ch.make(on=D(2025, 9, 30)).answer_due == D(2025, 10, 11)


# ---- 投诉 ---------------------------------------------------------------------------------------------------


def test_no_complaint_while_the_answer_period_runs(ch, tr):
    c = ch.make(on=D(2025, 9, 30))          # due 10-16, unanswered
    ch.clock(D(2025, 10, 16))
    with pytest.raises(BusinessError) as info:
        services.complaint_create(actor=tr.supplier_user, challenge=c, claims="a", facts="b")
    assert info.value.code == "complaint_window"


def test_unanswered_the_window_opens_when_the_period_ends(ch, tr):
    c = ch.make(on=D(2025, 9, 30))          # due 10-16; + 15 working days = 11-06
    assert services.complaint_window(c, D(2025, 10, 17))[1:] == (D(2025, 11, 6), None)
    ch.clock(D(2025, 11, 7))
    with pytest.raises(BusinessError):
        services.complaint_create(actor=tr.supplier_user, challenge=c, claims="a", facts="b")
    ch.clock(D(2025, 11, 6))
    assert services.complaint_create(actor=tr.supplier_user, challenge=c, claims="a", facts="b").pk


def test_after_an_answer_fifteen_working_days(ch, tr):
    c = answered(ch, on=D(2025, 10, 10))     # 10-11 (调休) … 10-30
    assert services.complaint_window(c, D(2025, 10, 10))[1] == D(2025, 10, 30)
    ch.clock(D(2025, 10, 31))
    with pytest.raises(BusinessError) as info:
        services.complaint_create(actor=tr.supplier_user, challenge=c, claims="a", facts="b")
    assert "2025-10-30" in info.value.message


def test_the_complaint_goes_to_the_regulator_of_the_purchasers_region(ch, tr):
    c = complained(ch)
    assert c.number.startswith("TS-350100-2025-") and c.status == ComplaintStatus.SUBMITTED
    assert c.regulator_region.code == "350100"
    assert c.decision_due == D(2025, 12, 1)  # 30 working days after 10-20
    with pytest.raises(BusinessError) as again:
        services.complaint_create(actor=tr.supplier_user, challenge=c.challenge, claims="a", facts="b")
    assert again.value.code == "already_complained"


def test_only_the_challenger_complains_with_claims_and_facts(ch, tr):
    c = answered(ch)
    ch.clock(D(2025, 10, 20))
    for who in (tr.supplier2_user, tr.agency_user, tr.clerk):
        with pytest.raises(NotAllowed):
            services.complaint_create(actor=who, challenge=c, claims="a", facts="b")
    with pytest.raises(FieldErrors) as info:
        services.complaint_create(actor=tr.supplier_user, challenge=c, claims="", facts="")
    assert set(info.value.errors) == {"claims", "facts"}


@pytest.mark.parametrize("who", ["fj_reg", "jx_reg"])
def test_only_that_regulator_handles_it(ch, tr, who):
    c = complained(ch)
    with pytest.raises(NotAllowed):
        services.complaint_accept(actor=getattr(tr.w, who), complaint=c)
    with pytest.raises(NotAllowed):
        services.complaint_decide(actor=getattr(tr.w, who), complaint=c, outcome=Outcome.DISMISSED, reasons="x")
    with pytest.raises(NotAllowed):
        services.complaint_suspend(actor=tr.agency_user, complaint=c, until=D(2025, 10, 25), reason="x")


def test_suspension_at_most_thirty_days_blocks_results_until_the_decision(ch, tr):
    c = complained(ch)                       # 10-20
    reg = tr.w.fz_reg
    services.complaint_accept(actor=reg, complaint=c)
    with pytest.raises(BusinessError):
        services.complaint_accept(actor=reg, complaint=c)
    with pytest.raises(FieldErrors) as info:
        services.complaint_suspend(actor=reg, complaint=c, until=D(2025, 11, 20), reason="调查")
    assert "2025-11-19" in info.value.errors["until"]
    with pytest.raises(FieldErrors):
        services.complaint_suspend(actor=reg, complaint=c, until=D(2025, 10, 19), reason="调查")
    with pytest.raises(FieldErrors):
        services.complaint_suspend(actor=reg, complaint=c, until=D(2025, 10, 30), reason=" ")
    services.complaint_suspend(actor=reg, complaint=c, until=D(2025, 11, 5), reason="调查")
    proc = reload(ch.proc)
    assert proc.suspended_until == D(2025, 11, 5) and trading.suspension_refusal(proc)
    with pytest.raises(BusinessError) as blocked:
        trading.lot_move(actor=tr.agency_user, lot=proc.lots.first(), move="award")
    assert blocked.value.code == "suspended"
    ch.clock(D(2025, 11, 1))                 # extending counts from the first day: 11-19 at most
    with pytest.raises(FieldErrors):
        services.complaint_suspend(actor=reg, complaint=c, until=D(2025, 11, 20), reason="延长")
    c = services.complaint_suspend(actor=reg, complaint=c, until=D(2025, 11, 19), reason="延长")
    assert (c.suspended_from, c.suspended_until) == (D(2025, 10, 20), D(2025, 11, 19))
    c = services.complaint_decide(actor=reg, complaint=c, outcome=Outcome.NOT_UPHELD, reasons="评分标准合法")
    assert c.status == ComplaintStatus.DECIDED and reload(ch.proc).suspended_until is None
    assert AuditLog.objects.filter(action="procurement.resume").exists()
    for verb in (lambda: services.complaint_decide(actor=reg, complaint=c, outcome=Outcome.UPHELD, reasons="x"),
                 lambda: services.complaint_suspend(actor=reg, complaint=c, until=D(2025, 11, 5), reason="x"),
                 lambda: services.complaint_withdraw(actor=tr.supplier_user, complaint=c, reason="x")):
        with pytest.raises(BusinessError) as closed:
            verb()
        assert closed.value.code == "complaint_closed"


def test_upheld_or_not_only_after_acceptance_dismissal_any_time(ch, tr):
    c = complained(ch)
    reg = tr.w.fz_reg
    with pytest.raises(BusinessError) as info:
        services.complaint_decide(actor=reg, complaint=c, outcome=Outcome.UPHELD, reasons="成立")
    assert info.value.code == "not_accepted"
    with pytest.raises(FieldErrors) as bad:
        services.complaint_decide(actor=reg, complaint=c, outcome="maybe", reasons="")
    assert set(bad.value.errors) == {"outcome", "reasons"}
    c = services.complaint_decide(actor=reg, complaint=c, outcome=Outcome.DISMISSED, reasons="捏造事实")
    assert (c.outcome, c.get_outcome_display()) == ("dismissed", "驳回投诉")


def test_the_supplier_withdraws_before_the_decision_and_the_procurement_resumes(ch, tr):
    c = complained(ch)
    services.complaint_suspend(actor=tr.w.fz_reg, complaint=c, until=D(2025, 11, 5), reason="调查")
    with pytest.raises(NotAllowed):
        services.complaint_withdraw(actor=tr.w.fz_reg, complaint=c, reason="x")
    with pytest.raises(FieldErrors):
        services.complaint_withdraw(actor=tr.supplier_user, complaint=c, reason="")
    c = services.complaint_withdraw(actor=tr.supplier_user, complaint=c, reason="已与采购人协商")
    assert c.status == ComplaintStatus.WITHDRAWN and reload(ch.proc).suspended_until is None


def test_an_overdue_decision_raises_one_warning(ch, tr):
    c = complained(ch)                       # due 12-01
    ch.clock(D(2025, 12, 1))
    services.scan_overdue()
    assert not Warning.objects.filter(kind="complaint_decision_overdue").exists()
    ch.clock(D(2025, 12, 2))
    services.scan_overdue()
    services.scan_overdue()
    assert Warning.objects.get(kind="complaint_decision_overdue").target == f"challenges.complaint:{c.pk}"


def test_the_periodic_job_is_registered():
    from core.jobs import PERIODIC

    assert PERIODIC["challenges_overdue"].path == "challenges.services.scan_overdue"
