from django.apps import AppConfig

from core.menu import MenuItem


class TradingConfig(AppConfig):
    name = "trading"
    verbose_name = "采购执行"
    number_prefixes = {"procurement": "CG", "announcement": "GG"}
    rule_parameters = {
        "tender_bid_days_min": "int", "tender_docs_workdays_min": "int", "negotiation_response_workdays_min": "int",
        "inquiry_response_workdays_min": "int", "consultation_response_days_min": "int",
        "consultation_docs_workdays_min": "int", "framework_response_days_min": "int",
        "framework_term_months_max": "int", "correction_tender_days_min": "int",
        "correction_consultation_days_min": "int", "correction_non_tender_workdays_min": "int",
        "correction_framework_days_min": "int", "intention_min_days": "int",
    }
    menu = [
        MenuItem("采购执行", "采购计划受理", "trading:awaiting", "may_accept_plans", 10),
        MenuItem("采购执行", "采购项目执行", "trading:list", "may_view_procurements", 20),
        MenuItem("采购执行", "采购公告", "announcements:list", "may_view_procurements", 30),
        MenuItem("供应商", "采购公告报名", "trading:open_announcements", "in_supplier_unit", 10),
        MenuItem("供应商", "我的报名", "trading:my_registrations", "in_supplier_unit", 20),
        MenuItem(("政府采购", "公告及文件查看"), "采购公告及更正公告", "trading:region_announcements",
                 "may_supervise_trading", 50),
        MenuItem(("政府采购", "查询"), "供应商报名", "trading:region_registrations", "may_supervise_trading", 70),
    ]

    def ready(self):
        from orgs import scope_columns
        from plans import services as plan_services

        from . import notices, panels, services
        from .models import Announcement, Procurement
        from .services import plan_holder

        scope_columns.register(Procurement, unit_field="unit", columns={"region_path": "region_path"})
        scope_columns.register(Announcement, unit_field="unit", columns={"region_path": "region_path"})
        plan_services.register_holder(plan_holder)
        if notices.registration_gate not in services.REGISTRATION_GATES:
            services.REGISTRATION_GATES.append(notices.registration_gate)
        panels.register("announcements", "采购公告", "trading/_announcement_panel.html",
                        "trading.selectors.announcement_panel", order=10)
        panels.register("registrations", "供应商报名", "trading/_registration_panel.html",
                        "trading.selectors.registration_panel", order=20)

    def ensure_reference_data(self):
        from .params import ensure

        ensure()
