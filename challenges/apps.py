import datetime as dt

from django.apps import AppConfig

from core.menu import MenuItem


class ChallengesConfig(AppConfig):
    name = "challenges"
    verbose_name = "质疑与投诉"
    number_prefixes = {"challenge": "ZY", "complaint": "TS"}
    rule_parameters = {
        "challenge_filing_workdays": "int", "challenge_answer_workdays": "int", "complaint_filing_workdays": "int",
        "complaint_decision_workdays": "int", "complaint_suspension_max_days": "int",
    }
    periodic_jobs = [
        {"name": "challenges_overdue", "every": dt.timedelta(hours=1), "path": "challenges.services.scan_overdue",
         "label": "质疑答复、投诉处理逾期预警"},
    ]
    menu = [
        MenuItem("采购执行", "质疑答复", "challenges:answers", "may_view_challenge_answers", 60),
        MenuItem("供应商", "质疑与投诉", "challenges:mine", "may_file_challenges", 30),
        MenuItem("供应商", "质疑答复通知", "challenges:notices", "may_file_challenges", 40),
        MenuItem("政府采购", "投诉处理", "challenges:complaints", "may_handle_complaints", 80),
    ]

    def ready(self):
        from orgs import scope_columns
        from trading import panels

        from .models import Challenge, Complaint

        for model in (Challenge, Complaint):
            scope_columns.register(model, unit_field="unit", columns={"region_path": "region_path"})
        panels.register("challenges", "质疑与投诉", "challenges/_panel.html", "challenges.selectors.panel_context",
                        order=70)
        from attachments import visibility

        from . import selectors

        # the supplier's evidence opens for whoever reads the 质疑 / 投诉 (organizer, purchaser, regulator)
        visibility.register(Challenge, lambda user, pk: selectors.challenges(user).filter(pk=pk).exists())
        visibility.register(Complaint, lambda user, pk: selectors.complaints(user).filter(pk=pk).exists())

    def ensure_reference_data(self):
        from .params import ensure

        ensure()
