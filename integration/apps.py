from django.apps import AppConfig

from core.menu import MenuItem

PLANS = ("政府采购", "计划管理")
INDICATORS = (*PLANS, "一体化预算指标管理")


class IntegrationConfig(AppConfig):
    name = "integration"
    verbose_name = "一体化"
    rule_parameters = {"integration_max_skew_seconds": "int", "integration_rate_window_seconds": "int",
                       "integration_refused_per_window": "int", "integration_requests_per_window": "int"}

    def ready(self):
        # imports here, not at the top: the app registry is complete only in ready()
        from orgs import signals

        from .selectors import platform_record_for

        # the registration review checks the unit against the platform's record (orgs cannot import integration)
        signals.provide("platform_record", platform_record_for)

    def ensure_reference_data(self):
        from .params import ensure

        ensure()
    # JX manual: 政府采购 ---- 计划管理 ---- 一体化预算指标管理 ---- 一体化预算管理, 计划管理 ---- 一体化单位基本信息;
    # after the regulator's plan pages (orders below 100)
    menu = [
        MenuItem(INDICATORS, "一体化预算管理", "integration:indicator_messages", "may_view_integration", 100),
        MenuItem(INDICATORS, "重置预算匹配", "integration:rematch", "may_view_integration", 120),
        MenuItem(PLANS, "一体化单位基本信息", "integration:unit_list", "may_view_integration", 130),
        MenuItem(PLANS, "接收消息日志", "integration:message_list", "may_view_integration", 140),
    ]
