from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "采购项目管理"

    def ready(self):
        from . import flows  # noqa: F401  (declares the flows to the engine)
