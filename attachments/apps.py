from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    name = "attachments"
    rule_parameters = {"attachment_max_mb": "int"}
