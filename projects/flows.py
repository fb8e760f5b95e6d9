"""Flows of 采购项目管理: 立项 goes clerk → reviewer; requests on a project go clerk → 需求领导."""

from orgs.models import Role
from workflow.engine import Flow, Node, register

from .models import Project, ProjectRequest


def _on_project_submit(doc, actor):
    from .services import project_reserve

    project_reserve(doc, actor)


def _on_project_return(doc, actor):
    from .services import project_release

    project_release(doc, actor)


def _on_request_submit(doc, actor):
    from .requests import request_submitted

    request_submitted(doc, actor)


def _on_request_return(doc, actor):
    from .requests import request_returned

    request_returned(doc, actor)


def _on_request_approve(doc, actor):
    from .requests import request_apply

    request_apply(doc, actor)


PROJECT = register(Flow(
    doc_type=Project.doc_type, label="采购项目立项", model=Project,
    nodes=(Node("reviewer", "审核岗审核", Role.REVIEWER),),
    on_submit=_on_project_submit, on_return=_on_project_return, url_name="projects:detail",
))

PROJECT_REQUEST = register(Flow(
    doc_type=ProjectRequest.doc_type, label="采购项目变更类申请", model=ProjectRequest,
    nodes=(Node("leader", "需求领导审核", Role.LEADER),),
    on_submit=_on_request_submit, on_return=_on_request_return, on_approve=_on_request_approve,
    url_name="projects:request_detail",
))
