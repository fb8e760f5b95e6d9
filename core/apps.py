import datetime as dt

from django.apps import AppConfig, apps
from django.core.exceptions import ImproperlyConfigured


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "基础"
    # periodic jobs (core.jobs; `manage.py run_periodic`): any app declares its own the same way
    periodic_jobs = [
        {"name": "delete_expired_exports", "every": dt.timedelta(hours=1),
         "path": "core.exports.delete_expired_exports", "label": "删除过期的导出文件"},
    ]

    def ready(self):
        # what each app declares on its own AppConfig; the kernel keeps no list of apps
        from . import jobs, numbers, params

        kinds: dict[str, tuple[str, str]] = {}
        for config in apps.get_app_configs():
            numbers.declare_prefixes(config.label, getattr(config, "number_prefixes", None) or {})
            for job in getattr(config, "periodic_jobs", None) or ():
                jobs.register_periodic(**job)
            for name, kind in params.declared(config.label).items():
                seen = kinds.setdefault(name, (kind, config.label))
                if seen[0] != kind:
                    raise ImproperlyConfigured(f"rule parameter {name!r}: {config.label} declares {kind!r}, "
                                               f"{seen[1]} {seen[0]!r}")
        problems = params.check_reads()
        if problems:  # a typo'd parameter name stops the start-up, not a request later
            raise ImproperlyConfigured("undeclared rule parameters:\n" + "\n".join(problems))

    def ensure_reference_data(self):
        """Rule parameters and categories that core's migrations seed (a flushed database gets them back)."""
        from .data.categories import ensure_seeded as ensure_categories
        from .data.rule_parameters import parameters
        from .models import RuleParameter

        if not RuleParameter.objects.exists():
            key = ("name", "region_code", "level", "effective_from")
            for row in parameters():
                RuleParameter.objects.update_or_create(
                    **{k: row[k] for k in key}, defaults={k: v for k, v in row.items() if k not in key})
        ensure_categories()
