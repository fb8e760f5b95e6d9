"""The clocks of 质疑与投诉 (政府采购法 第52、53、55、56、57条). Seeded by challenges/migrations/0002; `ensure` puts
them back after a test flush (ChallengesConfig.ensure_reference_data)."""

from core import params

KEY = params.SEED_KEY
LAW = "中华人民共和国政府采购法（2014-08-31）"

PARAMETERS = [
    {"name": "challenge_filing_workdays", "label": "质疑期限：知道或应知权益受损之日起（工作日）",
     "region_code": "", "level": "", "effective_from": "2003-01-01", "kind": "int", "value": "7", "unit": "工作日",
     "source": f"{LAW}第五十二条；实施条例第五十三条", "confidence": "L"},
    {"name": "challenge_answer_workdays", "label": "质疑答复期限：收到质疑后（工作日）",
     "region_code": "", "level": "", "effective_from": "2003-01-01", "kind": "int", "value": "7", "unit": "工作日",
     "source": f"{LAW}第五十三条", "confidence": "L"},
    {"name": "complaint_filing_workdays", "label": "投诉期限：答复期满后（工作日）",
     "region_code": "", "level": "", "effective_from": "2003-01-01", "kind": "int", "value": "15", "unit": "工作日",
     "source": f"{LAW}第五十五条", "confidence": "L"},
    {"name": "complaint_decision_workdays", "label": "投诉处理期限：收到投诉后（工作日）",
     "region_code": "", "level": "", "effective_from": "2003-01-01", "kind": "int", "value": "30", "unit": "工作日",
     "source": f"{LAW}第五十六条", "confidence": "L"},
    {"name": "complaint_suspension_max_days", "label": "投诉处理期间暂停采购活动最长（日）",
     "region_code": "", "level": "", "effective_from": "2003-01-01", "kind": "int", "value": "30", "unit": "日",
     "source": f"{LAW}第五十七条", "confidence": "L"},
]


def ensure(RuleParameter=None) -> None:
    params.seed(PARAMETERS, RuleParameter)
