from django.apps import AppConfig

from core.menu import MenuItem


class PortalConfig(AppConfig):
    name = "portal"
    menu = [
        MenuItem("系统管理", "通知公告", "portal:bulletin_list", "may_publish_bulletins", 10),
    ]
