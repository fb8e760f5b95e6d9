"""评审结果 API: the kit's document API (/awards …: list, create, update, actions, 发出通知书, 发布结果公告,
预中标（成交）异常处理 requests), the reviewer's 确认中标（成交）供应商, the 通知书 and the contracts' input."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from access import rights
from core.api import actor
from core.errors import NotAllowed
from workflow.kit.documents import ERRORS

from . import selectors, services
from .docs import RESULT

router = RESULT.api_router()


class ConfirmIn(Schema):
    version: int = Field(..., ge=1, le=2**31 - 1, description="读取时的版本号；单据已被他人处理时返回 409")
    winner_rank: int = Field(1, ge=1, le=99, description="确认的中标（成交）候选人名次（默认第一名）")
    confirm_reason: str = Field("", max_length=2000, description="确认第一名以外的候选人时必填的理由")
    opinion: str = Field("", max_length=500, description="审核意见")


class NoticeOut(Schema):
    result_id: int
    notice_number: str
    title: str
    purchaser: str
    organizer: str
    procurement_number: str
    procurement_name: str
    lot: str
    supplier_name: str
    credit_code: str
    amount: Decimal
    amount_in_words: str
    method: str
    issued_at: datetime


class AwardedOut(Schema):
    result_id: int
    result_number: str
    lot_id: int
    lot_seq: int
    lot_name: str
    unit_id: int
    unit_name: str
    supplier_id: int | None
    supplier_name: str
    credit_code: str
    amount: Decimal
    share: Decimal
    notice_number: str
    self_purchase: bool
    report_date: date | None = None


@router.post("/awards/{id}/confirm", response={200: dict, **ERRORS},
             summary="评审结果：确认中标（成交）供应商（审核通过）")
def awards_confirm(request, id: int, body: ConfirmIn):
    user = actor(request)
    result = RESULT.get(user, id)
    services.result_confirm(actor=user, result=result, winner_rank=body.winner_rank, reason=body.confirm_reason,
                            opinion=body.opinion, version=body.version)
    return RESULT.out(user, RESULT.get(user, id))


@router.get("/awards/{id}/notice", response={200: NoticeOut, **ERRORS}, summary="中标（成交）通知书")
def awards_notice(request, id: int):
    user = actor(request)
    if not rights.may_view_results(user):
        raise NotAllowed()
    ctx = selectors.notice_context(user, id)
    r = ctx["r"]
    return {"result_id": r.pk, "notice_number": r.notice_number,
            "title": "自行采购中标通知书" if r.self_purchase else "中标（成交）通知书", "purchaser": r.unit.name,
            "organizer": r.organizer.name, "procurement_number": r.procurement.number,
            "procurement_name": r.procurement.name, "lot": f"第{r.lot.seq}包 {r.lot.name}",
            "supplier_name": r.winner_name, "credit_code": r.winner_credit_code, "amount": r.winner_amount,
            "amount_in_words": ctx["words"], "method": ctx["method_text"], "issued_at": r.notice_issued_at}


@router.get("/awards-procurements/{id}/awarded", response={200: list[AwardedOut], **ERRORS},
            summary="采购项目的中标（成交）结果：每包每个中标供应商一行（统招分签按响应单位分摊）")
def awards_awarded(request, id: int):
    from trading import selectors as trading

    user = actor(request)
    if not rights.may_view_results(user):
        raise NotAllowed()
    return selectors.awarded_for_contracts(trading.get(user, id))
