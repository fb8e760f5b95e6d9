from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = "主体管理"

    def ready(self):
        from . import flows  # noqa: F401  (declares the flows to the engine)
