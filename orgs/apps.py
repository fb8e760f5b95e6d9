from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = "主体管理"
    number_prefixes = {"registration": "DJ", "subordination": "LS"}
    rule_parameters = {"login_max_failures": "int", "login_lock_minutes": "int"}

    def ready(self):
        # imports here, not at the top: the app registry is complete only in ready()
        from core import params

        from . import flows  # noqa: F401  (declares the flows to the engine)
        from .selectors import region_codes_under, region_path

        params.set_region_tree(path=region_path, codes_under=region_codes_under)  # core never imports orgs

    def ensure_reference_data(self):
        from .data.regions import seed
        from .models import Region

        if not Region.objects.exists():
            seed(Region)
