from django.apps import AppConfig

from core.menu import MenuItem


class TradingConfig(AppConfig):
    name = "trading"
    verbose_name = "采购执行"
    number_prefixes = {"procurement": "CG"}
    menu = [
        MenuItem("采购执行", "采购计划受理", "trading:awaiting", "may_accept_plans", 10),
        MenuItem("采购执行", "采购项目执行", "trading:list", "may_view_procurements", 20),
    ]

    def ready(self):
        from orgs import scope_columns
        from plans import services as plan_services

        from .models import Procurement
        from .services import plan_holder

        scope_columns.register(Procurement, unit_field="unit", columns={"region_path": "region_path"})
        plan_services.register_holder(plan_holder)
