"""Flows of 采购项目管理: 立项 goes clerk → reviewer; requests on a project go clerk → 需求领导."""

from orgs.models import Role, User
from workflow.engine import Flow, Node, register
from workflow.models import Status

from .models import Project, ProjectRequest

PROJECT = register(Flow(
    doc_type=Project.doc_type, label="采购项目立项", model=Project,
    nodes=(Node("reviewer", "审核岗审核", Role.REVIEWER),),
    on_submit="projects.services.project_reserve", on_return="projects.services.project_release",
    on_approve="projects.services.project_approved", url_name="projects:detail",
))


def unit_has_leader(unit_id) -> bool:
    return User.objects.filter(unit_id=unit_id, is_active=True, role_assignments__role=Role.LEADER).exists()


def _routed_to(code: str):
    """FJ 2.2.2–2.2.5 name the 需求领导; 2.2.2 注① the 审核岗 (RULES §A): the unit's leader when it has one,
    otherwise its reviewer. Decided when submitted: from then on the node it was sent to stays its route,
    whoever is appointed meanwhile."""
    def condition(doc) -> bool:
        if doc.status == Status.PENDING and doc.current_node:
            return doc.current_node == code
        return unit_has_leader(doc.unit_id) == (code == "leader")
    return condition


PROJECT_REQUEST = register(Flow(
    doc_type=ProjectRequest.doc_type, label="采购项目变更类申请", model=ProjectRequest,
    nodes=(Node("leader", "需求领导审核", Role.LEADER, condition=_routed_to("leader")),
           Node("reviewer", "审核岗审核", Role.REVIEWER, condition=_routed_to("reviewer"))),
    url_name="projects:request_detail",  # hooks: the kit's, running the kinds (projects/request_kinds)
))
