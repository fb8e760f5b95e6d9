from django.apps import AppConfig

from core.menu import MenuItem


class FailuresConfig(AppConfig):
    name = "failures"
    verbose_name = "流标/废标与废标处理"
    number_prefixes = {"failure_handling": "FB"}
    menu = [
        MenuItem("采购计划管理", "采购计划终止", "failures:purchaser_terminate", "may_enter_plan_failures", 30),
        MenuItem("采购计划管理", "采购方式变更录入", "failures:purchaser_change_method", "may_enter_plan_failures", 40),
        MenuItem("采购执行", "流标重招", "failures:list", "may_view_failure_handlings", 50),
        MenuItem(("政府采购", "异常处理"), "招标方式（废标）处理", "failures:region_tender", "may_supervise_trading", 61),
        MenuItem(("政府采购", "异常处理"), "非招标方式（废标）处理", "failures:region_non_tender",
                 "may_supervise_trading", 62),
    ]

    def ready(self):
        from orgs import scope_columns
        from trading import panels

        from .models import Failure, FailureHandling

        for model in (Failure, FailureHandling):
            scope_columns.register(model, unit_field="unit", columns={"region_path": "region_path"})
        panels.register("failures", "流标/废标", "failures/_panel.html", "failures.selectors.panel_context", order=60)
