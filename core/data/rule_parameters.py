"""Rule parameter seed: every number in RULES.md, keyed by (name, region, level, effective_from).

Loaded by migration core/0003. `region` '' = nationwide, else a region code that covers itself and the
regions below it in the region tree; `level` '' = any unit level, else 'province' / 'city' / 'county'.
`since` defaults to 2020-01-01 where RULES.md gives no date. Confidence as in RULES.md: L law text,
P public official notice, Q current Fujian practice, R unconfirmed, M the manuals; '' for system settings.
Later editions are new rows with a later `since`; never edit a row that was in force.
"""

DEFAULT_SINCE = "2020-01-01"

# name: (label, kind, unit)
SPECS = {
    # 立项
    "decentralized_limit_goods": ("分散采购限额（货物、服务）", "decimal", "元"),
    "decentralized_limit_works": ("分散采购限额（工程）", "decimal", "元"),
    "open_tender_threshold": ("公开招标数额标准", "decimal", "元"),
    # 中小企业
    "sme_small_project_goods": ("专门面向中小企业的货物、服务项目上限", "decimal", "元"),
    "sme_small_project_works": ("专门面向中小企业的工程项目上限", "decimal", "元"),
    "sme_reserved_share_min": ("超过上限的项目预留中小企业份额下限", "decimal", "%"),
    "sme_micro_share_min": ("预留份额中小微企业比例下限", "decimal", "%"),
    "sme_price_deduction_min": ("小微企业价格扣除比例下限", "decimal", "%"),
    "sme_price_deduction_max": ("小微企业价格扣除比例上限", "decimal", "%"),
    # 意向、公示、合同
    "intention_min_days": ("采购意向公开距采购活动开始的最少天数", "int", "天"),
    "single_source_publicity_workdays": ("单一来源公示期", "int", "工作日"),
    "single_source_addon_max_pct": ("单一来源添购金额占原合同金额上限", "decimal", "%"),
    "contract_sign_max_days": ("中标、成交通知书发出后签订合同期限", "int", "天"),
    "contract_announce_workdays": ("合同签订后公告期限", "int", "工作日"),
    "contract_filing_workdays": ("合同签订后备案期限", "int", "工作日"),
    "contract_auto_publish_minutes": ("交易系统合同到达后自动发布公告的延迟", "int", "分钟"),
    "supplementary_max_pct": ("补充合同累计金额占原合同金额上限", "decimal", "%"),
    "performance_bond_max_pct": ("履约保证金占合同金额上限", "decimal", "%"),
    # 款项支付
    "sme_payment_days": ("向中小企业支付款项期限（交付之日起）", "int", "天"),
    "sme_payment_days_agreed": ("合同约定的向中小企业付款期限上限", "int", "天"),
    "late_interest_daily_pct": ("逾期利息日利率（未约定时）", "decimal", "%"),
    # 进口产品、专家
    "import_expert_min": ("进口产品论证专家组最少人数", "int", "人"),
    "import_expert_legal_min": ("进口产品论证专家组中法律专家最少人数", "int", "人"),
    "expert_committee_min_tender": ("招标评标委员会最少人数", "int", "人"),
    "expert_committee_min_tender_large": ("招标评标委员会最少人数（大额项目）", "int", "人"),
    "expert_committee_large_amount": ("评标委员会大额项目金额标准", "decimal", "元"),
    "expert_committee_min_other": ("谈判、磋商、询价小组最少人数", "int", "人"),
    "expert_committee_min_other_large": ("谈判、磋商、询价小组最少人数（达到公开招标数额）", "int", "人"),
    "expert_avoid_years": ("专家回避：与供应商存在劳动关系或控股关系的年限", "int", "年"),
    "expert_draw_days_before": ("专家抽取最早提前于评审的工作日数", "int", "工作日"),
    # 评审结果、废标、档案
    "winner_report_workdays": ("评审结束后送交评审报告期限", "int", "工作日"),
    "winner_confirm_workdays": ("收到评审报告后确定中标、成交供应商期限", "int", "工作日"),
    "failed_min_suppliers": ("合格供应商少于该数应予废标", "int", "家"),
    "records_keep_years": ("采购文件保存年限", "int", "年"),
    # 系统
    "attachment_max_mb": ("单个附件大小上限", "int", "MB"),
    "login_max_failures": ("登录连续失败锁定次数", "int", "次"),
    "login_lock_minutes": ("登录失败锁定时长", "int", "分钟"),
}

FJ_MANUAL = "福建省政府采购网采购人操作手册（2024-07）"
FJ_2024 = "福建省政府集中采购目录及标准（2024年版）"
JX_2022 = "江西省政府集中采购目录及标准（2022年版）"
GB_55 = "国办发〔2019〕55号"
SME_46 = "财库〔2020〕46号"
SME_19 = "财库〔2022〕19号"
LAW = "政府采购法"
REG = "政府采购法实施条例"
PAY = "保障中小企业款项支付条例（2025）"
SYSTEM = "系统设置"

# (name, region, level, since, value, source, confidence)
ROWS = [
    # 分散采购限额 — Fujian, as the manual gives it (its edition in force from 2022), and the 2024 catalogue
    ("decentralized_limit_goods", "350000", "province", "2022-01-01", "500000", FJ_MANUAL, "M"),
    ("decentralized_limit_works", "350000", "province", "2022-01-01", "1000000", FJ_MANUAL, "M"),
    ("decentralized_limit_goods", "350000", "province", "2024-01-01", "1000000", FJ_2024, "P"),
    *[row
      for region in ("350100", "350500", "350600", "350400", "350300")  # 福州 泉州 漳州 三明 莆田
      for row in (("decentralized_limit_goods", region, "", "2022-01-01", "500000", FJ_MANUAL, "M"),
                  ("decentralized_limit_works", region, "", "2022-01-01", "1000000", FJ_MANUAL, "M"))],
    *[row
      for region in ("350128", "350800", "350900", "350700")  # 平潭 龙岩 宁德 南平
      for row in (("decentralized_limit_goods", region, "", "2022-01-01", "500000", FJ_MANUAL, "M"),
                  ("decentralized_limit_works", region, "", "2022-01-01", "600000", FJ_MANUAL, "M"))],
    ("decentralized_limit_goods", "350200", "", "2022-01-01", "1000000", FJ_MANUAL, "M"),  # 厦门
    ("decentralized_limit_works", "350200", "", "2022-01-01", "2000000", FJ_MANUAL, "M"),
    # Jiangxi 2022
    ("decentralized_limit_goods", "360000", "province", "2022-01-01", "1000000", JX_2022, "P"),
    ("decentralized_limit_goods", "360000", "city", "2022-01-01", "500000", JX_2022, "P"),
    ("decentralized_limit_goods", "360000", "county", "2022-01-01", "500000", JX_2022, "P"),
    ("decentralized_limit_works", "360000", "", "2022-01-01", "600000", JX_2022, "P"),

    # 公开招标数额标准
    ("open_tender_threshold", "", "", DEFAULT_SINCE, "2000000", GB_55, "P"),
    ("open_tender_threshold", "350000", "province", "2024-01-01", "4000000", FJ_2024, "P"),
    ("open_tender_threshold", "350000", "city", "2024-01-01", "2000000", FJ_2024, "P"),
    ("open_tender_threshold", "350000", "county", "2024-01-01", "2000000", FJ_2024, "P"),
    ("open_tender_threshold", "360000", "", "2022-01-01", "2000000", JX_2022, "P"),

    # 中小企业
    ("sme_small_project_goods", "", "", DEFAULT_SINCE, "2000000", SME_46, "P"),
    ("sme_small_project_works", "", "", DEFAULT_SINCE, "4000000", SME_46, "P"),
    ("sme_reserved_share_min", "", "", DEFAULT_SINCE, "30", SME_46, "P"),
    ("sme_reserved_share_min", "350000", "", DEFAULT_SINCE, "40", f"{SME_19}；福建省执行口径", "Q"),
    ("sme_micro_share_min", "", "", DEFAULT_SINCE, "60", SME_46, "P"),
    ("sme_price_deduction_min", "", "", DEFAULT_SINCE, "10", SME_19, "P"),
    ("sme_price_deduction_max", "", "", DEFAULT_SINCE, "20", SME_19, "P"),
    ("sme_price_deduction_min", "350000", "", DEFAULT_SINCE, "15", f"{SME_19}；福建省执行口径", "P"),
    ("sme_price_deduction_max", "350000", "", DEFAULT_SINCE, "20", f"{SME_19}；福建省执行口径", "P"),

    # 意向、公示、合同
    ("intention_min_days", "", "", DEFAULT_SINCE, "30", "财库〔2020〕10号", "P"),
    ("single_source_publicity_workdays", "", "", DEFAULT_SINCE, "5", f"{REG}第三十八条；财政部令第74号", "L"),
    ("single_source_addon_max_pct", "", "", DEFAULT_SINCE, "10", f"{LAW}第三十一条", "L"),
    ("contract_sign_max_days", "", "", DEFAULT_SINCE, "30", f"{LAW}第四十六条", "L"),
    ("contract_announce_workdays", "", "", DEFAULT_SINCE, "2", f"{REG}第五十条", "L"),
    ("contract_filing_workdays", "", "", DEFAULT_SINCE, "7", f"{LAW}第四十七条", "L"),
    ("contract_auto_publish_minutes", "", "", DEFAULT_SINCE, "5", FJ_MANUAL, "M"),
    ("supplementary_max_pct", "", "", DEFAULT_SINCE, "10", f"{LAW}第四十九条", "L"),
    ("performance_bond_max_pct", "", "", DEFAULT_SINCE, "10", f"{REG}第四十八条", "L"),

    # 款项支付
    ("sme_payment_days", "", "", DEFAULT_SINCE, "30", f"{PAY}第九条", "L"),
    ("sme_payment_days_agreed", "", "", DEFAULT_SINCE, "60", f"{PAY}第九条", "L"),
    ("late_interest_daily_pct", "", "", DEFAULT_SINCE, "0.05", f"{PAY}第十七条", "L"),

    # 进口产品、专家
    ("import_expert_min", "", "", DEFAULT_SINCE, "5", "财库〔2007〕119号", "Q"),
    ("import_expert_legal_min", "", "", DEFAULT_SINCE, "1", "财库〔2007〕119号", "Q"),
    ("expert_committee_min_tender", "", "", DEFAULT_SINCE, "5", "财政部令第87号", "Q"),
    ("expert_committee_min_tender_large", "", "", DEFAULT_SINCE, "7", "财政部令第87号", "Q"),
    ("expert_committee_large_amount", "", "", DEFAULT_SINCE, "10000000", "财政部令第87号", "Q"),
    ("expert_committee_min_other", "", "", DEFAULT_SINCE, "3", "财政部令第74号", "Q"),
    ("expert_committee_min_other_large", "", "", DEFAULT_SINCE, "5", "财政部令第74号", "Q"),
    ("expert_avoid_years", "", "", DEFAULT_SINCE, "3", "财库〔2016〕198号", "Q"),
    ("expert_draw_days_before", "", "", DEFAULT_SINCE, "2", "财库〔2016〕198号", "Q"),
    ("expert_draw_days_before", "350000", "", "2025-01-01", "0", "闽财规〔2025〕17号", "Q"),

    # 评审结果、废标、档案
    ("winner_report_workdays", "", "", DEFAULT_SINCE, "2", f"{REG}第四十三条", "L"),
    ("winner_confirm_workdays", "", "", DEFAULT_SINCE, "5", f"{REG}第四十三条", "L"),
    ("failed_min_suppliers", "", "", DEFAULT_SINCE, "3", f"{LAW}第三十六条", "L"),
    ("records_keep_years", "", "", DEFAULT_SINCE, "15", f"{LAW}第四十二条", "L"),

    # 系统
    ("attachment_max_mb", "", "", DEFAULT_SINCE, "20", SYSTEM, ""),
    ("login_max_failures", "", "", DEFAULT_SINCE, "5", SYSTEM, ""),
    ("login_lock_minutes", "", "", DEFAULT_SINCE, "15", SYSTEM, ""),
]


def parameters() -> list[dict]:
    """The seed rows as RuleParameter field dicts."""
    out = []
    for name, region, level, since, value, source, confidence in ROWS:
        label, kind, unit = SPECS[name]
        out.append({"name": name, "label": label, "region_code": region, "level": level, "effective_from": since,
                    "kind": kind, "value": value, "unit": unit, "source": source, "confidence": confidence})
    return out
