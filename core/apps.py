from django.apps import AppConfig

from .menu import MenuItem


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "基础"
    menu = [
        MenuItem("系统管理", "规则参数", "core:parameter_list", "may_keep_parameters", 20),
        MenuItem("系统管理", "工作日调整", "core:workday_list", "may_set_workdays", 30),
    ]
