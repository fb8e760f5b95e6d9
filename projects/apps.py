from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "采购项目管理"
    number_prefixes = {"project": "ZC"}
    rule_parameters = {"decentralized_limit_goods": "decimal", "decentralized_limit_works": "decimal",
                       "mall_max_amount": "decimal"}
    ledger_holders = ["projects.Project", "projects.ProjectRequest"]  # the documents that hold indicator money

    def ready(self):
        # imports here, not at the top: the app registry is complete only in ready()
        from orgs import scope_columns

        from . import flows, request_kinds  # noqa: F401  (declare the flows and the request kinds)
        from .models import Project

        # region_path / unit_path follow the unit when its region or competent unit changes
        scope_columns.register(Project, unit_field="unit", columns={"region_path": "region_path", "unit_path": "path"})
