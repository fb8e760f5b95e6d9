import datetime as dt
from decimal import Decimal

import pytest

from core import params
from core.data.rule_parameters import SPECS, parameters
from core.errors import BusinessError
from core.models import RuleParameter

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat
WAN = Decimal(10000)


def goods(region_code, level="", on=None):
    return params.value("decentralized_limit_goods", region_code=region_code, level=level, on=on)


def works(region_code, level="", on=None):
    return params.value("decentralized_limit_works", region_code=region_code, level=level, on=on)


def test_xiamen_limits():
    assert goods("350200", "city") == 100 * WAN
    assert works("350200", "city") == 200 * WAN
    assert goods("350203", "county") == 100 * WAN  # 思明区 inherits 厦门


def test_gulou_inherits_fuzhou():
    row = params.lookup("decentralized_limit_goods", region_code="350102", level="county", on=D("2026-03-01"))
    assert row.region_code == "350100"
    assert goods("350102", "county") == 50 * WAN
    assert works("350102", "county") == 100 * WAN


def test_pingtan_has_its_own_limit_not_fuzhous():
    # 350128 sits in 福州's code range, but the region tree hangs it directly under the province
    assert params.region_chain("350128") == ["350128", "350000", ""]
    row = params.lookup("decentralized_limit_works", region_code="350128", level="city")
    assert row.region_code == "350128"
    assert row.value == "600000"
    assert works("350128", "city") == 60 * WAN
    assert goods("350128", "city") == 50 * WAN


def test_other_fujian_cities():
    for code in ("350500", "350600", "350400", "350300"):  # 泉州 漳州 三明 莆田
        assert (goods(code, "city"), works(code, "city")) == (50 * WAN, 100 * WAN), code
    for code in ("350800", "350900", "350700"):  # 龙岩 宁德 南平
        assert (goods(code, "city"), works(code, "city")) == (50 * WAN, 60 * WAN), code


def test_fujian_province_goods_limit_by_edition():
    assert goods("350000", "province", on=D("2023-06-01")) == Decimal("500000")
    assert goods("350000", "province", on=D("2024-06-01")) == Decimal("1000000")
    assert params.lookup("decentralized_limit_goods", region_code="350000", level="province",
                         on=D("2024-06-01")).confidence == "P"
    # works kept its 2022 value through the 2024 edition
    assert works("350000", "province", on=D("2023-06-01")) == works("350000", "province", on=D("2024-06-01")) \
        == Decimal("1000000")


def test_jiangxi_limits_by_level():
    assert goods("360000", "province") == 100 * WAN
    assert goods("360100", "city") == 50 * WAN
    assert goods("360121", "county") == 50 * WAN
    for code, level in (("360000", "province"), ("360100", "city"), ("360121", "county")):
        assert works(code, level) == 60 * WAN


def test_open_tender_threshold():
    assert params.value("open_tender_threshold") == 200 * WAN
    assert params.value("open_tender_threshold", region_code="350000", level="province",
                        on=D("2024-06-01")) == 400 * WAN
    assert params.value("open_tender_threshold", region_code="350000", level="province",
                        on=D("2023-06-01")) == 200 * WAN
    assert params.value("open_tender_threshold", region_code="350100", level="city",
                        on=D("2024-06-01")) == 200 * WAN
    assert params.value("open_tender_threshold", region_code="360100", level="city") == 200 * WAN


def test_regional_overrides_of_national_numbers():
    assert params.value("sme_reserved_share_min") == Decimal("30")
    assert params.value("sme_reserved_share_min", region_code="350102", level="county") == Decimal("40")
    assert params.value("sme_reserved_share_min", region_code="360100", level="city") == Decimal("30")
    assert params.value("sme_price_deduction_min", region_code="350000", level="province") == Decimal("15")
    assert params.value("sme_price_deduction_min", region_code="360000", level="province") == Decimal("10")
    assert params.value("expert_draw_days_before", region_code="350100", on=D("2025-03-01")) == 0
    assert params.value("expert_draw_days_before", region_code="350100", on=D("2024-03-01")) == 2
    assert params.value("expert_draw_days_before", region_code="360100", on=D("2025-03-01")) == 2


def test_value_types_follow_kind():
    assert params.value("late_interest_daily_pct") == Decimal("0.05")
    days = params.value("contract_filing_workdays")
    assert days == 7 and isinstance(days, int)
    assert params.value("login_max_failures") == 5
    assert params.value("login_lock_minutes") == 15
    assert params.value("expert_committee_large_amount") == 1000 * WAN


def test_missing_parameter_raises_business_error_in_chinese():
    with pytest.raises(BusinessError) as exc:
        params.value("no_such_parameter", region_code="350100")
    assert "未配置" in exc.value.message and "no_such_parameter" in exc.value.message
    assert exc.value.code == "parameter_missing"


def test_no_row_in_force_before_first_edition_raises():
    with pytest.raises(BusinessError):
        goods("350000", "province", on=D("2021-12-31"))


def test_seed_is_complete_and_well_formed():
    from orgs.models import Region

    seeded = parameters()
    key = ("name", "region_code", "level", "effective_from")
    for row in seeded:  # other apps' migrations add their own parameters next to these
        assert RuleParameter.objects.filter(**{k: row[k] for k in key}).count() == 1, row
    assert {p["name"] for p in seeded} == set(SPECS)
    region_codes = set(Region.objects.values_list("code", flat=True)) | {""}
    for p in RuleParameter.objects.all():
        assert p.region_code in region_codes, p
        assert p.level in ("", "province", "city", "county"), p
        assert p.confidence in ("", "L", "P", "Q", "R", "M"), p
        assert p.label and p.unit and p.source, p
        if p.kind == RuleParameter.KIND_INT:
            assert str(int(p.value)) == p.value, p
        else:
            assert p.kind == RuleParameter.KIND_DECIMAL and Decimal(p.value) >= 0, p


def test_every_rules_md_number_is_seeded():
    names = set(RuleParameter.objects.values_list("name", flat=True))
    assert {
        "decentralized_limit_goods", "decentralized_limit_works", "open_tender_threshold",
        "sme_small_project_goods", "sme_small_project_works", "sme_reserved_share_min", "sme_micro_share_min",
        "sme_price_deduction_min", "sme_price_deduction_max", "intention_min_days",
        "single_source_publicity_workdays", "single_source_addon_max_pct", "contract_sign_max_days",
        "contract_announce_workdays", "contract_filing_workdays", "supplementary_max_pct",
        "performance_bond_max_pct", "sme_payment_days", "sme_payment_days_agreed", "late_interest_daily_pct",
        "import_expert_min", "expert_committee_min_tender", "expert_committee_min_tender_large",
        "expert_committee_large_amount", "expert_committee_min_other", "expert_committee_min_other_large",
        "expert_avoid_years", "expert_draw_days_before", "winner_report_workdays", "winner_confirm_workdays",
        "records_keep_years", "attachment_max_mb", "login_max_failures", "login_lock_minutes",
    } <= names
    # every nationwide number resolves for any region without a regional row
    for name in names - {"decentralized_limit_goods", "decentralized_limit_works"}:
        assert params.lookup(name, region_code="360700", level="city").name == name
