from django.apps import AppConfig


class OrgsConfig(AppConfig):
    """The kernel's organisations: regions, units, users and their roles, login. 主体管理's documents and pages
    are registry's."""

    name = "orgs"
    verbose_name = "组织机构"
    rule_parameters = {"login_max_failures": "int", "login_lock_minutes": "int"}

    def ready(self):
        # imports here, not at the top: the app registry is complete only in ready()
        from core import params

        from .selectors import region_codes_under, region_path

        params.set_region_tree(path=region_path, codes_under=region_codes_under)  # core never imports orgs

    def ensure_reference_data(self):
        from .data.regions import seed
        from .models import Region

        if not Region.objects.exists():
            seed(Region)
