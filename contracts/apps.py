from django.apps import AppConfig

from core.menu import MenuItem


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = "合同管理"
    menu = [MenuItem("合同管理", "合同查询", "contracts:list", "may_view_contracts", 10)]
