from django.apps import AppConfig, apps

from core.menu import MenuItem


class BudgetsConfig(AppConfig):
    name = "budgets"
    verbose_name = "采购预算管理"
    menu = [
        MenuItem("采购预算管理", "指标预算查询", "budgets:indicator_list", "may_view_indicators", 10),
        MenuItem("采购预算管理", "采购预算查询", "budgets:budget_list", "may_view_indicators", 20),
        MenuItem(("政府采购", "计划管理"), "预算管理", "budgets:virtual_list", "may_keep_virtual_budgets", 10),
        MenuItem(("政府采购", "计划管理"), "指标管理处室", "budgets:office_list", "may_keep_budget_offices", 20),
        # beside the platform's pushes (integration's 一体化预算管理, order 100)
        MenuItem(("政府采购", "计划管理", "一体化预算指标管理"), "一体化预算指标", "budgets:region_indicator_list",
                 "may_view_region_indicators", 110),
    ]

    def ready(self):
        # imports here, not at the top: the app registry is complete only in ready()
        from orgs import signals

        from . import ledger
        from .platform import on_unit_registered

        # the documents that may hold indicator money: each app names its own (AppConfig.ledger_holders)
        for config in apps.get_app_configs():
            ledger.declare_holders(getattr(config, "ledger_holders", None) or ())
        signals.unit_registered.connect(on_unit_registered, dispatch_uid="budgets.link_indicators")

    def ensure_reference_data(self):
        from .data.offices import ensure_seeded

        ensure_seeded()
