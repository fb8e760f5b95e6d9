from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = "数据权限"

    def ready(self):
        from . import checks  # noqa: F401  (registers the menu declaration check)
