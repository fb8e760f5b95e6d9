from django.apps import AppConfig

from core.menu import MenuItem


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "采购计划管理"
    number_prefixes = {"plan": "JH", "plan_request": "JHCX"}
    rule_parameters = {
        "open_tender_threshold": "decimal", "sme_small_project_goods": "decimal", "sme_small_project_works": "decimal",
        "sme_reserved_share_min": "decimal", "sme_micro_share_min": "decimal",
        "single_source_publicity_workdays": "int", "plan_competent_review_province": "int",
        "plan_competent_review_other_levels": "int", "plan_single_source_publicity_gate": "int",
    }
    menu = [
        MenuItem("采购计划管理", "采购计划申报", "plans:list", "may_view_plans", 10),
        MenuItem("采购计划管理", "采购计划接收", "plans:entrusted", "may_view_entrusted_plans", 20),
        MenuItem(("政府采购", "计划管理"), "化整为零预警", "plans:split_warnings", "may_supervise_plans", 40),
    ]

    def ready(self):
        from orgs import scope_columns

        from .models import Plan

        scope_columns.register(Plan, unit_field="unit", columns={"region_path": "region_path"})

    def ensure_reference_data(self):
        from .params import ensure

        ensure()
