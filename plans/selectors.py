"""Reads of 采购计划, always scoped: the kit's scope for the list and detail (own unit, the competent unit's
tree, the regulator's region, the receiving agency once filed); the project and joint project pickers; the
agency's inbox; the regulator's 计划管理 lists (the region's plans by their unit)."""

from django.db.models import Q, QuerySet

from access import rights
from access.scope import scoped
from attachments import selectors as attachment_selectors
from contracts import selectors as contract_selectors
from joint import selectors as joint_selectors
from projects import selectors as project_selectors
from supervision import selectors as supervision_selectors
from workflow.models import Status

from . import services
from .models import NO_AGENCY, PROJECT_FORM, Method, OrganizationForm, Plan, PlanType

METHOD_CHOICES = Method.choices


def pickable_projects(user, plan_type: str) -> QuerySet:
    """【+选择采购项目】: approved, live projects of the clerk's unit whose 实施形式 matches the type and that no
    other plan holds (a 网上超市 project stays pickable while one of its lines is free)."""
    if plan_type not in PROJECT_FORM or user.unit_id is None:
        return project_selectors.visible(user).none()
    qs = (project_selectors.visible(user)
          .filter(unit_id=user.unit_id, status=Status.APPROVED, revoked_at__isnull=True, closed_at__isnull=True,
                  implementation_form=PROJECT_FORM[plan_type]))
    if plan_type != PlanType.MALL:
        qs = qs.exclude(pk__in=Plan.objects.filter(services.open_plans_q(), project__isnull=False)
                        .values("project_id"))
    return qs.order_by("-id")


def pickable_joints(user) -> QuerySet:
    """【+选择采购项目】 of a 统招分签 plan: the lead unit's collected joint projects that no plan uses or holds as
    a draft."""
    return joint_selectors.collected_for_plan(user).exclude(
        pk__in=Plan.objects.filter(services.open_plans_q(), joint_project__isnull=False).values("joint_project_id"))


def joint_summaries(user, joints) -> list:
    """The picker's rows: each collected joint project summed (the total of the approved responses that joined)."""
    return [joint_selectors.get_collected(user, j.pk) for j in joints]


def free_mall_lines(project) -> list:
    taken = set(Plan.objects.filter(services.open_plans_q(), project=project).values_list("mall_line_id", flat=True))
    return [ln for ln in project_selectors.content_lines(project) if ln.pk not in taken]


def entrusted(user) -> QuerySet:
    """The agency's inbox: filed plans entrusted to the user's agency (a revoked one shows as 已撤销)."""
    return (Plan.objects.filter(filed_agency_id=user.unit_id, status=Status.APPROVED)
            .select_related("unit", "agency"))


def form_context(user, plan) -> dict:
    contracts = contract_selectors.filed_for_unit(user.unit_id) if plan and plan.plan_type == PlanType.RENEWAL else []
    return {"plan": plan, "lines": list(plan.lines.filter(is_active=True).select_related("category")) if plan else [],
            "contracts": contracts, "no_agency": bool(plan and plan.plan_type in NO_AGENCY),
            "attachments": attachment_selectors.attachments_for(user, plan) if plan else []}


def detail_context(user, plan) -> dict:
    return {"lines": list(plan.lines.filter(is_active=True).select_related("category")),
            "no_agency": plan.plan_type in NO_AGENCY,
            "attachments": attachment_selectors.attachments_for(user, plan),
            "warnings": supervision_selectors.warnings_of(services.key(plan)) if plan.pk else [],
            "needs_regulator": services.needs_regulator_approval(plan),
            "needs_competent": services.needs_competent_review(plan)}


def split_warnings(user) -> QuerySet:
    return supervision_selectors.warnings(user, kind=services.SPLIT_KIND)


def region_plans(user) -> QuerySet:
    """计划管理: the plans of units in the regulator's region that were ever submitted (drafts are the unit's own
    business), by their unit only (not by the receiving agency)."""
    return (scoped(Plan.objects.select_related("unit", "agency"), user, ("unit",))
            .filter(submitted_at__isnull=False))


METHOD_CHOICES = Method.choices  # 采购方式 for other apps' forms and fields


def method_label(code: str) -> str:
    return Method(code).label if code in Method.values else ""


def awaiting_execution(user) -> QuerySet:
    """Filed, unrevoked plans that the user's unit executes: entrusted to the user's agency, or — for a clerk —
    the unit's own 分散采购自行组织 and 其他采购·自行采购 plans (trading's 受理 excludes those already taken)."""
    base = Plan.objects.filter(status=Status.APPROVED, revoked_at__isnull=True).select_related("unit", "agency")
    if rights.in_agency_unit(user):
        return base.filter(filed_agency_id=user.unit_id)
    if rights.is_clerk(user):
        return base.filter(unit_id=user.unit_id).filter(
            Q(organization_form=OrganizationForm.SELF_ORGANIZED) | Q(plan_type=PlanType.SELF))
    return base.none()


def plan_lines(plan) -> list:
    return list(plan.lines.filter(is_active=True).select_related("category").order_by("seq"))


def lock_for_execution(pk: int):
    """The filed plan, row-locked in the caller's transaction (trading's 受理), or None."""
    return (Plan.objects.select_for_update().select_related("unit", "unit__region")
            .filter(pk=pk, status=Status.APPROVED).first())
