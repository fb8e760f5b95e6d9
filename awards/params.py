"""The results' own rule parameters (实施条例 第43条 clocks). Seeded by awards/migrations/0002; `ensure` puts them back
after a test flush (AwardsConfig.ensure_reference_data)."""

from core import params

KEY = params.SEED_KEY
ART43 = "政府采购法实施条例第四十三条"

PARAMETERS = [
    {"name": "award_confirm_workdays", "label": "采购人收到评审报告后确定中标（成交）供应商的期限",
     "region_code": "", "level": "", "effective_from": "2015-03-01", "kind": "int", "value": "5", "unit": "工作日",
     "source": ART43 + "第一款：采购人应当自收到评审报告之日起5个工作日内确定中标或者成交供应商", "confidence": "L"},
    {"name": "award_publish_workdays", "label": "确定中标（成交）供应商后发出通知书并公告结果的期限",
     "region_code": "", "level": "", "effective_from": "2015-03-01", "kind": "int", "value": "2", "unit": "工作日",
     "source": ART43 + "第二款（自中标、成交供应商确定之日起2个工作日内发出通知书并公告）；财政部令第87号第六十九条",
     "confidence": "L"},
    # the award notice tells the winner the period; the contracts issue warns when it is exceeded
    {"name": "contract_sign_days", "label": "中标（成交）通知书发出后签订政府采购合同的期限",
     "region_code": "", "level": "", "effective_from": "2015-03-01", "kind": "int", "value": "30", "unit": "日",
     "source": "政府采购法第四十六条第一款：自中标、成交通知书发出之日起三十日内签订政府采购合同", "confidence": "L"},
]


def ensure(RuleParameter=None) -> None:
    params.seed(PARAMETERS, RuleParameter)
