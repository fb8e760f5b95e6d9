"""质疑与投诉 API: /challenges (list, detail, 提出质疑, 答复, 投诉) and /complaints (list, detail, 受理, 暂停采购活动,
处理决定, 撤回). Bodies are cleaned by the pages' forms (same Chinese messages; 422 `{code, message, errors}`)."""

from datetime import date, datetime

from django.db.models import Q
from ninja import Router, Schema
from ninja import Status as Http

from access import rights
from core.api import actor
from core.errors import FieldErrors, NotAllowed
from core.listing import Column, ListSpec, Tab, api_list, list_openapi, list_schema
from workflow.kit.actions import form_errors, json_object
from workflow.kit.documents import ERRORS

from . import selectors, services
from .forms import (
    NOT_REGISTERED,
    AnswerForm,
    ChallengeForm,
    ComplaintFilterForm,
    ComplaintForm,
    DecideForm,
    SuspendForm,
    WithdrawForm,
)
from .forms import filter_complaints as _filter
from .models import OPEN_COMPLAINT, ChallengeStatus

router = Router(tags=["质疑与投诉"])


class ChallengeOut(Schema):
    id: int
    number: str
    procurement_id: int
    procurement_number: str
    procurement_name: str
    round: int
    unit_name: str
    organizer_name: str
    supplier_id: int
    supplier_name: str
    subject: str
    subject_text: str
    known_on: date
    claims: str
    facts: str
    filed_at: datetime
    answer_due: date
    status: str
    status_text: str
    answer: str
    answered_at: datetime | None
    complaint_id: int | None
    complaint_deadline: date | None


class ComplaintOut(Schema):
    id: int
    number: str
    challenge_id: int
    procurement_id: int
    procurement_number: str
    procurement_name: str
    unit_name: str
    supplier_name: str
    regulator_region: str
    claims: str
    facts: str
    filed_at: datetime
    decision_due: date
    status: str
    status_text: str
    suspended_from: date | None
    suspended_until: date | None
    outcome: str
    outcome_text: str
    reasons: str
    decided_at: datetime | None


def _challenge(user, ch) -> dict:
    complaint = ch.complaint if hasattr(ch, "complaint") else None
    window = selectors.complaint_window(ch)
    return {"id": ch.pk, "number": ch.number, "procurement_id": ch.procurement_id,
            "procurement_number": ch.procurement.number, "procurement_name": ch.procurement.name, "round": ch.round,
            "unit_name": ch.unit.name, "organizer_name": ch.organizer.name, "supplier_id": ch.supplier_id,
            "supplier_name": ch.supplier.name, "subject": ch.subject, "subject_text": ch.get_subject_display(),
            "known_on": ch.known_on, "claims": ch.claims, "facts": ch.facts, "filed_at": ch.filed_at,
            "answer_due": ch.answer_due, "status": ch.status, "status_text": ch.status_text, "answer": ch.answer,
            "answered_at": ch.answered_at, "complaint_id": complaint.pk if complaint else None,
            "complaint_deadline": window[1] if window[2] is None else None}


def _complaint(c) -> dict:
    return {"id": c.pk, "number": c.number, "challenge_id": c.challenge_id, "procurement_id": c.procurement_id,
            "procurement_number": c.procurement.number, "procurement_name": c.procurement.name,
            "unit_name": c.unit.name, "supplier_name": c.supplier.name, "regulator_region": c.regulator_region.name,
            "claims": c.claims, "facts": c.facts, "filed_at": c.filed_at, "decision_due": c.decision_due,
            "status": c.status, "status_text": c.status_text, "suspended_from": c.suspended_from,
            "suspended_until": c.suspended_until, "outcome": c.outcome, "outcome_text": c.get_outcome_display(),
            "reasons": c.reasons, "decided_at": c.decided_at}


def _clean(request, form_class, *, drop=(), **form_kwargs) -> dict:
    body = json_object(request)
    fields = [n for n in form_class.base_fields if n not in drop]
    data = {k: ("" if body.get(k) is None else body[k]) for k in fields if k in body}
    for k, v in data.items():  # a form field reads text; a JSON object or list is not one
        if isinstance(v, dict | list):
            raise FieldErrors({k: "取值格式不正确。"})
        if isinstance(v, bool):
            data[k] = "on" if v else ""
    form = form_class(data=data, **form_kwargs)
    for name in drop:
        form.fields.pop(name, None)
    if not form.is_valid():
        raise FieldErrors(form_errors(form))
    return {**form.cleaned_data, "_body": body}


CHALLENGES = ListSpec(title="质疑", columns=[Column("质疑编号", "number")],
                      tabs=[Tab("submitted", "待答复", Q(status=ChallengeStatus.SUBMITTED)),
                            Tab("answered", "已答复", Q(status=ChallengeStatus.ANSWERED))], ordering=("-id",))
COMPLAINTS = ListSpec(title="投诉", columns=[Column("投诉编号", "number")],
                      tabs=[Tab("todo", "待处理", Q(status__in=OPEN_COMPLAINT)),
                            Tab("done", "已办结", ~Q(status__in=OPEN_COMPLAINT))],
                      form_class=ComplaintFilterForm, apply_filters=_filter, ordering=("-id",))


def _body(props: dict, required: list[str]) -> dict:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": required, "properties": props}}}}}


TEXT = {"type": "string", "maxLength": 5000}


@router.get("/challenges", response={200: list_schema(ChallengeOut, "ChallengePageOut"), **ERRORS},
            summary="质疑列表（供应商：本单位提出的；采购单位、组织单位：本单位的项目；监管部门：本区划）",
            openapi_extra=list_openapi(CHALLENGES))
def challenge_list(request):
    user = actor(request)
    body = api_list(request, selectors.challenges(user), CHALLENGES)
    return {**body, "items": [_challenge(user, ch) for ch in body["items"]]}


@router.get("/challenges/{id}", response={200: ChallengeOut, **ERRORS}, summary="质疑详情")
def challenge_detail(request, id: int):
    user = actor(request)
    return _challenge(user, selectors.get_challenge(user, id))


@router.post("/challenges", response={201: ChallengeOut, **ERRORS}, summary="提出质疑（本轮已报名的供应商）",
             openapi_extra=_body({"procurement_number": {"type": "string", "maxLength": 40},
                                  "subject": {"type": "string", "enum": ["announcement", "documents", "process",
                                                                         "result"]},
                                  "known_on": {"type": "string", "format": "date"}, "claims": TEXT, "facts": TEXT,
                                  "attachment_ids": {"type": "array", "items": {"type": "integer"}}},
                                 ["procurement_number", "subject", "known_on", "claims", "facts"]))
def challenge_create(request):
    user = actor(request)
    if not rights.may_file_challenges(user):
        raise NotAllowed("只有供应商可以提出质疑。")
    d = _clean(request, ChallengeForm, drop=("evidence",), user=user)
    ids = d["_body"].get("attachment_ids") or []
    if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) and 0 < i < 2**31
                                             for i in ids):
        raise FieldErrors({"attachment_ids": "附件编号应为整数列表。"})
    proc = selectors.procurement_for_filing(user, d["procurement_number"])
    if proc is None:
        raise FieldErrors({"procurement_number": NOT_REGISTERED})
    ch = services.challenge_create(actor=user, procurement=proc, subject=d["subject"], known_on=d["known_on"],
                                   claims=d["claims"], facts=d["facts"], attachment_ids=ids)
    return Http(201, _challenge(user, selectors.get_challenge(user, ch.pk)))


@router.post("/challenges/{id}/answer", response={200: ChallengeOut, **ERRORS},
             summary="答复质疑（组织单位或采购单位；通知本轮全部报名供应商）",
             openapi_extra=_body({"answer": TEXT, "no_secrets": {"type": "boolean"}}, ["answer", "no_secrets"]))
def challenge_answer(request, id: int):
    user = actor(request)
    ch = selectors.get_challenge(user, id)
    d = _clean(request, AnswerForm)
    services.challenge_answer(actor=user, challenge=ch, answer=d["answer"], no_secrets=d["no_secrets"])
    return _challenge(user, selectors.get_challenge(user, id))


@router.post("/challenges/{id}/complaint", response={201: ComplaintOut, **ERRORS},
             summary="就质疑投诉（答复后或答复期满后规定期限内）",
             openapi_extra=_body({"claims": TEXT, "facts": TEXT}, ["claims", "facts"]))
def challenge_complaint(request, id: int):
    user = actor(request)
    ch = selectors.get_challenge(user, id)
    d = _clean(request, ComplaintForm)
    c = services.complaint_create(actor=user, challenge=ch, claims=d["claims"], facts=d["facts"])
    return Http(201, _complaint(selectors.get_complaint(user, c.pk)))


@router.get("/complaints", response={200: list_schema(ComplaintOut, "ComplaintPageOut"), **ERRORS},
            summary="投诉列表（监管部门：本区划采购单位的投诉；供应商：本单位的投诉）",
            openapi_extra=list_openapi(COMPLAINTS))
def complaint_list(request):
    user = actor(request)
    body = api_list(request, selectors.complaints(user), COMPLAINTS)
    return {**body, "items": [_complaint(c) for c in body["items"]]}


@router.get("/complaints/{id}", response={200: ComplaintOut, **ERRORS}, summary="投诉详情")
def complaint_detail(request, id: int):
    return _complaint(selectors.get_complaint(actor(request), id))


@router.post("/complaints/{id}/accept", response={200: ComplaintOut, **ERRORS}, summary="受理投诉")
def complaint_accept(request, id: int):
    user = actor(request)
    services.complaint_accept(actor=user, complaint=selectors.get_complaint(user, id))
    return _complaint(selectors.get_complaint(user, id))


@router.post("/complaints/{id}/suspend", response={200: ComplaintOut, **ERRORS},
             summary="暂停采购活动（最长不超过规定日数；处理决定后恢复）",
             openapi_extra=_body({"until": {"type": "string", "format": "date"}, "reason": TEXT}, ["until", "reason"]))
def complaint_suspend(request, id: int):
    user = actor(request)
    c = selectors.get_complaint(user, id)
    d = _clean(request, SuspendForm)
    services.complaint_suspend(actor=user, complaint=c, until=d["until"], reason=d["reason"])
    return _complaint(selectors.get_complaint(user, id))


@router.post("/complaints/{id}/decide", response={200: ComplaintOut, **ERRORS},
             summary="投诉处理决定：投诉成立 / 投诉不成立 / 驳回投诉",
             openapi_extra=_body({"outcome": {"type": "string", "enum": ["upheld", "not_upheld", "dismissed"]},
                                  "reasons": TEXT}, ["outcome", "reasons"]))
def complaint_decide(request, id: int):
    user = actor(request)
    c = selectors.get_complaint(user, id)
    d = _clean(request, DecideForm)
    services.complaint_decide(actor=user, complaint=c, outcome=d["outcome"], reasons=d["reasons"])
    return _complaint(selectors.get_complaint(user, id))


@router.post("/complaints/{id}/withdraw", response={200: ComplaintOut, **ERRORS}, summary="撤回投诉（处理决定前）",
             openapi_extra=_body({"reason": TEXT}, ["reason"]))
def complaint_withdraw(request, id: int):
    user = actor(request)
    c = selectors.get_complaint(user, id)
    d = _clean(request, WithdrawForm)
    services.complaint_withdraw(actor=user, complaint=c, reason=d["reason"])
    return _complaint(selectors.get_complaint(user, id))
