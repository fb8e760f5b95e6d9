"""Reference data seeded by migrations (regions, rule parameters, categories …). A flushed database
(transactional tests, a fresh demo) gets them back from the same source the migrations use: each app that
seeds some has an `ensure_reference_data()` method on its AppConfig, called in INSTALLED_APPS order."""

from django.apps import apps


def ensure_reference_data() -> None:
    for config in apps.get_app_configs():
        ensure = getattr(config, "ensure_reference_data", None)
        if ensure is not None:
            ensure()
