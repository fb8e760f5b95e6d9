from django.apps import AppConfig

from core.menu import MenuItem


class BudgetsConfig(AppConfig):
    name = "budgets"
    verbose_name = "采购预算管理"
    menu = [
        MenuItem("采购预算管理", "指标预算查询", "budgets:indicator_list", "may_view_indicators", 10),
        MenuItem("采购预算管理", "采购预算查询", "budgets:budget_list", "may_view_indicators", 20),
        MenuItem(("政府采购", "计划管理"), "预算管理", "budgets:virtual_list", "may_keep_virtual_budgets", 10),
        MenuItem(("政府采购", "计划管理"), "指标管理处室", "budgets:office_list", "may_keep_budget_offices", 20),
    ]
