"""废标处理 API: the kit's document API (/failures …: list, create, update, engine actions, 回第一步 as
back_to_first), 流标/废标 of a procurement's lots, and the purchaser's step (采购计划终止 / 采购方式变更录入)."""

from datetime import datetime

from ninja import Schema
from ninja import Status as Http

from access import rights
from core.api import actor
from core.errors import FieldErrors, NotAllowed
from trading import selectors as trading_selectors
from workflow.kit.actions import json_object
from workflow.kit.documents import ERRORS

from . import selectors, services
from .docs import HANDLING
from .models import FailureReason

router = HANDLING.api_router()


class FailureOut(Schema):
    id: int
    procurement_id: int
    lot_id: int
    lot_seq: int
    round: int
    reason: str
    reason_text: str
    explanation: str
    declared_at: datetime


def _failure(f) -> dict:
    return {"id": f.pk, "procurement_id": f.procurement_id, "lot_id": f.lot_id, "lot_seq": f.lot.seq,
            "round": f.round, "reason": f.reason, "reason_text": f.get_reason_display(),
            "explanation": f.explanation, "declared_at": f.declared_at}


@router.get("/procurements/{id}/failures", response={200: list[FailureOut], **ERRORS},
            summary="流标/废标：采购项目的流标/废标记录")
def failures_of_procurement(request, id: int):
    return [_failure(f) for f in selectors.failures_of(trading_selectors.get(actor(request), id))]


@router.post("/procurements/{id}/failures", response={201: list[FailureOut], **ERRORS},
             summary="流标/废标：登记采购包流标/废标（组织单位；原因取自政府采购法第三十六条或74号令、214号）",
             openapi_extra={"requestBody": {"content": {"application/json": {"schema": {
                 "type": "object", "required": ["lot_ids", "reason", "explanation"], "properties": {
                     "lot_ids": {"type": "array", "items": {"type": "integer"}},
                     "reason": {"type": "string", "enum": [c for c, _ in FailureReason.choices]},
                     "explanation": {"type": "string"}}}}}, "required": True}})
def failure_declare(request, id: int):
    user = actor(request)
    proc = trading_selectors.get(user, id)
    if not rights.is_organizer_of(user, proc):
        raise NotAllowed("只有组织本项目采购的代理机构（或自行组织的采购单位经办岗）可以登记流标/废标。")
    body = json_object(request)
    lot_ids = body.get("lot_ids")
    if not isinstance(lot_ids, list):
        raise FieldErrors({"lot_ids": "请选择流标/废标的采购包。"})
    out = services.failure_declare(actor=user, procurement=proc, lot_ids=[str(i) for i in lot_ids],
                                   reason=str(body.get("reason") or ""), explanation=str(body.get("explanation") or ""))
    return Http(201, [_failure(f) for f in out])


@router.post("/failures/{id}/purchaser-entry", response={200: dict, **ERRORS},
             summary="流标重招：采购单位填报（终止情况说明 / 变更情况说明、联系人、联系电话；submit=true 时提交）",
             openapi_extra={"requestBody": {"content": {"application/json": {"schema": {
                 "type": "object", "required": ["version"], "properties": {
                     "version": {"type": "integer"}, "purchaser_note": {"type": "string"},
                     "contact_name": {"type": "string"}, "contact_phone": {"type": "string"},
                     "submit": {"type": "boolean"}}}}}, "required": True}})
def failures_purchaser_entry(request, id: int):
    user = actor(request)
    doc = selectors.get(user, id)
    if not services.at_purchaser_step(user, doc):
        raise NotAllowed("只有采购单位经办岗在填报环节可以填报。")
    body = json_object(request)
    version = body.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise FieldErrors({"version": "请提供读取时的版本号 version。"})
    data = {n: body.get(n) if isinstance(body.get(n), str) else "" for n in services.PURCHASER_FIELDS}
    services.purchaser_save(actor=user, handling=doc, data=data, version=version, submit=bool(body.get("submit")))
    return HANDLING.out(user, HANDLING.get(user, id))
