from django.apps import AppConfig


class IntegrationConfig(AppConfig):
    name = "integration"
    verbose_name = "一体化"
    rule_parameters = {"integration_max_skew_seconds": "int", "integration_rate_window_seconds": "int",
                       "integration_refused_per_window": "int", "integration_requests_per_window": "int"}

    def ready(self):
        # imports here, not at the top: the app registry is complete only in ready()
        from orgs import signals

        from .selectors import platform_record_for

        # the registration review checks the unit against the platform's record (orgs cannot import integration)
        signals.provide("platform_record", platform_record_for)

    def ensure_reference_data(self):
        from .params import ensure

        ensure()
