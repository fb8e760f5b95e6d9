from django.apps import AppConfig

from core.menu import MenuItem

# the regulator's 计划管理 lists (JX manual), in its order: (code, title); declared in plans/lists.py
REGION_PAGES = (("budget_review", "查看项目预算审核"), ("organization", "查看项目组织形式"),
                ("central", "查看指定集采中心"), ("agency_method", "查看采购机构和采购方式"),
                ("entrusted_agency", "委托社会代理"))


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
        *(MenuItem(("政府采购", "计划管理"), title, f"plans:region_{code}", "may_supervise_plans", 31 + i)
          for i, (code, title) in enumerate(REGION_PAGES)),
        MenuItem(("政府采购", "计划管理"), "化整为零预警", "plans:split_warnings", "may_supervise_plans", 40),
    ]

    def ready(self):
        from orgs import scope_columns

        from .models import Plan

        scope_columns.register(Plan, unit_field="unit", columns={"region_path": "region_path"})

    def ensure_reference_data(self):
        from .params import ensure

        ensure()
