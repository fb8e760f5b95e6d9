"""采购公告 / 更正公告: the flow (organizer → 采购人确认 → 发布), every refusal, every period counted on the working-day
calendar around the 2025 National Day holiday (10-01…10-08 off; Sun 09-28 and Sat 10-11 working), 意向未满30天的
理由, and the registration gate."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from core.errors import BusinessError, FieldErrors, NotAllowed
from trading import notices, selectors, services
from trading.docs import ANNOUNCEMENT
from trading.models import Announcement, ProcurementStatus
from workflow import engine

from .announcing import announcement_data, entrusted_procurement, published, published_intention
from .support import accepted, filed_plan, reload

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat


def at(day: str, hm="09:30"):
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day}T{hm}"))


def fields(start, end, deadline, **kw):
    return {"docs_start": D(start), "docs_end": D(end), "bid_deadline": at(deadline), "opening_at": None,
            "intention_reason": "other", "intention_explanation": "说明", **kw}


@pytest.fixture
def proc(tr):
    return entrusted_procurement(tr)


# ---- the periods, per method ---------------------------------------------------------------------------------


@pytest.mark.parametrize("method, deadline, refused", [
    # 询价 / 谈判: ≥ 3 working days from 09-30 (Tue): 10-09, 10-10, then Sat 10-11 (a working day)
    ("inquiry", "2025-10-10", True), ("inquiry", "2025-10-11", False),
    ("negotiation", "2025-10-10", True), ("negotiation", "2025-10-11", False),
    # 磋商: ≥ 10 calendar days from 09-30
    ("consultation", "2025-10-09", True), ("consultation", "2025-10-10", False),
    # 招标: ≥ 20 calendar days from 09-30
    ("open_tender", "2025-10-19", True), ("open_tender", "2025-10-20", False),
    ("invited_tender", "2025-10-19", True),
    # 框架协议 (110号令): ≥ 20 days
    ("framework", "2025-10-19", True), ("framework", "2025-10-20", False),
])
def test_the_response_period_of_each_method(proc, method, deadline, refused):
    proc.procurement_method = method
    errors = notices.purchase_errors(proc, fields("2025-09-30", "2025-09-30", deadline), D("2025-09-29"))
    assert ("最早为" in errors.get("bid_deadline", "")) is refused, errors


@pytest.mark.parametrize("months, message", [
    (None, "请填写框架协议期限"), (25, "不得超过24个月"), (24, None), (12, None)])
def test_a_framework_agreement_term_within_the_parameter(proc, months, message):
    """框架协议 (财政部令第110号): the agreement's term is asked and may not exceed framework_term_months_max."""
    proc.procurement_method = "framework"
    errors = notices.purchase_errors(proc, fields("2025-09-30", "2025-10-09", "2025-10-20", framework_months=months),
                                     D("2025-09-29"))
    assert (message in errors.get("framework_months", "")) if message else "framework_months" not in errors, errors
    proc.procurement_method = "inquiry"  # other methods do not ask
    assert "framework_months" not in notices.purchase_errors(proc, fields("2025-09-30", "2025-10-09", "2025-10-20"),
                                                             D("2025-09-29"))


def test_the_message_names_the_earliest_working_day(proc):
    errors = notices.purchase_errors(proc, fields("2025-09-30", "2025-10-09", "2025-10-10"), D("2025-09-29"))
    assert errors["bid_deadline"].endswith("截止日期最早为 2025-10-11。") and "3个工作日" in errors["bid_deadline"]


@pytest.mark.parametrize("method, end, refused", [
    # documents available ≥ 5 working days from Mon 09-29: 09-29, 09-30, 10-09, 10-10, Sat 10-11
    ("open_tender", "2025-10-10", True), ("open_tender", "2025-10-11", False),
    ("consultation", "2025-10-10", True), ("consultation", "2025-10-11", False),
    ("inquiry", "2025-09-29", False),  # no such rule for 询价
])
def test_documents_available_for_five_working_days(proc, method, end, refused):
    proc.procurement_method = method
    errors = notices.purchase_errors(proc, fields("2025-09-29", end, "2025-10-30"), D("2025-09-29"))
    assert ("docs_end" in errors) is refused, errors


def test_dates_that_make_no_sense(proc):
    errors = notices.purchase_errors(proc, fields("2025-09-20", "2025-09-19", "2025-10-30",
                                                  opening_at=at("2025-10-29")), D("2025-09-29"))
    assert errors["docs_start"] == "采购文件获取开始日期不能早于公告发布之日。"
    assert errors["docs_end"] == "采购文件获取截止日期不能早于开始日期。"
    assert errors["opening_at"] == "开标时间不能早于投标（响应）截止时间。"
    errors = notices.purchase_errors(proc, {"docs_start": None, "docs_end": None, "bid_deadline": None},
                                     D("2025-09-29"))
    assert set(errors) >= {"docs_start", "docs_end", "bid_deadline", "intention_reason"}


def test_single_source_and_self_purchase_have_no_announcement(proc):
    proc.procurement_method = "single_source"
    assert "单一来源公示" in notices.procurement_refusal(proc, "purchase")
    proc.procurement_method, proc.self_purchase = "inquiry", True
    assert "自行采购" in notices.procurement_refusal(proc, "purchase")
    proc.self_purchase, proc.procurement_method = False, ""
    assert "采购方式未确定" in notices.procurement_refusal(proc, "purchase")


def test_single_source_is_refused_beside_the_procurement(tr, proc):
    type(proc).objects.filter(pk=proc.pk).update(procurement_method="single_source")
    with pytest.raises(FieldErrors) as info:
        ANNOUNCEMENT.save_doc(tr.agency_user, None, announcement_data(proc), None)
    assert "单一来源公示" in info.value.errors["procurement_id"]


# ---- 意向未满30天的理由 -----------------------------------------------------------------------------------------


def test_no_intention_asks_for_the_reason(tr, proc):
    with pytest.raises(FieldErrors) as info:
        ANNOUNCEMENT.save_doc(tr.agency_user, None, announcement_data(proc, intention_reason="",
                                                                        intention_explanation=""), None)
    assert info.value.errors["intention_reason"].startswith("该项目未公开采购意向")
    assert "intention_explanation" in info.value.errors


def test_an_intention_12_days_old_asks_for_the_reason_30_days_old_does_not(tr):
    plan = filed_plan(tr.clerk, tr.reviewer, entrusted=tr.agency)
    published_intention(tr.clerk, tr.reviewer, plan.project, days_ago=12)
    proc = accepted(tr.agency_user, plan)
    today = timezone.localdate()
    why = notices.intention_period_short(proc, today)
    assert why and "不足30日" in why
    assert notices.intention_period_short(proc, today + dt.timedelta(days=18)) is None
    assert notices.intention_period_short(proc, today + dt.timedelta(days=17)) is not None
    doc = ANNOUNCEMENT.save_doc(tr.agency_user, None, announcement_data(
        proc, intention_reason="urgent", intention_explanation="开学前须完成采购"), None)
    assert (doc.intention_reason, doc.intention_explanation) == ("urgent", "开学前须完成采购")


def test_the_reason_is_dropped_when_the_intention_is_old_enough(tr):
    plan = filed_plan(tr.clerk, tr.reviewer, entrusted=tr.agency)
    published_intention(tr.clerk, tr.reviewer, plan.project, days_ago=31)
    proc = accepted(tr.agency_user, plan)
    doc = ANNOUNCEMENT.save_doc(tr.agency_user, None, announcement_data(proc), None)
    assert (doc.intention_reason, doc.intention_explanation) == ("", "")


# ---- the flow ------------------------------------------------------------------------------------------------


def test_agency_submits_purchaser_confirms_agency_publishes(tr, proc):
    doc = ANNOUNCEMENT.save_doc(tr.agency_user, None, announcement_data(proc), None)
    assert doc.unit == tr.unit and doc.organizer == tr.agency and doc.number.startswith("GG")
    assert engine.available_actions(tr.clerk, doc) == set()          # the purchaser's clerk does not write it
    assert "submit" in engine.available_actions(tr.agency_user, doc)
    assert "submit" not in engine.available_actions(tr.agency2_user, doc)
    doc = engine.submit(doc, tr.agency_user)
    with pytest.raises(NotAllowed):
        engine.approve(doc, tr.agency_user)                            # not the purchaser's reviewer
    doc = engine.approve(doc, tr.reviewer, opinion="确认")
    assert doc.stage == "publish" and doc.status_text == "待发布"
    assert "publish" not in engine.available_actions(tr.clerk, doc)
    with pytest.raises(NotAllowed):
        engine.advance(doc, tr.reviewer, "publish")
    doc = engine.advance(doc, tr.agency_user, "publish")
    doc = reload(doc)
    assert doc.stage == notices.PUBLISHED and doc.published_at is not None
    assert reload(proc).status == ProcurementStatus.IN_PROGRESS
    assert selectors.published_announcements().filter(pk=doc.pk).exists()


def test_self_organised_clerk_writes_and_publishes(tr):
    proc = accepted(tr.clerk, filed_plan(tr.clerk, tr.reviewer))
    doc = ANNOUNCEMENT.save_doc(tr.clerk, None, announcement_data(proc), None)
    doc = engine.approve(engine.submit(doc, tr.clerk), tr.reviewer)
    engine.advance(doc, tr.clerk, "publish")
    assert reload(proc).status == ProcurementStatus.IN_PROGRESS


def test_only_the_organizer_saves_and_only_once_per_round(tr, proc):
    for user in (tr.agency2_user, tr.clerk, tr.supplier_user):
        with pytest.raises(FieldErrors) as info:
            ANNOUNCEMENT.save_doc(user, None, announcement_data(proc), None)
        assert info.value.errors == {"procurement_id": "请选择本单位组织的采购项目。"}
    ANNOUNCEMENT.save_doc(tr.agency_user, None, announcement_data(proc), None)
    with pytest.raises(FieldErrors) as info:
        ANNOUNCEMENT.save_doc(tr.agency_user, None, announcement_data(proc), None)
    assert "本轮已有采购公告" in info.value.errors["procurement_id"]


def test_a_draft_edits_and_keeps_its_procurement(tr, proc):
    doc = ANNOUNCEMENT.save_doc(tr.agency_user, None, announcement_data(proc), None)
    doc = ANNOUNCEMENT.save_doc(tr.agency_user, doc, announcement_data(proc, title="改后的标题"), doc.version)
    assert doc.title == "改后的标题" and Announcement.objects.count() == 1


def test_publishing_after_the_dates_passed_is_refused_and_returned_for_editing(tr, proc):
    doc = ANNOUNCEMENT.save_doc(tr.agency_user, None, announcement_data(proc), None)
    doc = engine.approve(engine.submit(doc, tr.agency_user), tr.reviewer)
    later = timezone.now() + dt.timedelta(days=40)
    with mock.patch("django.utils.timezone.now", return_value=later), pytest.raises(FieldErrors) as info:
        engine.advance(doc, tr.agency_user, "publish")
    assert "docs_start" in info.value.errors
    assert reload(doc).stage == "publish"
    assert "revoke" in engine.available_actions(tr.agency_user, reload(doc))
    assert "revoke" not in engine.available_actions(tr.reviewer, reload(doc))
    doc = engine.direct(reload(doc), tr.agency_user, "revoke", reason="日期已过，重新确定")
    assert reload(doc).is_editable


# ---- 更正公告 ------------------------------------------------------------------------------------------------


def test_a_correction_needs_a_published_announcement(tr, proc):
    with pytest.raises(FieldErrors) as info:
        ANNOUNCEMENT.save_doc(tr.agency_user, None, announcement_data(proc, kind="correction"), None)
    assert "只有采购公告已发布" in info.value.errors["procurement_id"]


@pytest.mark.parametrize("method, now, deadline, moved, refused", [
    # 招标: ≥ 15 days must remain
    ("open_tender", "2025-09-29", "2025-10-19", None, False),
    ("open_tender", "2025-10-05", "2025-10-19", None, True),
    ("open_tender", "2025-10-05", "2025-10-19", "2025-10-19", True),
    ("open_tender", "2025-10-05", "2025-10-19", "2025-10-20", False),
    # 磋商: ≥ 5 days
    ("consultation", "2025-10-05", "2025-10-09", None, True),
    ("consultation", "2025-10-05", "2025-10-10", None, False),
    # 谈判 / 询价: ≥ 3 working days; from 09-30: 10-09, 10-10, Sat 10-11
    ("inquiry", "2025-09-30", "2025-10-10", None, True),
    ("inquiry", "2025-09-30", "2025-10-10", "2025-10-11", False),
    ("negotiation", "2025-09-30", "2025-10-11", None, False),
])
def test_a_correction_affecting_the_bids_moves_the_deadline(proc, method, now, deadline, moved, refused):
    proc.procurement_method = method
    with mock.patch.object(notices, "deadline_of", return_value=at(deadline)):
        errors = notices.correction_errors(proc, {"content": "修改技术参数", "affects_bids": True,
                                                  "bid_deadline": at(moved) if moved else None}, at(now, "10:00"))
    assert ("bid_deadline" in errors) is refused, errors
    if refused:
        assert "须将投标（响应）截止时间顺延至" in errors["bid_deadline"]


def test_a_clarification_that_does_not_affect_the_bids_keeps_the_deadline(proc):
    with mock.patch.object(notices, "deadline_of", return_value=at("2025-10-10")):
        errors = notices.correction_errors(proc, {"content": "更正联系电话", "affects_bids": False},
                                           at("2025-10-09"))
    assert errors == {}
    errors = notices.correction_errors(proc, {"content": "", "bid_deadline": at("2025-01-01")}, at("2025-10-09"))
    assert errors == {"content": "请填写更正事项和内容。", "bid_deadline": "新的投标（响应）截止时间须晚于现在。"}


def test_a_published_correction_moves_the_deadline_in_force(tr, proc):
    base = published(tr, proc)
    new_deadline = base.bid_deadline + dt.timedelta(days=7)
    doc = ANNOUNCEMENT.save_doc(tr.agency_user, None, announcement_data(
        proc, kind="correction", content="延长截止时间", affects_bids=True, bid_deadline=new_deadline,
        opening_at=None), None)
    assert doc.corrects == reload(base) and doc.docs_start is None
    assert notices.deadline_of(proc) == base.bid_deadline  # not yet published
    doc = engine.approve(engine.submit(doc, tr.agency_user), tr.reviewer)
    engine.advance(doc, tr.agency_user, "publish")
    assert notices.deadline_of(proc) == new_deadline
    assert selectors.open_announcements().get(pk=base.pk).deadline == new_deadline


# ---- 报名 -------------------------------------------------------------------------------------------------------


def register(tr, proc, user=None, lot=None):
    return services.registration_create(actor=user or tr.supplier_user, procurement=proc, lot=lot,
                                        contact_name="李供应", contact_phone="0591-88880000")


def test_registration_before_the_announcement_is_refused(tr, proc):
    with pytest.raises(BusinessError) as info:
        register(tr, proc)
    assert info.value.message == "该项目当前不在报名期。"


def test_registration_until_the_deadline(tr, proc):
    base = published(tr, proc)
    reg = register(tr, proc)
    assert reg.round == 1 and selectors.is_registered(tr.supplier.pk, proc)
    with pytest.raises(BusinessError):
        register(tr, proc)                                               # once
    with pytest.raises(NotAllowed):
        register(tr, proc, user=tr.agency_user)                          # suppliers only
    Announcement.objects.filter(pk=base.pk).update(bid_deadline=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(BusinessError) as info:
        register(tr, proc, user=tr.supplier2_user)
    assert info.value.code == "registration_closed" and "已过投标（响应）截止时间" in info.value.message
    assert not selectors.open_announcements().filter(pk=base.pk).exists()


def test_several_lots_need_a_lot(tr):
    plan = filed_plan(tr.clerk, tr.reviewer, entrusted=tr.agency, lines=[("A02020200", "100000"),
                                                                          ("A02020200", "50000")])
    proc = accepted(tr.agency_user, plan, lots=[{"name": "电脑", "lines": [1]}, {"name": "打印", "lines": [2]}])
    published(tr, proc)
    with pytest.raises(FieldErrors) as info:
        register(tr, proc)
    assert info.value.errors == {"lot": "本项目分多个包，请选择报名的采购包。"}
    lots = selectors.lots(proc)
    assert register(tr, proc, lot=lots[1]).lot == lots[1]
    assert register(tr, proc, lot=lots[0]).lot == lots[0]
