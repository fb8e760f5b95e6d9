"""Writes of 采购意向公开 that are its own: which projects an intention may hold (one live intention per project,
approved, not revoked or closed, not 自行采购, the clerk's own unit), 发布 (final, records the time) and 撤销 back to
editing before it. Saving, submitting and reviewing are the kit's (docs.py)."""

from __future__ import annotations

from django.utils import timezone

from core.errors import BusinessError, FieldErrors
from joint import selectors as joint_selectors
from projects import selectors as project_selectors
from projects import services as project_services
from workflow.models import Status

from . import selectors
from .models import Intention

LINES = "line"  # the line table's prefix (docs.LINES)


def default_title(unit, on=None) -> str:
    on = on or timezone.localdate()
    return f"{unit.name}{on.year}年{on.month}月政府采购意向"


def project_refusal(project, unit_id, holder) -> str | None:
    """Why this project may not be in an intention of `unit_id` (None: it may). `holder`: its live intention."""
    if project is None or project.unit_id != unit_id:
        return "所选项目不存在或不属于本单位。"
    if project.revoked_at is not None:
        return "项目已撤销，不能公开采购意向。"
    if project.status != Status.APPROVED:
        return "项目尚未审核通过，不能公开采购意向。"
    if project.closed_at is not None:
        return "项目已结项，不能公开采购意向。"
    if project.implementation_form == project_services.ImplementationForm.SELF:
        return "自行采购项目不需要意向公开。"
    if project.implementation_form == project_services.ImplementationForm.JOINT_RESPONSE:
        return "统招分签的采购意向由牵头单位在归集后公开。"
    if holder is not None:
        return f"该项目已有采购意向公开（{holder.number}），一个项目只能公开一次采购意向。"
    return None


def _joint_refusal(joint, unit_id, holder) -> str | None:
    if joint is None or joint.unit_id != unit_id:
        return "所选统招分签项目不存在、不属于本单位或尚未归集。"
    if holder is not None:
        return f"该统招分签项目已有采购意向公开（{holder.number}），一个项目只能公开一次采购意向。"
    return None


def _check_projects(actor, doc, refs: list[tuple], unit_id) -> dict:
    """{row index: message} for the rows (project id, 统招分签 id) that may not be held. The projects and joint
    projects are locked, so two intentions saved at once cannot both take one."""
    wanted = [p for p, _ in refs if p is not None]
    found = {p.pk: p for p in project_selectors.visible(actor).filter(pk__in=wanted).select_for_update()}
    joints = [j for _, j in refs if j is not None]
    found_joints = {j.pk: j for j in joint_selectors.collected_queryset().filter(pk__in=joints)
                    .select_for_update(of=("self",))} if joints else {}
    errors, seen = {}, set()
    for i, (pid, jid) in enumerate(refs):
        if (pid is None) == (jid is None):
            errors[i] = "请通过【选择采购项目】选择项目。"
        elif (pid, jid) in seen:
            errors[i] = "同一项目不能重复选择。"
        elif jid is not None:
            seen.add((pid, jid))
            holder = selectors.live_intention_of(joint_id=jid, exclude=doc) if jid in found_joints else None
            problem = _joint_refusal(found_joints.get(jid), unit_id, holder)
            if problem:
                errors[i] = problem
        else:
            seen.add((pid, jid))
            holder = selectors.live_intention_of(pid, exclude=doc) if pid in found else None
            problem = project_refusal(found.get(pid), unit_id, holder)
            if problem:
                errors[i] = problem
    return errors


def intention_clean(actor, doc, data: dict) -> dict:
    """The kit's clean hook (DocumentType.clean): every line names a project this unit may publish for."""
    rows = data.get(LINES) or []
    problems = _check_projects(actor, doc, [(r.get("project_id"), r.get("joint_id")) for r in rows], actor.unit_id)
    if problems:
        raise FieldErrors({f"{LINES}.{i}.name": f"第{i + 1}行：{msg}" for i, msg in problems.items()})
    for row in rows:
        row["remark"] = row.get("remark") or ""
    if not (data.get("title") or "").strip():
        data["title"] = default_title(actor.unit)
    return data


def intention_check(doc: Intention, actor) -> None:
    """on_submit: the projects are checked again (one may have been revoked since the draft was saved)."""
    lines = list(selectors.lines_of(doc))
    if not lines:
        raise FieldErrors({LINES: "请至少选择一个采购项目。"})
    problems = _check_projects(actor, doc, [(ln.project_id, ln.joint_id) for ln in lines], doc.unit_id)
    if problems:
        raise FieldErrors({f"{LINES}.{i}.name": f"第{i + 1}行（{lines[i].name}）：{msg}"
                           for i, msg in problems.items()})


def intention_published(doc: Intention, actor) -> None:
    """发布 (the stage's on_done, inside the transition): refused when a project was revoked meanwhile;
    records the publication time, the start of the agency's 30-day clock."""
    lines = list(selectors.lines_of(doc))
    ids = [ln.project_id for ln in lines if ln.project_id]
    revoked = project_selectors.visible(actor).filter(pk__in=ids, revoked_at__isnull=False).first()
    if revoked is not None:
        raise BusinessError(f"项目「{revoked.name}」已撤销，不能发布此采购意向。", code="project_revoked")
    joints = {ln.joint_id for ln in lines if ln.joint_id}
    if joints and joint_selectors.collected_queryset().filter(pk__in=joints).count() != len(joints):
        raise BusinessError("统招分签项目已取消归集或已终止，不能发布此采购意向。", code="joint_not_collected")
    doc.published_at = timezone.now()
    Intention.objects.filter(pk=doc.pk).update(published_at=doc.published_at)


def unpublished(doc: Intention) -> bool:
    """撤销 applies before 发布 only: a published intention is final (FJ 3.2 注①)."""
    return doc.status == Status.APPROVED and doc.stage == "publish"


def back_to_editing(doc: Intention, actor, reason: str) -> None:
    doc.status, doc.stage, doc.current_node = Status.DRAFT, "", ""
