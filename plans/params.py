"""The plans' own rule parameters (the 公开招标数额 and SME numbers are core's seed, RULES.md §B). Seeded by
plans/migrations/0002; `ensure` puts them back after a test flush (PlansConfig.ensure_reference_data)."""

from core import params

KEY = params.SEED_KEY
FJ_MANUAL = "福建省政府采购网采购人操作手册（2024-07）第四章 4.1 操作流程（省级、非省级两张流程图，图未随文本提供）"

PARAMETERS = [
    # 省级 plans go through the confirmed 主管预算单位; for other levels the region decides (default: no)
    {"name": "plan_competent_review_province", "label": "省级单位采购计划须经主管预算单位审核（1是 0否）",
     "region_code": "", "level": "", "effective_from": "2020-01-01", "kind": "int", "value": "1", "unit": "开关",
     "source": FJ_MANUAL, "confidence": "R"},
    {"name": "plan_competent_review_other_levels", "label": "非省级单位采购计划须经主管预算单位审核（1是 0否）",
     "region_code": "", "level": "", "effective_from": "2020-01-01", "kind": "int", "value": "0", "unit": "开关",
     "source": FJ_MANUAL, "confidence": "R"},
    # 单一来源 at or above the 公开招标数额: approval only after the publicity period (实施条例 38); the
    # notices issue brings the publicity, until then the regulator's approval is refused
    {"name": "plan_single_source_publicity_gate", "label": "单一来源采购计划批准前须完成公示（1是 0否）",
     "region_code": "", "level": "", "effective_from": "2020-01-01", "kind": "int", "value": "1", "unit": "开关",
     "source": "政府采购法实施条例第三十八条；财政部令第74号", "confidence": "L"},
]


def ensure(RuleParameter=None) -> None:
    params.seed(PARAMETERS, RuleParameter)
