"""Writes and rules of 采购公告 and 更正公告 (the flow is docs.ANNOUNCEMENT): which procurements may announce, the
statutory periods per method on the working-day calendar (trading/params.py), 意向未满30天的理由, 发布 (the
procurement becomes 采购中) and the registration gate (no 报名 after the bid deadline). Saving, submitting and
reviewing are the kit's; `announcement_save` is the kit's `save=` because the document's unit is the purchaser,
not the organizer who writes it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from access import rights
from attachments import services as attachment_services
from attachments.models import Attachment
from core import params, workdays
from core.errors import BusinessError, FieldErrors
from intentions import selectors as intention_selectors
from orgs.models import Role, Unit
from workflow.kit import editing
from workflow.models import Status

from . import services
from .models import Announcement, AnnouncementKind, Procurement, ProcurementStatus

PARAMS = params.of("trading")
PUBLISHED = "publish_done"  # the stage 已发布 (docs.FLOW: Stage "publish")
DAYS, WORKDAYS = "日", "个工作日"
TENDER = ("open_tender", "invited_tender")
SINGLE_SOURCE = "single_source"


@dataclass(frozen=True)
class Rule:
    """The periods of one method: first response (from the documents' issue to the deadline), how long the
    documents are available (working days, None: no rule), and what a correction affecting the bids must leave."""
    label: str
    response: object       # core.params.Parameter
    response_unit: str
    response_source: str
    correction: object
    correction_unit: str
    correction_source: str
    docs: object | None = None
    docs_source: str = ""


def rule_for(method: str) -> Rule | None:
    tender = Rule("招标", PARAMS.tender_bid_days_min, DAYS, "政府采购法第三十五条", PARAMS.correction_tender_days_min,
                  DAYS, "招标投标法第二十三条", PARAMS.tender_docs_workdays_min, "政府采购法实施条例第三十一条")
    return {
        "open_tender": tender, "invited_tender": tender,
        "negotiation": Rule("竞争性谈判", PARAMS.negotiation_response_workdays_min, WORKDAYS, "财政部令第74号",
                            PARAMS.correction_non_tender_workdays_min, WORKDAYS, "财政部令第74号"),
        "inquiry": Rule("询价", PARAMS.inquiry_response_workdays_min, WORKDAYS, "财政部令第74号",
                        PARAMS.correction_non_tender_workdays_min, WORKDAYS, "财政部令第74号"),
        "consultation": Rule("竞争性磋商", PARAMS.consultation_response_days_min, DAYS, "财库〔2014〕214号",
                             PARAMS.correction_consultation_days_min, DAYS, "财库〔2014〕214号",
                             PARAMS.consultation_docs_workdays_min, "财库〔2014〕214号"),
        "framework": Rule("框架协议", PARAMS.framework_response_days_min, DAYS, "财政部令第110号",
                          PARAMS.correction_framework_days_min, DAYS, "财政部令第110号"),
    }.get(method)


def _span(start: dt.date, end: dt.date, unit: str) -> int:
    return (end - start).days if unit == DAYS else workdays.working_days_between(start, end)


def _earliest(start: dt.date, n: int, unit: str) -> dt.date:
    return start + dt.timedelta(days=n) if unit == DAYS else workdays.add_working_days(start, n)


def _local_date(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()


# ---- which procurements may announce ----------------------------------------------------------------------


def procurement_refusal(proc: Procurement, kind: str, exclude=None) -> str | None:
    """Why `proc` may not get an announcement of `kind` now (None: it may); `exclude`: the draft being edited."""
    if proc.self_purchase:
        return "自行采购项目不发布采购公告，由采购单位直接录入采购结果。"
    if proc.procurement_method == SINGLE_SOURCE:
        return "单一来源采购不发布采购公告，请办理单一来源公示。"
    if rule_for(proc.procurement_method) is None:
        return "采购方式未确定，不能发布采购公告。"
    if kind == AnnouncementKind.CORRECTION:
        if proc.status != ProcurementStatus.IN_PROGRESS or published_purchase(proc) is None:
            return "只有采购公告已发布、采购中的项目可以发布更正公告。"
        return None
    if proc.status != ProcurementStatus.ACCEPTED:
        return "本轮采购公告已发布或采购已结束，如需变更请发布更正公告。"
    holder = live(proc).filter(kind=AnnouncementKind.PURCHASE).exclude(pk=getattr(exclude, "pk", None)).first()
    if holder is not None:
        return f"本轮已有采购公告（{holder.number}），不能重复新增。"
    return None


def live(proc: Procurement):
    """The round's announcements that still count: not discarded (放弃)."""
    return Announcement.objects.filter(procurement=proc, round=proc.round).exclude(
        status=Status.WITHDRAWN, last_action="discard")


def published_purchase(proc: Procurement) -> Announcement | None:
    return Announcement.objects.filter(procurement=proc, round=proc.round, kind=AnnouncementKind.PURCHASE,
                                       stage=PUBLISHED).first()


def deadline_of(proc: Procurement) -> dt.datetime | None:
    """The round's bid deadline in force: the latest published correction that moved it, else the announcement's."""
    moved = (Announcement.objects.filter(procurement=proc, round=proc.round, kind=AnnouncementKind.CORRECTION,
                                         stage=PUBLISHED, bid_deadline__isnull=False)
             .order_by("-published_at", "-id").values_list("bid_deadline", flat=True).first())
    if moved is not None:
        return moved
    base = published_purchase(proc)
    return base.bid_deadline if base else None


def with_deadline(qs):
    """Announcements annotated with `deadline`: the bid deadline in force (a published correction's, else own)."""
    moved = (Announcement.objects.filter(procurement_id=OuterRef("procurement_id"), round=OuterRef("round"),
                                         kind=AnnouncementKind.CORRECTION, stage=PUBLISHED, bid_deadline__isnull=False)
             .order_by("-published_at", "-id").values("bid_deadline")[:1])
    return qs.annotate(deadline=Coalesce(Subquery(moved), "bid_deadline"))


def submit_role(doc) -> str:
    """Flow.submit_role_of / Stage.role_of: the agency's staff when an agency organises, else the purchaser's clerk."""
    return Role.AGENCY if doc.organizer.kind in (Unit.KIND_AGENCY, Unit.KIND_CENTRAL) else Role.CLERK


# ---- the rules -------------------------------------------------------------------------------------------


def intention_period_short(proc: Procurement, on: dt.date) -> str | None:
    """Why 意向未满30天的理由 is asked (FJ §3.1 注①), or None: the intention of the plan's project (or 统招分签)
    was published at least the period before `on`. Never asked for 自行采购."""
    if proc.self_purchase:
        return None
    plan = proc.plan
    at = intention_selectors.published_at_for_project(plan.project_id, joint_id=plan.joint_project_id)
    days = PARAMS.intention_min_days(region_code=proc.unit.region.code, on=on)
    if at is None:
        return "该项目未公开采购意向"
    published = _local_date(at)
    if (on - published).days < days:
        return f"该项目采购意向于 {published:%Y-%m-%d} 公开，距今不足{days}日"
    return None


def purchase_errors(proc: Procurement, v: dict, on: dt.date) -> dict:
    """The 采购公告's fields against the method's periods, as FieldErrors keyed by field."""
    rule = rule_for(proc.procurement_method)
    region = proc.unit.region.code
    errors = {}
    start, end, deadline = v.get("docs_start"), v.get("docs_end"), v.get("bid_deadline")
    if not start:
        errors["docs_start"] = "请填写采购文件获取开始日期。"
    elif start < on:
        errors["docs_start"] = "采购文件获取开始日期不能早于公告发布之日。"
    if not end:
        errors["docs_end"] = "请填写采购文件获取截止日期。"
    elif start and end < start:
        errors["docs_end"] = "采购文件获取截止日期不能早于开始日期。"
    elif start and rule.docs is not None:
        n = rule.docs(region_code=region, on=on)
        if workdays.working_days_between(start - dt.timedelta(days=1), end) < n:
            last = workdays.add_working_days(start - dt.timedelta(days=1), n)
            errors["docs_end"] = (f"{rule.label}文件提供期限自开始发出之日起不得少于{n}个工作日（{rule.docs_source}），"
                                  f"获取截止日期最早为 {last:%Y-%m-%d}。")
    if proc.procurement_method == "framework":
        months, most = v.get("framework_months"), PARAMS.framework_term_months_max(region_code=region, on=on)
        if not months:
            errors["framework_months"] = "框架协议采购请填写框架协议期限（月）。"
        elif months > most:
            errors["framework_months"] = f"框架协议期限不得超过{most}个月（财政部令第110号）。"
    if not deadline:
        errors["bid_deadline"] = "请填写投标（响应）截止时间。"
    elif start:
        n = rule.response(region_code=region, on=on)
        day = _local_date(deadline)
        if _span(start, day, rule.response_unit) < n:
            earliest = _earliest(start, n, rule.response_unit)
            errors["bid_deadline"] = (f"{rule.label}自采购文件开始发出之日起至投标（响应）截止之日止不得少于{n}{rule.response_unit}"
                                      f"（{rule.response_source}），截止日期最早为 {earliest:%Y-%m-%d}。")
        elif end and day < end:
            errors["bid_deadline"] = "投标（响应）截止时间不能早于采购文件获取截止日期。"
    opening = v.get("opening_at")
    if opening and deadline and opening < deadline:
        errors["opening_at"] = "开标时间不能早于投标（响应）截止时间。"
    if why := intention_period_short(proc, on):
        if not v.get("intention_reason"):
            errors["intention_reason"] = f"{why}，请选择意向未满30天的理由。"
        if not (v.get("intention_explanation") or "").strip():
            errors["intention_explanation"] = "请说明采购意向未公开或公开时间不足即发布采购公告的具体原因。"
    return errors


def correction_errors(proc: Procurement, v: dict, now: dt.datetime) -> dict:
    """A correction: its text; when it affects the bids and fewer than the method's minimum remain before the
    deadline in force, the deadline moves (a new one, at least the minimum after publication)."""
    rule = rule_for(proc.procurement_method)
    errors = {}
    on = timezone.localtime(now).date()
    if not (v.get("content") or "").strip():
        errors["content"] = "请填写更正事项和内容。"
    current = deadline_of(proc)
    new = v.get("bid_deadline")
    if new is not None and new <= now:
        errors["bid_deadline"] = "新的投标（响应）截止时间须晚于现在。"
        return errors
    if v.get("affects_bids") and current is not None:
        n = rule.correction(region_code=proc.unit.region.code, on=on)
        target = new or current
        if _span(on, _local_date(target), rule.correction_unit) < n:
            earliest = _earliest(on, n, rule.correction_unit)
            errors["bid_deadline"] = (f"更正内容影响投标（响应）文件编制，距截止时间不足{n}{rule.correction_unit}"
                                      f"（{rule.correction_source}），须将投标（响应）截止时间顺延至 {earliest:%Y-%m-%d} 或以后。")
    opening = v.get("opening_at")
    if opening and (new or current) and opening < (new or current):
        errors["opening_at"] = "开标时间不能早于投标（响应）截止时间。"
    return errors


def rule_errors(proc: Procurement, kind: str, v: dict, now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    if kind == AnnouncementKind.CORRECTION:
        return correction_errors(proc, v, now)
    return purchase_errors(proc, v, timezone.localtime(now).date())


# ---- the kit's hooks -------------------------------------------------------------------------------------

FIELDS = ["title", "docs_start", "docs_end", "bid_deadline", "opening_at", "content", "affects_bids",
          "framework_months", "intention_reason", "intention_explanation"]


def _values(doc_or_data) -> dict:
    get = doc_or_data.get if isinstance(doc_or_data, dict) else lambda n, d=None: getattr(doc_or_data, n, d)
    return {n: get(n) for n in FIELDS}


def _claim(actor, doc, ids, errors) -> list[Attachment]:
    wanted = [int(i) for i in ids or [] if str(i).isdigit() and len(str(i)) < 10]
    found = Attachment.objects.filter(pk__in=wanted, unit_id=actor.unit_id, is_deleted=False).in_bulk()
    ct = ContentType.objects.get_for_model(Announcement)
    for att in found.values():
        if att.is_linked and not (doc is not None and att.content_type_id == ct.pk and att.object_id == doc.pk):
            errors["attachment_ids"] = f"附件「{att.original_name}」已关联到其他单据。"
    if len(found) != len(set(wanted)):
        errors["attachment_ids"] = "附件不存在或已删除，请重新上传。"
    return list(found.values())


def _procurement_for(actor, pk) -> Procurement:
    text = str(pk or "").strip()
    proc = None
    if text.isascii() and text.isdigit() and len(text) < 10:
        proc = Procurement.objects.select_for_update().select_related("unit", "unit__region", "organizer", "plan").filter(
            pk=int(text)).first()
    if proc is None or not rights.is_organizer_of(actor, proc):
        raise FieldErrors({"procurement_id": "请选择本单位组织的采购项目。"})
    return proc


@transaction.atomic  # the procurement's row lock (_procurement_for) holds until the row is written
def announcement_save(actor, doc, data: dict, version):
    """保存 (the kit's `save=`): a new announcement names its procurement and kind (fixed afterwards); the
    fields are checked against the method's periods; the uploaded 采购文件 are linked."""
    if doc is None:
        proc = _procurement_for(actor, data.get("procurement_id"))
        kind = data.get("kind") or AnnouncementKind.PURCHASE
        if kind not in AnnouncementKind.values:
            raise FieldErrors({"kind": "请选择公告类型。"})
    else:
        proc = Procurement.objects.select_for_update().get(pk=doc.procurement_id)
        kind = doc.kind
    if why := procurement_refusal(proc, kind, exclude=doc):
        raise FieldErrors({"procurement_id": why})
    v = _values(data)
    v["title"] = (v["title"] or "").strip() or default_title(proc, kind)
    v["content"] = (v["content"] or "").strip()
    v["intention_explanation"] = (v["intention_explanation"] or "").strip()
    v["affects_bids"] = bool(v["affects_bids"]) and kind == AnnouncementKind.CORRECTION
    if kind == AnnouncementKind.CORRECTION or proc.procurement_method != "framework":
        v["framework_months"] = None
    if kind == AnnouncementKind.CORRECTION:
        v.update(docs_start=None, docs_end=None, intention_reason="", intention_explanation="")
    elif v.get("bid_deadline") and not v.get("opening_at"):
        v["opening_at"] = v["bid_deadline"]  # 开标 at the deadline (招标投标法第三十四条)
    errors = rule_errors(proc, kind, v)
    if kind == AnnouncementKind.PURCHASE and not intention_period_short(proc, timezone.localdate()):
        v.update(intention_reason="", intention_explanation="")
    attachments = _claim(actor, doc, data.get("attachment_ids"), errors)
    if errors:
        raise FieldErrors(errors)

    def link(d):
        for att in attachments:
            try:
                attachment_services.attachment_link(actor=actor, attachment=att, target=d)
            except BusinessError as exc:
                raise FieldErrors({"attachment_ids": exc.message}) from exc

    if doc is None:
        values = {"procurement": proc, "organizer": proc.organizer, "round": proc.round, "kind": kind,
                  "corrects": published_purchase(proc) if kind == AnnouncementKind.CORRECTION else None,
                  "procurement_method": proc.procurement_method, "region_path": proc.region_path, **v}
        return editing.create(Announcement, actor=actor, unit=proc.unit, values=values, write=link,
                              fields=["procurement_id", "kind", "round", *FIELDS], number_type="announcement",
                              region_code=proc.unit.region.code)

    def write(d):
        for name, value in v.items():
            setattr(d, name, value)
        link(d)

    return editing.edit(doc, actor=actor, version=version, write=write, fields=FIELDS)


def default_title(proc: Procurement, kind: str) -> str:
    suffix = "更正公告" if kind == AnnouncementKind.CORRECTION else f"{proc.method_text}公告"
    return f"{proc.name}{suffix}"[:200]


def _recheck(doc: Announcement, *, stage: str) -> None:
    proc = Procurement.objects.select_for_update().select_related("unit", "unit__region", "plan").get(
        pk=doc.procurement_id)
    if proc.round != doc.round:
        raise BusinessError("采购项目已进入下一轮，此公告不能再" + stage + "。", code="stale_round")
    if doc.kind == AnnouncementKind.PURCHASE and proc.status != ProcurementStatus.ACCEPTED:
        raise BusinessError("本轮采购公告已发布或采购已结束。", code="already_announced")
    if doc.kind == AnnouncementKind.CORRECTION and proc.status != ProcurementStatus.IN_PROGRESS:
        raise BusinessError("采购项目不在采购中，不能" + stage + "更正公告。", code="not_in_progress")
    errors = rule_errors(proc, doc.kind, _values(doc))
    if errors:
        raise FieldErrors(errors, message="；".join(errors.values()))


def announcement_check(doc: Announcement, actor) -> None:
    """on_submit: the periods again, counted from today."""
    _recheck(doc, stage="提交")


def announcement_published(doc: Announcement, actor) -> None:
    """发布 (the stage's on_done, inside the transition): the periods counted from the day of publication;
    a 采购公告 starts the procurement (已受理 → 采购中)."""
    _recheck(doc, stage="发布")
    doc.published_at = timezone.now()
    Announcement.objects.filter(pk=doc.pk).update(published_at=doc.published_at)
    if doc.kind == AnnouncementKind.PURCHASE:
        services.procurement_announced(actor=actor, procurement=doc.procurement)


def unpublished(doc: Announcement) -> bool:
    """退回修改 applies while it waits for 发布 (e.g. its dates passed meanwhile)."""
    return doc.status == Status.APPROVED and doc.stage == "publish"


def may_return(user, doc) -> bool:
    return rights.is_organizer_of(user, doc.procurement)


def back_to_editing(doc: Announcement, actor, reason: str) -> None:
    doc.status, doc.stage, doc.current_node = Status.DRAFT, "", ""


# ---- 报名 -------------------------------------------------------------------------------------------------


def registration_gate(proc: Procurement, lot) -> str | None:
    """trading.services.REGISTRATION_GATES: no 报名 after the bid deadline in force (before publication the
    procurement is not 采购中, which registration_create refuses itself)."""
    deadline = deadline_of(proc)
    if deadline is not None and timezone.now() >= deadline:
        return f"已过投标（响应）截止时间（{timezone.localtime(deadline):%Y-%m-%d %H:%M}），不能报名。"
    return None


def open_for_registration():
    """Published 采购公告 of the current round, the procurement 采购中, the deadline in force not passed."""
    qs = with_deadline(Announcement.objects.filter(
        kind=AnnouncementKind.PURCHASE, stage=PUBLISHED, status=Status.APPROVED,
        procurement__status=ProcurementStatus.IN_PROGRESS, round=F("procurement__round")))
    return qs.filter(deadline__gt=timezone.now()).select_related("procurement", "unit", "organizer")
