"""Reads of 统招分签, always scoped. Other apps (the intention, the plan) read collected joint projects here."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from access.scope import get_or_404, scoped
from core.models import Category
from orgs.models import Unit
from workflow.models import Status

from .models import JointLine, JointProject, JointResponse, JointResponseLine

ZERO = Decimal("0")


def leaf_categories():
    return Category.objects.filter(is_leaf=True).order_by("code")


def invitable_units(user):
    """The units a lead may invite (our decision; the manual is silent): registered budget units (purchasers, or
    a regulator's own department) of the lead's region and the regions below it."""
    qs = Unit.objects.filter(kind__in=(Unit.KIND_PURCHASER, Unit.KIND_REGULATOR), is_member=True)
    unit = getattr(user, "unit", None) if getattr(user, "is_authenticated", False) else None
    if unit is None:
        return qs.none()
    return qs.filter(region_path__startswith=unit.region_path).order_by("region_path", "name")


def lines(joint):
    return JointLine.objects.filter(joint=joint, is_active=True).select_related("category").order_by("seq")


def responses(joint):
    """The invited units of a joint project with their answers (the lead's 单位响应情况)."""
    return (JointResponse.objects.filter(joint=joint, is_active=True)
            .select_related("unit", "project", "answered_by").order_by("seq"))


# ---- one response's state ------------------------------------------------------------------------------------


def response_state(r: JointResponse) -> str:
    """未响应 / 不响应 / 响应编辑中 / 响应审核中 / 已响应 / 已撤销, read from the answer and the response project."""
    if r.answer == JointResponse.DECLINED:
        return "不响应"
    if r.answer != JointResponse.RESPONDED or r.project is None:
        return "未响应"
    p = r.project
    if p.revoked_at is not None:
        return "已撤销"
    return {Status.PENDING: "响应审核中", Status.APPROVED: "已响应"}.get(p.status, "响应编辑中")


def answered(r: JointResponse) -> bool:
    """FJ 2.1.4: a 不响应, or a response submitted (in review or approved)."""
    if r.answer == JointResponse.DECLINED:
        return True
    return (r.answer == JointResponse.RESPONDED and r.project is not None and r.project.revoked_at is None
            and r.project.status in (Status.PENDING, Status.APPROVED))


def in_review(r: JointResponse) -> bool:
    return r.answer == JointResponse.RESPONDED and r.project is not None and r.project.status == Status.PENDING


def approved(r: JointResponse) -> bool:
    return (r.answer == JointResponse.RESPONDED and r.project is not None and r.project.status == Status.APPROVED
            and r.project.revoked_at is None)


def response_amount(r: JointResponse) -> Decimal:
    return r.project.total_amount if r.project is not None else ZERO


# ---- the invited unit's side -----------------------------------------------------------------------------------


def open_invitations(user):
    """The invitations the user's unit may still answer (the §2.1.3 popup): not declined, not yet responded,
    the joint project approved, not collected or terminated, before its deadline."""
    if not getattr(user, "is_authenticated", False) or user.unit_id is None:
        return JointResponse.objects.none()
    return (JointResponse.objects.filter(unit_id=user.unit_id, is_active=True, answer=JointResponse.NONE,
                                         joint__status=Status.APPROVED, joint__stage="collect",
                                         joint__terminated_at__isnull=True, joint__deadline__gt=timezone.now())
            .select_related("joint", "joint__unit").order_by("joint__deadline", "id"))


def get_response(user, pk) -> JointResponse:
    """An invitation, seen by the invited unit (and whoever sees that unit's rows): 404 otherwise."""
    return get_or_404(JointResponse.objects.select_related("joint", "joint__unit", "unit", "project"), user,
                      ("unit",), pk=pk, is_active=True)


def response_of_project(project_id) -> JointResponse | None:
    return JointResponse.objects.select_related("joint").filter(project_id=project_id).first()


def response_lines(response) -> dict[int, JointResponseLine]:
    return {ln.joint_line_id: ln for ln in JointResponseLine.objects.filter(response=response, is_active=True)}


# ---- collected joint projects: what the intention and the plan read -----------------------------------------


@dataclass
class CollectedLine:
    category: Category
    item_name: str
    measure_unit: str
    unit_price: Decimal
    quantity: Decimal = ZERO
    amount: Decimal = ZERO
    line_id: int | None = None  # the JointLine (the plan keeps its per-line flags by it)


@dataclass
class Collected:
    """A collected joint project as the intention and the plan see it."""
    joint: JointProject
    name: str
    lead_unit: Unit
    procurement_kind: str
    fiscal_year: int
    demand_summary: str
    expected_month: object
    total_amount: Decimal                                 # Σ of the approved responses that joined
    lines: list[CollectedLine] = field(default_factory=list)  # the joint lines, summed over those responses
    responses: list[JointResponse] = field(default_factory=list)


def collected_queryset():
    return (JointProject.objects.filter(status=Status.APPROVED, stage="collect_done", terminated_at__isnull=True)
            .select_related("unit"))


def collected_for_plan(user):
    """The lead unit's collected joint projects that no plan uses yet (the plan's 选择采购项目)."""
    if not getattr(user, "is_authenticated", False) or user.unit_id is None:
        return JointProject.objects.none()
    return collected_queryset().filter(unit_id=user.unit_id, planned_by="").order_by("-id")


def summary(joint: JointProject) -> Collected:
    joined = [r for r in responses(joint) if r.included]
    out: OrderedDict[int, CollectedLine] = OrderedDict(
        (ln.pk, CollectedLine(ln.category, ln.item_name, ln.measure_unit, ln.unit_price, line_id=ln.pk))
        for ln in lines(joint))
    for rl in JointResponseLine.objects.filter(response__in=joined, is_active=True):
        if (c := out.get(rl.joint_line_id)) is not None:
            c.quantity += rl.quantity
            c.amount += rl.amount
    return Collected(joint=joint, name=joint.name, lead_unit=joint.unit, procurement_kind=joint.procurement_kind,
                     fiscal_year=joint.fiscal_year, demand_summary=joint.demand_summary or joint.summary,
                     expected_month=joint.expected_month, total_amount=sum((response_amount(r) for r in joined), ZERO),
                     lines=[c for c in out.values() if c.amount > 0], responses=joined)


def get_collected(user, pk) -> Collected:
    """A collected (归集) joint project in the user's scope, summed: 404 when missing, out of scope, not collected
    or terminated."""
    return summary(get_or_404(collected_queryset(), user, ("unit",), pk=pk))


def visible(user):
    return scoped(JointProject.objects.select_related("unit"), user, ("unit",))
