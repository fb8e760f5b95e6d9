from django.apps import AppConfig

from core.menu import MenuItem

BIDDERS = ("主体管理", "招标人管理", "采购单位")


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = "主体管理"
    number_prefixes = {"registration": "DJ", "subordination": "LS"}
    rule_parameters = {"login_max_failures": "int", "login_lock_minutes": "int"}
    menu = [
        MenuItem("单位管理", "用户库基本信息", "orgs:my_registration", "may_keep_registration", 10),
        MenuItem("单位管理", "隶属关系设置", "orgs:my_subordination", "may_set_subordination", 20),
        MenuItem("单位管理", "下级单位隶属确认", "orgs:subordination_confirm_list", "may_confirm_subordinates", 30),
        MenuItem(BIDDERS, "审核采购单位信息", "orgs:registration_review_list", "may_review_registrations", 10),
        MenuItem(BIDDERS, "查看采购单位信息", "orgs:member_list", "may_review_registrations", 20),
        MenuItem("主体管理", "查看/解除隶属关系", "orgs:subordination_list", "may_review_registrations", 30),
        MenuItem("系统管理", "修改密码", "password_change", "is_authenticated", 90),
    ]

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
