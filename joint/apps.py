from django.apps import AppConfig

from core.menu import MenuItem


class JointConfig(AppConfig):
    name = "joint"
    verbose_name = "统招分签"
    number_prefixes = {"joint_project": "TZ", "joint_request": "TZSQ"}
    menu = [MenuItem("采购项目管理", "统招分签项目", "joint:list", "may_view_joint_projects", 5)]

    def ready(self):
        # imports here, not at the top: the app registry is complete only in ready()
        from projects import services as projects

        from . import services, views

        # a 统招分签采购 project answers one of our joint projects: projects asks us at its 提交 and 审核通过
        projects.register_joint_response_hooks(
            on_submit=services.response_submitted, on_approve=services.response_approved,
            edit_url=services.response_edit_url, chooser=views.chooser)
