import json
import time

import pytest
from django.test import Client

from integration import signing
from integration.models import PlatformClient

SECRET = "test-secret-0123456789abcdef"
PATHS = {"indicator": "/api/integration/budget-platform/indicators",
         "unit": "/api/integration/budget-platform/units",
         "subordination": "/api/integration/budget-platform/subordinations"}


@pytest.fixture
def platform_client(db):
    from integration.params import ensure

    ensure()  # without `world` (core.reference.ensure_reference_data) a flushed database lacks it
    return PlatformClient.objects.create(client_id="bp-test", name="测试一体化平台", secret=SECRET)


SIGNATURE_VERSION = 2


@pytest.fixture
def send(platform_client):
    """send(kind, body, message_id=..., **overrides) → (status, json). Signs like the real platform; overrides:
    raw (bytes instead of JSON), secret, client_id, timestamp, version (1 = the old signature), path (the
    path signed, default the endpoint's), ip (REMOTE_ADDR), headers (replace/drop: value None)."""
    counter = iter(range(1, 10_000))

    def _send(kind, body=None, *, message_id=None, raw=None, secret=SECRET, client_id="bp-test", timestamp=None,
              headers=None, version=None, path=None, ip="127.0.0.1"):
        raw = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode()
        message_id = message_id or f"MSG-{next(counter):05d}-{time.monotonic_ns()}"
        h = signing.headers(client_id, secret, message_id, raw, timestamp=timestamp,
                            version=version or SIGNATURE_VERSION, path=path or PATHS[kind])
        for k, v in (headers or {}).items():
            if v is None:
                h.pop(k, None)
            else:
                h[k] = v
        resp = Client(REMOTE_ADDR=ip).post(PATHS[kind], data=raw, content_type="application/json", headers=h)
        return resp.status_code, resp.json()

    return _send


def new_record(unit=None, *, bgt_id="BGT2026000001", amount="100000.00", agency_code=None, div=None, year=2026,
               **extra):
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


_seq = iter(range(1, 1_000_000))


def make_indicator(unit=None, *, amount="1000.00", source="platform", **kw):
    """A platform indicator (or a virtual budget) straight in the table, for the re-matching tests."""
    from decimal import Decimal

    from budgets.models import BudgetIndicator

    n = next(_seq)
    fields = {"bgt_id": f"T-BGT-{n:06d}", "agency_code": unit.budget_code if unit is not None else f"99{n:07d}",
              "mof_div_code": unit.region.code if unit is not None else "350000", "fiscal_year": 2026,
              "pro_code": f"P{n:06d}", "pro_name": f"预算项目{n}", "amount": Decimal(amount),
              "cur_amt": Decimal(amount)}
    fields.update(kw)
    return BudgetIndicator.objects.create(unit=unit, source=source, **fields)


def make_project(unit, clerk, name="办公设备采购项目"):
    """A stand-in document holding money (its label and unit are what a warning shows)."""
    from projects.models import Project

    n = next(_seq)
    return Project.objects.create(number=f"ZC-T-2026-{n:06d}", unit=unit, created_by=clerk, name=name,
                                  fiscal_year=2026, implementation_form="general", procurement_kind="goods")
