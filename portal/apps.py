from django.apps import AppConfig

from core.menu import MenuItem


class PortalConfig(AppConfig):
    """The shell: 工作台, 通知公告, and the screens of the kernel's own tables (规则参数, 工作日调整, 我的后台任务,
    修改密码), which ask access and so cannot live in core or orgs."""

    name = "portal"
    menu = [
        MenuItem("系统管理", "通知公告", "portal:bulletin_list", "may_publish_bulletins", 10),
        MenuItem("系统管理", "规则参数", "settings:parameter_list", "may_keep_parameters", 20),
        MenuItem("系统管理", "工作日调整", "settings:workday_list", "may_set_workdays", 30),
        MenuItem("系统管理", "我的后台任务", "jobs:list", "is_authenticated", 80),
        MenuItem("系统管理", "修改密码", "password_change", "is_authenticated", 90),
    ]
