"""统招分签 API: the kit's document API (/joint …: list, create, update, actions, 归集, 取消归集, 终止 requests) and
the invited unit's answers (/joint-invitations …)."""

from datetime import datetime

from ninja import Schema
from ninja import Status as Http

from core.api import actor
from core.errors import FieldErrors, NotAllowed
from workflow.kit import editing
from workflow.kit.actions import json_object
from workflow.kit.documents import ERRORS

from . import selectors, services
from .docs import JOINT
from .forms import RespondForm

router = JOINT.api_router()


class InvitationOut(Schema):
    id: int
    joint_id: int
    joint_number: str
    joint_name: str
    lead_unit: str
    deadline: datetime
    is_open: bool
    answer: str
    state: str
    decline_reason: str
    project_id: int | None


def _invitation(r) -> dict:
    return {"id": r.pk, "joint_id": r.joint_id, "joint_number": r.joint.number, "joint_name": r.joint.name,
            "lead_unit": r.joint.unit.name, "deadline": r.joint.deadline, "is_open": r.joint.is_open,
            "answer": r.answer, "state": selectors.response_state(r), "decline_reason": r.decline_reason,
            "project_id": r.project_id}


class ResponseOut(Schema):
    unit_id: int
    unit_name: str
    answer: str
    state: str
    decline_reason: str
    amount: str
    included: bool


class RespondOut(Schema):
    project_id: int
    project_number: str
    status: str


@router.get("/joint-invitations", response={200: list[InvitationOut], **ERRORS},
            summary="统招分签：本单位可响应的项目（响应时间内、尚未答复）")
def joint_invitations(request):
    return [_invitation(r) for r in selectors.open_invitations(actor(request))]


@router.get("/joint-invitations/{id}", response={200: InvitationOut, **ERRORS}, summary="统招分签：邀请详情")
def joint_invitation(request, id: int):
    return _invitation(selectors.get_response(actor(request), id))


@router.post("/joint-invitations/{id}/decline", response={200: InvitationOut, **ERRORS},
             summary="统招分签：不响应（须填写原因，之后不再提示）",
             openapi_extra={"requestBody": {"content": {"application/json": {"schema": {
                 "type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}}}}}})
def joint_decline(request, id: int):
    user = actor(request)
    r = selectors.get_response(user, id)
    body = json_object(request)
    services.joint_decline(actor=user, response=r, reason=str(body.get("reason") or ""))
    return _invitation(selectors.get_response(user, id))


@router.post("/joint-invitations/{id}/respond", response={201: RespondOut, 200: RespondOut, **ERRORS},
             summary="统招分签：响应（保存本单位的统招分签采购项目，submit=true 时保存并提交）",
             openapi_extra={"requestBody": {"content": {"application/json": {"schema": {
                 "type": "object", "required": ["takes", "fund_lines"], "properties": {
                     "name": {"type": "string"}, "summary": {"type": "string"},
                     "demand_summary": {"type": "string"}, "contact_name": {"type": "string"},
                     "contact_phone": {"type": "string"},
                     "takes": {"type": "object", "description": "采购内容清单行 id → 数量（货物）或总价（服务、工程）"},
                     "fund_lines": {"type": "array", "items": {"type": "object"}},
                     "version": {"type": "integer"}, "submit": {"type": "boolean"}}}}}}})
def joint_respond(request, id: int):
    user = actor(request)
    r = selectors.get_response(user, id)
    if r.unit_id != user.unit_id:
        raise NotAllowed("只有受邀单位的经办岗可以响应统招分签项目。")
    body = json_object(request)
    form = RespondForm(data={k: body.get(k) for k in RespondForm.base_fields if body.get(k) is not None})
    if not form.is_valid():
        raise FieldErrors({k: "；".join(v) for k, v in form.errors.items()})
    takes = body.get("takes") if isinstance(body.get("takes"), dict) else {}
    funds = [{k: str(v) for k, v in f.items()} for f in body.get("fund_lines") or [] if isinstance(f, dict)]
    existed = r.project_id is not None
    project = editing.save_and_submit(lambda: services.joint_respond(
        actor=user, response=r, data=form.cleaned_data, takes={str(k): v for k, v in takes.items()}, fund_lines=funds,
        version=body.get("version")), actor=user, submit=bool(body.get("submit")))
    out = {"project_id": project.pk, "project_number": project.number, "status": project.status}
    return out if existed else Http(201, out)


@router.get("/joint/{id}/responses", response={200: list[ResponseOut], **ERRORS},
            summary="统招分签项目：各单位响应情况（牵头单位）")
def joint_responses(request, id: int):
    joint = JOINT.get(actor(request), id)
    return [{"unit_id": r.unit_id, "unit_name": r.unit.name, "answer": r.answer, "state": selectors.response_state(r),
             "decline_reason": r.decline_reason, "amount": str(selectors.response_amount(r)), "included": r.included}
            for r in selectors.responses(joint)]
