from django.apps import AppConfig

from core.menu import MenuItem

BIDDERS = ("主体管理", "招标人管理", "采购单位")


class RegistryConfig(AppConfig):
    """主体管理: 用户库基本信息 (单位注册审核) and 隶属关系, documents on the approval engine, with their pages and API.

    DESIGN.md places these in orgs; they are a domain app here on purpose: they run on workflow and ask access,
    which sit above orgs (the kernel keeps the units and the writes an approval applies to them)."""

    name = "registry"
    verbose_name = "主体管理"
    number_prefixes = {"registration": "DJ", "subordination": "LS"}
    menu = [
        MenuItem("单位管理", "用户库基本信息", "registry:my_registration", "may_keep_registration", 10),
        MenuItem("单位管理", "隶属关系设置", "registry:my_subordination", "may_set_subordination", 20),
        MenuItem("单位管理", "下级单位隶属确认", "registry:subordination_confirm_list", "may_confirm_subordinates", 30),
        MenuItem(BIDDERS, "审核采购单位信息", "registry:registration_review_list", "may_review_registrations", 10),
        MenuItem(BIDDERS, "查看采购单位信息", "registry:member_list", "may_review_registrations", 20),
        MenuItem("主体管理", "查看/解除隶属关系", "registry:subordination_list", "may_review_registrations", 30),
    ]
