"""Builders for tests of any app that meet the budget platform: its records and its signed HTTP requests."""

import json

from core.testing import client_for
from integration import signing
from integration.models import PlatformUnit
from integration.simulator import PATHS

SECRET = "test-secret-0123456789abcdef"
SIGNATURE_VERSION = 2


def new_record(unit=None, *, bgt_id="BGT2026000001", amount="100000.00", agency_code=None, div=None, year=2026,
               **extra):
    """An indicator record (ACTION new) as the platform sends it; `extra` sets or adds wire fields."""
    rec = {
        "ACTION": "new", "BGT_ID": bgt_id, "MOF_DIV_CODE": div or (unit.region.code if unit else "350000"),
        "FISCAL_YEAR": year, "AGENCY_CODE": agency_code or (unit.budget_code if unit else "350009999"),
        "PRO_CODE": f"P{bgt_id}", "PRO_NAME": "教学设备购置", "COR_BGT_DOC_NO": "闽财教指〔2026〕1号",
        "BGT_TYPE_CODE": "1", "SOURCE_TYPE_CODE": "1", "FUND_TYPE_CODE": "111", "EXP_FUNC_CODE": "2050204",
        "GOV_BGT_ECO_CODE": "50601", "DEP_BGT_ECO_CODE": "31002", "PAY_TYPE_CODE": "11", "IS_GOV_PUR": "1",
        "AMOUNT": amount, "BGT_EXE_FLAG": "1",
    }
    rec.update(extra)
    return rec


def post_signed(kind, body=None, *, message_id, raw=None, client_id="bp-test", secret=SECRET, timestamp=None,
                headers=None, version=SIGNATURE_VERSION, path=None, ip="127.0.0.1"):
    """POST `body` (or `raw` bytes) to the platform endpoint of `kind`, signed like the real platform; returns
    the response. `path` is the path signed (default the endpoint's); `headers` replace signed headers (value
    None: dropped)."""
    raw = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode()
    h = signing.headers(client_id, secret, message_id, raw, timestamp=timestamp, version=version,
                        path=path or PATHS[kind])
    for k, v in (headers or {}).items():
        if v is None:
            h.pop(k, None)
        else:
            h[k] = v
    return client_for(None, REMOTE_ADDR=ip).post(PATHS[kind], data=raw, content_type="application/json", headers=h)


def on_platform(unit, year=2026) -> PlatformUnit:
    """The platform's record of `unit` (as its unit feed would have sent it): what registration checks against."""
    return PlatformUnit.objects.create(agency_code=unit.budget_code, agency_name=unit.name,
                                       credit_code=unit.credit_code, mof_div_code=unit.region.code, fiscal_year=year)
