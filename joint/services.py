"""Writes of 统招分签 (FJ 2.1): one function per business verb, atomic and audited.

- `joint_save` — the lead clerk's 保存 (the kit's `save=`); `joint_check_deadline` — at 提交 and 审核通过 the
  deadline must still be ahead.
- `joint_collect` (the 归集 stage's on_done) / `joint_uncollect` (the 取消归集 direct action's effect).
- `joint_decline` / `joint_respond` — an invited unit's answer; a response is a 统招分签采购 project made through
  projects.services.joint_response_save, reviewed by the unit's own reviewer.
- `response_submitted` / `response_approved` — hooks projects calls for those projects (registered in apps.py).
- `joint_mark_planned` / `joint_unmark_planned` — the plan module's use of a collected joint project.
- `joint_terminate` — the 终止 request's effect: every response project revoked, its money released.

The window closes by itself: `JointProject.is_open` is computed from the deadline on every read and every write
checks it under the row lock; nobody presses a button.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from access import rights
from attachments import services as attachment_services
from audit import services as audit
from core.errors import BusinessError, FieldErrors, NotAllowed
from core.models import Category
from core.money import format_yuan
from projects import services as projects
from workflow.kit import editing
from workflow.models import Status

from . import selectors
from .models import JointLine, JointProject, JointRequest, JointResponse, JointResponseLine

ZERO = Decimal("0")
CENT = Decimal("0.01")
ATTACHMENT_PURPOSE = "项目相关附件"
TERMINATE_PURPOSE = "项目终止说明附件"
SAVE_FIELDS = ["name", "fiscal_year", "procurement_kind", "summary", "demand_summary", "expected_month",
               "deadline", "execution_plan", "total_amount"]
KIND_LABELS = dict(Category.KINDS)


def use_key(joint) -> str:
    """How a response project names its use by the joint project (projects.services.project_mark_used)."""
    return f"joint.jointproject:{joint.pk}"


def _when(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"


def _names(rows) -> str:
    return "、".join(r.unit.name for r in rows)


# ---- the lead's 保存 ---------------------------------------------------------------------------------------


def _clerk_unit(actor):
    if not rights.is_clerk(actor):
        raise NotAllowed("只有采购单位经办岗可以新增统招分签项目。")
    if not actor.unit.is_member:
        raise BusinessError("本单位尚未通过用户库基本信息审核，不能发起统招分签项目。", code="unit_not_member")
    return actor.unit


def _validated(actor, data: dict) -> dict:
    errors: dict[str, str] = {}
    kind = data.get("procurement_kind")
    if data.get("deadline") is not None and data["deadline"] <= timezone.now():
        errors["deadline"] = "响应截止时间须晚于当前时间。"
    rows, total = [], ZERO
    cats = Category.objects.in_bulk({projects.pk_of(r.get("category_id")) for r in data.get("line") or []} - {None})
    for i, r in enumerate(data.get("line") or []):
        cat = cats.get(projects.pk_of(r.get("category_id")))
        if cat is None:
            errors[f"line.{i}.category_id"] = f"第{i + 1}行：请选择政府采购品目。"
        elif not cat.is_leaf:
            errors[f"line.{i}.category_id"] = f"第{i + 1}行：政府采购品目须选择末级品目。"
        elif kind and cat.kind != kind:
            errors[f"line.{i}.category_id"] = (f"第{i + 1}行：品目「{cat}」属于{KIND_LABELS[cat.kind]}类，与采购类别"
                                               f"（{KIND_LABELS.get(kind, kind)}）不一致。")
        qty, price = (projects.parse_decimal(str(r.get(n) if r.get(n) is not None else "")) for n in ("quantity", "unit_price"))
        amount = (qty * price).quantize(CENT, rounding=ROUND_HALF_UP) if qty and price else ZERO
        if qty is not None and qty != qty.quantize(Decimal("0.0001")):
            errors[f"line.{i}.quantity"] = f"第{i + 1}行：数量最多保留4位小数。"
        elif amount > projects.MAX_MONEY:
            errors[f"line.{i}.unit_price"] = f"第{i + 1}行：金额超出系统上限。"
        total += amount
        rows.append({"category": cat, "item_name": r.get("item_name"), "quantity": qty,
                     "measure_unit": r.get("measure_unit"), "unit_price": price, "amount": amount})
    allowed = set(selectors.invitable_units(actor).values_list("pk", flat=True))
    units = list(data.get("invited_units") or [])
    if not units:
        errors["invited_units"] = "请至少选择一个受邀单位。"
    elif any(u.pk not in allowed for u in units):
        errors["invited_units"] = "只能邀请本区划及下级区划已入库的采购单位。"
    attachments = projects.claim_attachments(actor, data.get("attachment_ids"), "", data.get("_doc"), errors,
                                             "attachment_ids", model=JointProject)
    if errors:
        raise FieldErrors(errors)
    return {"rows": rows, "total": total, "units": units, "attachments": attachments}


def _write(actor, joint: JointProject, v: dict) -> None:
    JointLine.objects.filter(joint=joint, is_active=True).update(is_active=False)  # kept, never deleted
    JointLine.objects.bulk_create(JointLine(joint=joint, seq=i, **r) for i, r in enumerate(v["rows"], 1))
    JointResponse.objects.filter(joint=joint, is_active=True).update(is_active=False)
    JointResponse.objects.bulk_create(JointResponse(joint=joint, unit=u, seq=i) for i, u in enumerate(v["units"], 1))
    for att in v["attachments"]:
        attachment_services.attachment_link(actor=actor, attachment=att, target=joint)


def _snapshot(joint) -> dict:
    return {"lines": [[ln.category_id, ln.item_name, str(ln.quantity), ln.measure_unit, str(ln.unit_price)]
                      for ln in selectors.lines(joint)],
            "invited_units": joint.invited_units}


def joint_save(actor, doc: JointProject | None, data: dict, version) -> JointProject:
    """保存 a draft 统招分签项目 (DocumentType.save): lines typed by the line table, 预算金额 = Σ lines, the invited
    units among those the lead may invite, uploads linked."""
    _clerk_unit(actor)
    values = {k: data.get(k) for k in SAVE_FIELDS if k != "total_amount"}
    values["summary"], values["demand_summary"] = values["summary"] or "", values["demand_summary"] or ""
    if doc is None:
        v = _validated(actor, data)
        return editing.create(JointProject, actor=actor, unit=actor.unit, values={**values, "total_amount": v["total"]},
                              write=lambda d: _write(actor, d, v), fields=SAVE_FIELDS)
    if doc.unit_id != actor.unit_id:
        raise NotAllowed("只能编辑本单位的统招分签项目。")

    def write(locked):
        v = _validated(actor, {**data, "_doc": locked})
        for name, value in {**values, "total_amount": v["total"]}.items():
            setattr(locked, name, value)
        _write(actor, locked, v)

    return editing.edit(doc, actor=actor, version=version, write=write, fields=SAVE_FIELDS, snapshot=_snapshot)


def joint_check_deadline(doc: JointProject, actor=None) -> None:
    """At 提交 (flow on_submit) and at 审核通过 (the node's check): the window must still be ahead."""
    if doc.deadline <= timezone.now():
        raise BusinessError(f"响应截止时间（{_when(doc.deadline)}）已过，请修改响应截止时间后重新提交。", code="deadline_passed")
    if not selectors.responses(doc).exists():
        raise BusinessError("请至少选择一个受邀单位。", code="no_units")


# ---- 归集 / 取消归集 -------------------------------------------------------------------------------------------


def joint_collect(joint: JointProject, actor) -> None:
    """The 归集 stage's on_done (the joint row locked, its stage already 已归集; raising undoes it). FJ 2.1.4:
    before the deadline only when every invited unit answered; after it only when one responded. Only approved
    responses join; units whose response is still in review are named."""
    if joint.terminated_at is not None:
        raise BusinessError("统招分签项目已终止，不能归集。", code="terminated")
    rows = list(selectors.responses(joint))
    if timezone.now() < joint.deadline:
        waiting = [r for r in rows if not selectors.answered(r)]
        if waiting:
            raise BusinessError(f"响应截止时间（{_when(joint.deadline)}）前归集须所有受邀单位均已响应或不响应；"
                                f"尚未响应：{_names(waiting)}。", code="not_all_answered")
    joined = [r for r in rows if selectors.approved(r)]
    reviewing = [r for r in rows if selectors.in_review(r)]
    if not joined:
        why = f"（响应审核中：{_names(reviewing)}）" if reviewing else ""
        raise BusinessError(f"尚无审核通过的单位响应，不能归集{why}。", code="no_response")
    JointResponse.objects.filter(pk__in=[r.pk for r in joined]).update(included=True)
    joint.collected_at = timezone.now()
    joint.save(update_fields=["collected_at"])
    total = sum((r.project.total_amount for r in joined), ZERO)
    audit.record(actor=actor, action="joint_project.collected", obj=joint,
                 after={"included": [r.unit_id for r in joined], "in_review": [r.unit_id for r in reviewing],
                        "total": total})
    message = f"已归集：{len(joined)}家单位的响应纳入归集，合计 {format_yuan(total)} 元。"
    if reviewing:
        message += f"以下单位的响应仍在审核中，未纳入本次归集：{_names(reviewing)}。"
    joint.done_message = message  # the kit shows it (workflow.kit.actions.handle)


def may_uncollect(joint: JointProject) -> bool:
    return joint.status == Status.APPROVED and joint.stage == "collect_done" and joint.terminated_at is None


def joint_uncollect(joint: JointProject, actor, reason: str) -> None:
    """取消归集 (FJ 2.1.5): only while no plan uses it; back to 待归集 (the window reopens if the deadline is
    still ahead)."""
    if joint.planned_by:
        raise BusinessError("统招分签项目已被采购计划使用，不能取消归集。", code="planned")
    joint.stage, joint.collected_at = "collect", None
    JointResponse.objects.filter(joint=joint).update(included=False)


# ---- the invited unit's answer ---------------------------------------------------------------------------------


def _lock_invitation(actor, response: JointResponse) -> JointResponse:
    if not (rights.is_clerk(actor) and actor.unit_id == response.unit_id):
        raise NotAllowed("只有受邀单位的经办岗可以响应统招分签项目。")
    response = JointResponse.objects.select_for_update(of=("self",)).select_related("joint", "project").get(pk=response.pk)
    joint = JointProject.objects.select_for_update().get(pk=response.joint_id)  # 归集 waits for us, and we for it
    response.joint = joint
    if not response.is_active:
        raise BusinessError("本单位已不在该统招分签项目的归集范围内。", code="not_invited")
    if joint.terminated_at is not None:
        raise BusinessError("统招分签项目已终止。", code="terminated")
    if not joint.is_open:
        raise BusinessError(f"统招分签项目已于 {_when(joint.deadline)} 截止响应（或已归集），不能再响应。", code="closed")
    return response


@transaction.atomic
def joint_decline(*, actor, response: JointResponse, reason: str) -> JointResponse:
    """不响应 with a reason: final, the project is not offered again (FJ 2.1.3 (2))."""
    reason = (reason or "").strip()
    if not reason:
        raise FieldErrors({"reason": "请填写不响应原因。"})
    if len(reason) > 2000:
        raise FieldErrors({"reason": "不响应原因不能超过2000个字。"})
    response = _lock_invitation(actor, response)
    if response.answer != JointResponse.NONE:
        raise BusinessError("本单位已答复该统招分签项目。", code="answered")
    response.answer, response.decline_reason = JointResponse.DECLINED, reason
    response.answered_at, response.answered_by = timezone.now(), actor
    response.save(update_fields=["answer", "decline_reason", "answered_at", "answered_by"])
    audit.record(actor=actor, action="joint_project.declined", obj=response.joint,
                 after={"unit_id": response.unit_id, "reason": reason})
    return response


def _take(ln, raw: str) -> tuple[Decimal, Decimal]:
    """(quantity, 金额) of the answer typed on one joint line: goods a quantity at the joint's unit price,
    services and works a total price (1 项). ValueError(message) when it is not one."""
    value = projects.parse_decimal(raw)
    goods = ln.category.kind == Category.KIND_GOODS
    if value is None or value <= 0:
        raise ValueError(f"{'数量' if goods else '总价'}须为大于0的数字。")
    if goods:  # bounded before quantize: 1e400 cannot be quantized
        if value > projects.MAX_QUANTITY or value != value.quantize(Decimal("0.0001")):
            raise ValueError("数量最多保留4位小数。")
        return value, (value * ln.unit_price).quantize(CENT, rounding=ROUND_HALF_UP)
    if value > projects.MAX_MONEY or value != value.quantize(CENT):
        raise ValueError("总价最多保留2位小数且不超过系统上限。")
    return Decimal("1"), value


def _typed(posted: dict, ln) -> str:
    return str(posted.get(ln.pk, posted.get(str(ln.pk), "")) or "").strip()


def takes_total(response: JointResponse, posted: dict) -> Decimal:
    """The 项目金额 of the answer as typed (the save's arithmetic, skipping lines it would refuse): for the
    response form's live 资金合计 check, which must not refuse anything. Reads."""
    total = Decimal("0")
    for ln in selectors.lines(response.joint):
        raw = _typed(posted, ln)
        if raw:
            try:
                total += _take(ln, raw)[1]
            except ValueError:
                continue
    return total


def _response_lines(response: JointResponse, posted: dict) -> tuple[list[dict], list[dict]]:
    """{joint line id: text} → (project content lines, response lines). Goods take a quantity at the joint's unit
    price; services and works a total price (1 项). Empty lines are not taken; at least one is."""
    errors, content, taken = {}, [], []
    for i, ln in enumerate(selectors.lines(response.joint)):
        raw = _typed(posted, ln)
        if not raw:
            continue
        try:
            quantity, amount = _take(ln, raw)
        except ValueError as exc:
            errors[f"take.{ln.pk}"] = f"第{i + 1}行：{exc}"
            continue
        if ln.category.kind == Category.KIND_GOODS:
            content.append({"category": ln.category, "item_name": ln.item_name, "quantity": quantity,
                            "measure_unit": ln.measure_unit, "unit_price": ln.unit_price})
        else:
            content.append({"category": ln.category, "item_name": ln.item_name, "quantity": quantity,
                            "measure_unit": "项", "unit_price": amount})
        taken.append({"joint_line": ln, "quantity": quantity, "amount": amount})
    if not taken and not errors:
        errors["take"] = "请至少填写一行采购内容（货物填写数量，服务、工程填写总价）。"
    if errors:
        raise FieldErrors(errors)
    return content, taken


@transaction.atomic
def joint_respond(*, actor, response: JointResponse, data: dict, takes: dict, fund_lines: list[dict],
                  version=None):
    """响应 (FJ 2.1.3 (3)): save the unit's 统招分签采购 project draft from the joint's lines (`takes`: joint line
    id → quantity or total price) and its own fund lines; the unit's clerk submits it, its reviewer approves.
    Returns the project."""
    response = _lock_invitation(actor, response)
    if response.answer == JointResponse.DECLINED:
        raise BusinessError("本单位已选择不响应该统招分签项目。", code="declined")
    joint = response.joint
    content, taken = _response_lines(response, takes)
    fields = {"name": data.get("name") or joint.name, "fiscal_year": joint.fiscal_year,
              "procurement_kind": joint.procurement_kind, "summary": data.get("summary") or "",
              "demand_summary": data.get("demand_summary") or "", "expected_month": joint.expected_month,
              "contact_name": data.get("contact_name") or "", "contact_phone": data.get("contact_phone") or "",
              "is_gov_procurement": False}
    try:
        project = projects.joint_response_save(actor=actor, data=fields, content_lines=content,
                                               fund_lines=fund_lines, project=response.project, version=version)
    except FieldErrors as exc:  # the content lines are ours (take.<id>); the rest keep their names
        raise FieldErrors({("take" if k.startswith("content_lines") else k): v for k, v in exc.errors.items()}) from exc
    JointResponseLine.objects.filter(response=response, is_active=True).update(is_active=False)
    JointResponseLine.objects.bulk_create(JointResponseLine(response=response, **t) for t in taken)
    if response.answer != JointResponse.RESPONDED:
        response.answer, response.project = JointResponse.RESPONDED, project
        response.answered_at, response.answered_by = timezone.now(), actor
        response.save(update_fields=["answer", "project", "answered_at", "answered_by"])
        audit.record(actor=actor, action="joint_project.responded", obj=joint,
                     after={"unit_id": response.unit_id, "project": project.number})
    return project


# ---- hooks of the response projects (projects.services.register_joint_response_hooks) -------------------------


def response_submitted(project, actor) -> None:
    """提交 of a response project: the joint project must still take answers."""
    response = selectors.response_of_project(project.pk)
    if response is None:
        raise BusinessError("该统招分签采购项目没有对应的统招分签项目。", code="no_joint")
    joint = JointProject.objects.select_for_update().get(pk=response.joint_id)
    if joint.terminated_at is not None:
        raise BusinessError("统招分签项目已终止，不能提交响应。", code="terminated")
    if not joint.is_open:
        raise BusinessError(f"统招分签项目「{joint.name}」已于 {_when(joint.deadline)} 截止响应（或已归集），不能提交响应。",
                            code="closed")


def response_approved(project, actor) -> None:
    """审核通过 of a response project: from now on it is used by the joint project (RULES §A): approval, not
    submission, because only an approved project can be used (project_mark_used) and a returned one is not."""
    response = selectors.response_of_project(project.pk)
    if response is not None:
        projects.project_mark_used(project=project, by=use_key(response.joint), actor=actor)


def response_edit_url(project) -> str:
    response = selectors.response_of_project(project.pk)
    return reverse("joint:respond", args=[response.pk]) if response else reverse("projects:detail", args=[project.pk])


# ---- the plan's use ---------------------------------------------------------------------------------------------


@transaction.atomic
def joint_mark_planned(*, joint: JointProject, by: str, actor=None) -> JointProject:
    """A plan (`by`, e.g. 'plans.plan:7') now uses the collected joint project: 取消归集 and 终止 are refused."""
    joint = JointProject.objects.select_for_update().get(pk=joint.pk)
    if joint.stage != "collect_done" or joint.terminated_at is not None:
        raise BusinessError("只有已归集的统招分签项目可以申报采购计划。", code="not_collected")
    if joint.planned_by and joint.planned_by != by:
        raise BusinessError("统招分签项目已被其他采购计划使用。", code="planned")
    before = {"planned_by": joint.planned_by}
    joint.planned_by = by
    joint.save(update_fields=["planned_by", "updated_at"])
    audit.record(actor=actor, action="joint_project.planned", obj=joint, before=before, after={"planned_by": by})
    return joint


@transaction.atomic
def joint_unmark_planned(*, joint: JointProject, by: str, actor=None) -> JointProject:
    """The plan `by` no longer uses it (withdrawn, revoked); another `by` is a no-op."""
    joint = JointProject.objects.select_for_update().get(pk=joint.pk)
    if joint.planned_by != by:
        return joint
    joint.planned_by = ""
    joint.save(update_fields=["planned_by", "updated_at"])
    audit.record(actor=actor, action="joint_project.unplanned", obj=joint, before={"planned_by": by},
                 after={"planned_by": ""})
    return joint


# ---- 终止 ---------------------------------------------------------------------------------------------------


def terminate_refusal(joint: JointProject) -> str | None:
    if joint.terminated_at is not None:
        return "统招分签项目已终止。"
    if joint.planned_by:
        return "统招分签项目已申报采购计划，不能终止。"
    reviewing = [r for r in selectors.responses(joint) if selectors.in_review(r)]
    if reviewing:  # its money is the reviewer's to return first (our decision: no one else's review is cut short)
        return f"以下单位的响应仍在审核中，请待审核完成后再终止：{_names(reviewing)}。"
    return None


def joint_terminate(req: JointRequest, joint: JointProject, actor) -> None:
    """The approved 终止 (the joint row locked): every approved response project is revoked through projects
    (its money released to the indicators); drafts can no longer be submitted."""
    reason = f"统招分签项目终止 {req.number}"
    for r in selectors.responses(joint):
        if r.project is not None and r.project.status == Status.APPROVED and r.project.revoked_at is None:
            projects.project_revoke_for(project=r.project, by=use_key(joint), actor=actor, reason=reason)
    joint.terminated_at = timezone.now()
    joint.stage = ""  # no 归集 button on a terminated project
