from django.apps import AppConfig, apps


class BudgetsConfig(AppConfig):
    name = "budgets"
    verbose_name = "采购预算管理"

    def ready(self):
        # imports here, not at the top: the app registry is complete only in ready()
        from orgs import signals

        from . import ledger
        from .platform import on_unit_registered

        # the documents that may hold indicator money: each app names its own (AppConfig.ledger_holders)
        for config in apps.get_app_configs():
            ledger.declare_holders(getattr(config, "ledger_holders", None) or ())
        signals.unit_registered.connect(on_unit_registered, dispatch_uid="budgets.link_indicators")

    def ensure_reference_data(self):
        from .data.offices import ensure_seeded

        ensure_seeded()
