"""The integration's rule parameters. Seeded by core/migrations/0006_integration_params.py; `ensure` puts them
back after a test flush (core.reference re-seeds only core's own list)."""

from core import params

KEY = params.SEED_KEY

PARAMETERS = [
    {"name": "integration_max_skew_seconds", "label": "一体化接口消息时间戳允许偏差", "region_code": "", "level": "",
     "effective_from": "2020-01-01", "kind": "int", "value": "300", "unit": "秒",
     "source": "DESIGN.md §6：重放与过期消息拒收", "confidence": ""},
    {"name": "integration_rate_window_seconds", "label": "一体化接口限流统计窗口", "region_code": "", "level": "",
     "effective_from": "2020-01-01", "kind": "int", "value": "60", "unit": "秒",
     "source": "issue 6 第6项：接口限流（按客户端、未认证请求按来源地址）", "confidence": ""},
    {"name": "integration_refused_per_window", "label": "一体化接口窗口内允许的拒收请求数", "region_code": "",
     "level": "", "effective_from": "2020-01-01", "kind": "int", "value": "30", "unit": "次",
     "source": "issue 6 第6项：拒收请求限流（已认证按客户端，未认证按来源地址）", "confidence": ""},
    {"name": "integration_requests_per_window", "label": "一体化接口窗口内每个客户端允许的请求数", "region_code": "",
     "level": "", "effective_from": "2020-01-01", "kind": "int", "value": "1200", "unit": "次",
     "source": "issue 6 第6项：按客户端限流", "confidence": ""},
]


def ensure(RuleParameter=None) -> None:
    params.seed(PARAMETERS, RuleParameter)
