import datetime as dt

from django.apps import AppConfig

from core.menu import MenuItem

# the regulator's pages (JX 查询, 异常处理), in the manual's order: (code, menu group, title); declared in lists.py
REGION_PAGES = (("exceptions", "异常处理", "预中标（成交）异常处理"), ("notices", "查询", "中标通知书"),
                ("self_notices", "查询", "自行采购中标通知书"), ("post_award", "查询", "标后数据"))


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = "评审结果"
    number_prefixes = {"award_result": "PS", "award_notice": "ZB", "self_award_notice": "ZXZB",
                       "award_exception": "YCCL"}
    rule_parameters = {"award_confirm_workdays": "int", "award_publish_workdays": "int", "contract_sign_days": "int"}
    periodic_jobs = [
        {"name": "award_deadlines", "every": dt.timedelta(hours=6), "path": "awards.services.run_scan",
         "label": "评审结果确认与结果公告期限预警"},
    ]
    menu = [
        MenuItem("采购执行", "评审结果", "awards:list", "may_view_results", 40),
        # JX order: 异常处理 after the two 废标处理 pages (61, 62); 查询 after 供应商报名 (70)
        *(MenuItem(("政府采购", group), title, f"awards:region_{code}", "may_supervise_trading",
                   65 if group == "异常处理" else 70 + i)
          for i, (code, group, title) in enumerate(REGION_PAGES)),
    ]

    def ready(self):
        from orgs import scope_columns
        from trading import panels

        from .models import Result, ResultRequest

        scope_columns.register(Result, unit_field="unit", columns={"region_path": "region_path"})
        scope_columns.register(ResultRequest, unit_field="unit", columns={"region_path": "region_path"})
        panels.register("awards", "评审结果", "awards/_panel.html", "awards.selectors.panel_context", order=30)

    def ensure_reference_data(self):
        from .params import ensure

        ensure()
