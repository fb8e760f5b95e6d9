from django.apps import AppConfig

from core.menu import MenuItem


class IntegrationConfig(AppConfig):
    name = "integration"
    verbose_name = "一体化"
    menu = [
        MenuItem("一体化", "一体化预算管理", "integration:indicator_messages", "may_view_integration", 10),
        MenuItem("一体化", "一体化单位基本信息", "integration:unit_list", "may_view_integration", 20),
        MenuItem("一体化", "重置预算匹配", "integration:rematch", "may_view_integration", 30),
        MenuItem("一体化", "接收消息日志", "integration:message_list", "may_view_integration", 40),
    ]
