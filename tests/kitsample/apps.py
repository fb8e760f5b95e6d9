from django.apps import AppConfig


class KitSampleConfig(AppConfig):
    name = "tests.kitsample"
    label = "kitsample"
    verbose_name = "示例单据（文档套件规格）"
