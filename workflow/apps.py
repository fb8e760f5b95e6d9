from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = "审批流程"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        # every app's flows and document types are declared at start-up, like admin.py: the engine, the
        # inbox, the builders and the scope matrix see them without the URLconf being loaded
        autodiscover_modules("flows", "docs")
