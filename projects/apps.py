from django.apps import AppConfig

from core.menu import MenuItem


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "采购项目管理"
    number_prefixes = {"project": "ZC"}
    rule_parameters = {"decentralized_limit_goods": "decimal", "decentralized_limit_works": "decimal",
                       "mall_max_amount": "decimal"}
    ledger_holders = ["projects.Project", "projects.ProjectRequest"]  # the documents that hold indicator money
    menu = [
        MenuItem("采购项目管理", "采购项目立项", "projects:list", "may_view_projects", 10),
        MenuItem("采购项目管理", "实施形式变更", "projects:form_change_list", "may_change_implementation_form", 20),
        MenuItem("采购项目管理", "项目申请审核", "projects:request_review_list", "may_review_project_requests", 30),
        MenuItem(("政府采购", "计划管理"), "项目查询", "projects:regulator_list", "may_query_region_projects", 30),
    ]

    def ready(self):
        # imports here, not at the top: the app registry is complete only in ready()
        from orgs import scope_columns

        from . import flows, request_kinds  # noqa: F401  (declare the flows and the request kinds)
        from .models import Project

        # region_path / unit_path follow the unit when its region or competent unit changes
        scope_columns.register(Project, unit_field="unit", columns={"region_path": "region_path", "unit_path": "path"})
