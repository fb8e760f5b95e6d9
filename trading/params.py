"""The statutory periods of 采购公告 and 更正公告 (RULES §B), seeded by trading/migrations; `ensure` puts them back
after a test flush (TradingConfig.ensure_reference_data). Days are calendar days unless the name says workdays
(counted on core.workdays)."""

from core import params

KEY = params.SEED_KEY
LAW = "中华人民共和国政府采购法"
REGS = "中华人民共和国政府采购法实施条例"
NON_TENDER = "政府采购非招标采购方式管理办法（财政部令第74号）"
CONSULT = "政府采购竞争性磋商采购方式管理暂行办法（财库〔2014〕214号）"
FRAMEWORK = "政府采购框架协议采购方式管理暂行办法（财政部令第110号）"


def _row(name, label, value, unit, source, confidence):
    return {"name": name, "label": label, "region_code": "", "level": "", "effective_from": "2015-03-01",
            "kind": "int", "value": str(value), "unit": unit, "source": source, "confidence": confidence}


PARAMETERS = [
    _row("tender_bid_days_min", "招标：采购文件发出至投标截止的最短天数", 20, "日",
         f"{LAW}第三十五条；招标投标法第二十四条", "L"),
    _row("tender_docs_workdays_min", "招标：招标文件提供期限（最短工作日）", 5, "工作日", f"{REGS}第三十一条", "L"),
    _row("negotiation_response_workdays_min", "竞争性谈判：谈判文件发出至首次响应截止的最短工作日", 3, "工作日",
         f"{NON_TENDER}第二十九条", "Q"),
    _row("inquiry_response_workdays_min", "询价：询价通知书发出至响应截止的最短工作日", 3, "工作日",
         f"{NON_TENDER}第四十五条", "Q"),
    _row("consultation_response_days_min", "竞争性磋商：磋商文件发出至首次响应截止的最短天数", 10, "日",
         f"{CONSULT}第十条", "Q"),
    _row("consultation_docs_workdays_min", "竞争性磋商：磋商文件发售期限（最短工作日）", 5, "工作日",
         f"{CONSULT}第十条", "Q"),
    # 110号令: the articles are quoted from memory (the text is not in reference/laws): R until checked
    _row("framework_response_days_min", "框架协议公开征集：征集公告发布至响应截止的最短天数", 20, "日",
         f"{FRAMEWORK}（公开征集程序，条文序号待核）", "R"),
    _row("framework_term_months_max", "框架协议期限（最长月数）", 24, "月",
         f"{FRAMEWORK}（货物、服务一般不超过1年，最长不超过2年；条文序号待核）", "R"),
    _row("correction_tender_days_min", "招标：影响投标文件编制的澄清或修改距投标截止的最短天数", 15, "日",
         "招标投标法第二十三条；政府采购货物和服务招标投标管理办法（财政部令第87号）第二十七条", "L"),
    _row("correction_consultation_days_min", "竞争性磋商：影响响应文件编制的澄清或修改距响应截止的最短天数", 5, "日",
         f"{CONSULT}第十条", "Q"),
    _row("correction_non_tender_workdays_min", "竞争性谈判、询价：影响响应文件编制的澄清或修改距响应截止的最短工作日",
         3, "工作日", f"{NON_TENDER}第十条", "Q"),
    _row("correction_framework_days_min", "框架协议：影响响应文件编制的澄清或修改距响应截止的最短天数", 5, "日",
         f"{FRAMEWORK}（条文序号待核）", "R"),
    _row("intention_min_days", "采购意向公开距采购公告的最短天数（不足须说明理由）", 30, "日",
         "财政部关于开展政府采购意向公开工作的通知（财库〔2020〕10号）；福建省采购人操作手册§3.1注①", "P"),
]

DECLARED = {row["name"]: row["kind"] for row in PARAMETERS}


def ensure(RuleParameter=None) -> None:
    params.seed(PARAMETERS, RuleParameter)
