from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "workflow"
    verbose_name = "审批流程"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from orgs import scope_columns

        from . import inbox
        from .models import WorkItem

        # every app's flows and document types are declared at start-up, like admin.py: the engine, the
        # inbox, the builders and the scope matrix see them without the URLconf being loaded
        autodiscover_modules("flows", "docs")
        # a work item's region follows its unit (a regulator finds its rows by region), its unit name for
        # display, and a competent-unit place its unit's competent unit
        scope_columns.register(WorkItem, unit_field="unit", columns={"region_path": "region_path"})
        scope_columns.register(WorkItem, unit_field="doc_unit", columns={"unit_name": "name"})
        scope_columns.on_refresh(inbox.units_changed)
