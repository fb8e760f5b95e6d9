from django.apps import AppConfig

from core.menu import MenuItem


class IntentionsConfig(AppConfig):
    name = "intentions"
    verbose_name = "采购意向公开"
    number_prefixes = {"intention": "YX"}
    menu = [
        MenuItem("采购意向公开", "采购意向公开", "intentions:list", "may_view_intentions", 10),
        MenuItem("采购意向公开", "采购意向公开发布", "intentions:publish_list", "may_publish_intentions", 20),
    ]
