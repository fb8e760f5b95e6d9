"""Issue 6 hardening of the budget platform's feed (items 6, 7, 10 and 22): the requests an attacker or a
careless sender makes, the money bounds, the scope of the 一体化 pages and what the README promises."""

import datetime as dt
import hashlib
import io
import json
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from budgets.models import BudgetIndicator
from core.models import RuleParameter
from core.money import MAX_AMOUNT, MAX_AMOUNT_MESSAGE
from core.testing import client_for
from integration import signing, simulator
from integration.models import InboundMessage, PlatformClient, PlatformSubordination, PlatformUnit
from orgs.models import Role
from orgs.testing import credit_code, make_user

from .support import PATHS, SECRET, new_record
from .test_views import table

pytestmark = pytest.mark.django_db


def only_message():
    assert InboundMessage.objects.count() == 1
    return InboundMessage.objects.get()


def nested(depth: int) -> bytes:
    return b'{"records": ' + b"[" * depth + b"]" * depth + b"}"


def set_param(name, value):
    assert RuleParameter.objects.filter(name=name).update(value=str(value)) >= 1


# ---- item 6: parse only after the signature; never a 500 ------------------------------------------------


def test_deeply_nested_json_with_a_bad_signature_is_401_and_never_parsed(world, send):
    status, reply = send("indicator", raw=nested(200_000), secret="wrong")
    assert status == 401 and reply["code"] == "bad_signature"
    assert only_message().status == "refused"


def test_deeply_nested_json_with_a_good_signature_is_400(world, send):
    status, reply = send("indicator", raw=nested(200_000))
    assert status == 400 and reply["code"] == "invalid" and "JSON" in reply["message"]
    assert not BudgetIndicator.objects.exists()


def test_a_refused_body_is_kept_as_an_excerpt_with_its_size_and_sha256(world, send):
    raw = b'{"PAD": "' + b"x" * 3_000_000 + b'"}'
    status, _ = send("indicator", raw=raw, secret="wrong")
    assert status == 401
    msg = only_message()
    assert len(msg.body.encode()) <= 4096 + 100
    assert msg.body_size == len(raw) and msg.body_sha256 == hashlib.sha256(raw).hexdigest()


def test_an_applied_body_is_kept_whole_with_its_size(world, send):
    raw = json.dumps(new_record(world.dept)).encode()
    assert send("indicator", raw=raw)[0] == 200
    msg = only_message()
    assert msg.body == raw.decode() and msg.body_size == len(raw)


def test_refused_requests_are_limited_per_source_ip_with_429(world, send):
    set_param("integration_refused_per_window", 3)
    for _ in range(3):
        assert send("indicator", new_record(world.dept), secret="wrong", ip="10.0.0.9")[0] == 401
    status, reply = send("indicator", new_record(world.dept), secret="wrong", ip="10.0.0.9")
    assert status == 429 and reply["code"] == "rate_limited" and "频繁" in reply["message"]
    assert InboundMessage.objects.count() == 3  # the refused flood stops being stored
    assert send("indicator", new_record(world.dept), secret="wrong", ip="10.0.0.10")[0] == 401  # another IP
    # the genuine client, signing correctly, is not blocked by the attacker's address
    assert send("indicator", new_record(world.dept), ip="10.0.0.9")[0] == 200


def test_refused_requests_of_an_authenticated_client_are_limited(world, send):
    set_param("integration_refused_per_window", 2)
    for ip in ("10.0.0.1", "10.0.0.2"):
        assert send("indicator", {"ACTION": "new"}, ip=ip)[0] == 400
    status, reply = send("indicator", {"ACTION": "new"}, ip="10.0.0.3")
    assert status == 429 and reply["code"] == "rate_limited"


def test_all_requests_are_limited_per_client(world, send, platform_client):
    set_param("integration_requests_per_window", 2)
    assert send("indicator", new_record(world.dept, bgt_id="A"))[0] == 200
    assert send("indicator", new_record(world.dept, bgt_id="B"))[0] == 200
    status, reply = send("indicator", new_record(world.dept, bgt_id="C"))
    assert status == 429 and "频繁" in reply["message"]
    assert not BudgetIndicator.objects.filter(bgt_id="C").exists()
    PlatformClient.objects.create(client_id="other", name="另一平台", secret="other-secret")
    assert send("indicator", new_record(world.dept, bgt_id="D"), client_id="other", secret="other-secret")[0] == 200


def test_a_bad_signature_shows_no_client_and_no_region(world, send):
    admin = make_user("sysadmin", world.fj_reg_unit, Role.ADMIN)
    send("indicator", new_record(world.fz_unit), secret="wrong", message_id="FORGED")
    msg = only_message()
    assert msg.client is None and msg.client_label == ""
    assert (msg.region_path, msg.mof_div_code, msg.agency_code, msg.fiscal_year) == ("", "", "", None)
    assert msg.claimed_client == "bp-test"
    for reg in (world.fj_reg, world.fz_reg):
        assert "FORGED" not in table(client_for(reg).get("/integration/messages/"))
        assert client_for(reg).get(f"/integration/messages/{msg.pk}/").status_code == 404
    log = table(client_for(admin).get("/integration/messages/"))
    assert "FORGED" in log and "测试一体化平台" not in log and "bp-test" not in log
    assert "未认证" in log


def test_a_stale_but_signed_message_is_not_trusted_either(world, send):
    send("indicator", new_record(world.fz_unit), timestamp=int(time.time()) - 86400)
    msg = only_message()
    assert msg.client is None and msg.region_path == ""


# ---- item 6: signature version 2 and the old version's cut-off date -------------------------------------


def test_v2_signature_is_accepted(world, send):
    status, reply = send("indicator", new_record(world.dept))
    assert status == 200 and reply["status"] == "applied"
    assert only_message().signature_version == 2


def test_v2_signature_covers_the_endpoint_path(world, send):
    status, reply = send("indicator", new_record(world.dept), path=PATHS["unit"])
    assert status == 401 and reply["code"] == "bad_signature"
    assert not BudgetIndicator.objects.exists()


def test_v2_signature_covers_the_method(world, send):
    raw = json.dumps(new_record(world.dept)).encode()
    h = signing.headers("bp-test", SECRET, "M-1", raw, path=PATHS["indicator"], method="PUT")
    status, _ = send("indicator", raw=raw, headers=h)
    assert status == 401


def test_v1_is_refused_when_the_client_has_no_cut_off_date(world, send):
    status, reply = send("indicator", new_record(world.dept), version=1)
    assert status == 401 and reply["code"] == "signature_version" and "X-Signature-Version: 2" in reply["message"]
    assert not BudgetIndicator.objects.exists()


def test_v1_is_accepted_until_the_clients_date_and_not_after(world, send, platform_client):
    today = timezone.localdate()
    platform_client.v1_accepted_until = today
    platform_client.save()
    assert send("indicator", new_record(world.dept, bgt_id="A"), version=1)[0] == 200
    platform_client.v1_accepted_until = today - dt.timedelta(days=1)
    platform_client.save()
    status, reply = send("indicator", new_record(world.dept, bgt_id="B"), version=1)
    assert status == 401 and reply["code"] == "signature_version"


def test_an_unknown_signature_version_is_refused(world, send):
    status, reply = send("indicator", new_record(world.dept), headers={"X-Signature-Version": "3"})
    assert status == 401 and reply["code"] == "signature_version"


def test_the_administrator_sets_the_cut_off_with_a_command(world, platform_client):
    out = io.StringIO()
    call_command("platform_client", "bp-test", "--accept-v1-until", "2027-03-31", stdout=out)
    platform_client.refresh_from_db()
    assert platform_client.v1_accepted_until == dt.date(2027, 3, 31) and "2027-03-31" in out.getvalue()
    call_command("platform_client", "bp-test", "--accept-v1-until", "none", stdout=out)
    platform_client.refresh_from_db()
    assert platform_client.v1_accepted_until is None
    from audit.models import AuditLog

    assert AuditLog.objects.filter(action="platform_client.v1_cutoff").count() == 2


def test_the_command_refuses_a_bad_date_or_client(world, platform_client):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="日期"):
        call_command("platform_client", "bp-test", "--accept-v1-until", "2027-13-01")
    with pytest.raises(CommandError, match="未登记"):
        call_command("platform_client", "nobody", "--accept-v1-until", "2027-01-01")


def test_the_simulator_signs_v2(world):
    client = simulator.ensure_client()
    seen = []

    def send(path, headers, raw):
        seen.append((path, headers, raw))
        return 200, {"status": "applied"}

    simulator.deliver(simulator.build_messages(2026)[:1], send, client)
    path, headers, raw = seen[0]
    assert headers["X-Signature-Version"] == "2"
    assert signing.verify_v2(client.secret, "POST", path, headers["X-Timestamp"], headers["X-Message-Id"], raw,
                             headers["X-Signature"])


# ---- item 6: fullwidth digits, "-0" and absurd timestamps ------------------------------------------------


@pytest.mark.parametrize("field,value", [
    ("AMOUNT", "１００００.００"), ("AMOUNT", "-0"), ("AMOUNT", "-0.00"), ("CUR_AMT", "-0.00"),
    ("AGENCY_CODE", "３５０００１００１"), ("MOF_DIV_CODE", "３５００００"), ("FISCAL_YEAR", "２０２６"),
    ("BGT_ID", "ＢＧＴ1"), ("PRO_CODE", "P١٢٣"), ("EXP_FUNC_CODE", "２０５０２０４"),
])
def test_fullwidth_digits_and_negative_zero_are_refused(world, send, field, value):
    status, reply = send("indicator", new_record(world.dept, **{field: value}))
    assert status == 400 and field in reply["errors"], reply
    assert not BudgetIndicator.objects.exists()


def test_negative_zero_as_a_json_number_is_refused(world, send):
    raw = json.dumps(new_record(world.dept)).replace('"100000.00"', "-0").encode()
    status, reply = send("indicator", raw=raw)
    assert status == 400 and "AMOUNT" in reply["errors"]
    raw = json.dumps(new_record(world.dept)).replace('"100000.00"', "-0.0").encode()
    assert send("indicator", raw=raw)[0] == 400


@pytest.mark.parametrize("value", ["-0", "-0.00", "－100.00", "-１00.00"])
def test_adj_amt_refuses_negative_zero_and_fullwidth(world, send, value):
    assert send("indicator", new_record(world.dept))[0] == 200
    status, reply = send("indicator", {"ACTION": "adjust", "BGT_ID": "BGT2026000001", "ADJ_AMT": value,
                                       "ADJ_BATCH_NO": "T1"})
    assert status == 400 and "ADJ_AMT" in reply["errors"]


def test_unit_and_subordination_codes_refuse_fullwidth(world, send):
    status, reply = send("unit", {"AGENCY_CODE": "３５０１００７７７", "AGENCY_NAME": "某单位", "USCC": credit_code(777),
                                  "MOF_DIV_CODE": "350100", "FISCAL_YEAR": 2026})
    assert status == 400 and "AGENCY_CODE" in reply["errors"]
    status, reply = send("subordination", {"AGENCY_CODE": "350100777", "SUPER_AGENCY_CODE": "３５０００１００１"})
    assert status == 400 and "SUPER_AGENCY_CODE" in reply["errors"]


@pytest.mark.parametrize("timestamp", ["1" * 400, "１７６４６０００００"])
def test_a_malformed_timestamp_header_is_refused_not_500(world, send, timestamp):
    raw = json.dumps(new_record(world.dept)).encode()
    h = {"X-Client-Id": "bp-test", "X-Message-Id": "TS-1", "X-Timestamp": timestamp, "X-Signature-Version": "2",
         "X-Signature": signing.signature_v2(SECRET, "POST", PATHS["indicator"], timestamp, "TS-1", raw)}
    status, reply = send("indicator", raw=raw, headers=h)
    assert status in (400, 401) and reply["code"] == "bad_timestamp"


def test_a_400_digit_timestamp_through_the_helper_is_refused(world, send):
    status, reply = send("indicator", new_record(world.dept), timestamp=10**400)
    assert status in (400, 401) and reply["code"] == "bad_timestamp"


# ---- item 7: the system's maximum amount ------------------------------------------------------------------


@pytest.mark.parametrize("field", ["AMOUNT", "CUR_AMT"])
def test_an_amount_above_the_maximum_is_refused_with_the_field_error(world, send, field):
    status, reply = send("indicator", new_record(world.dept, **{field: "9999999999999999.99"}))
    assert status == 400 and reply["errors"][field] == MAX_AMOUNT_MESSAGE.rstrip("。")
    assert not BudgetIndicator.objects.exists()


def test_the_maximum_itself_is_accepted(world, send):
    assert send("indicator", new_record(world.dept, amount=f"{MAX_AMOUNT}"))[0] == 200
    assert BudgetIndicator.objects.get().amount == MAX_AMOUNT


def test_an_adjustment_above_the_maximum_delta_is_refused(world, send):
    assert send("indicator", new_record(world.dept))[0] == 200
    status, reply = send("indicator", {"ACTION": "adjust", "BGT_ID": "BGT2026000001",
                                       "ADJ_AMT": "-9999999999999999.99", "ADJ_BATCH_NO": "T1"})
    assert status == 400 and "ADJ_AMT" in reply["errors"]


def test_an_adjustment_cannot_push_an_indicator_beyond_the_maximum(world, send):
    assert send("indicator", new_record(world.dept, amount="9999999999000.00"))[0] == 200
    status, reply = send("indicator", {"ACTION": "adjust", "BGT_ID": "BGT2026000001", "ADJ_AMT": "1000.00",
                                       "ADJ_BATCH_NO": "T1"})
    assert status == 422 and reply["code"] == "amount_too_large" and "ADJ_AMT" in reply["errors"]
    assert BudgetIndicator.objects.get().amount == Decimal("9999999999000.00")
    assert send("indicator", {"ACTION": "adjust", "BGT_ID": "BGT2026000001", "ADJ_AMT": "999.99",
                              "ADJ_BATCH_NO": "T2"})[0] == 200


# ---- item 10: 一体化单位基本信息 / 一体化隶属关系 stay inside the region -------------------------------------------


def test_a_platform_unit_row_pointing_at_a_foreign_unit_is_not_shown(world):
    # the platform files 南昌一中's credit code under 福建's 财政区划: 福建 must not see 江西's unit through it
    PlatformUnit.objects.create(agency_code="350000999", agency_name="冒名单位", credit_code=world.jx_unit.credit_code,
                                mof_div_code="350000", fiscal_year=2025)
    html = table(client_for(world.fj_reg).get("/integration/units/"))
    assert "南昌市第一中学" not in html and world.jx_unit.budget_code not in html
    assert "冒名单位" not in html


def test_platform_units_with_an_empty_or_foreign_region_are_not_shown(world):
    PlatformUnit.objects.create(agency_code="990000001", agency_name="无区划单位", credit_code=credit_code(901),
                                mof_div_code="990000", fiscal_year=2026)
    for reg in (world.fj_reg, world.fz_reg, world.jx_reg):
        assert "无区划单位" not in table(client_for(reg).get("/integration/units/"))
    assert "南昌市第一中学" not in table(client_for(world.fj_reg).get("/integration/units/"))


def test_a_subordination_whose_unit_is_elsewhere_is_not_shown(world, send):
    # 南昌一中 reported under 福建's 财政区划 and a 福建 superior
    send("subordination", {"AGENCY_CODE": world.jx_unit.budget_code, "SUPER_AGENCY_CODE": world.dept.budget_code,
                           "MOF_DIV_CODE": "350000"})
    assert PlatformSubordination.objects.get().region_path == "/350000/"
    html = table(client_for(world.fj_reg).get("/integration/subordinations/"))
    assert world.jx_unit.budget_code not in html and "南昌市第一中学" not in html


def test_a_superior_elsewhere_is_not_named(world, send):
    # a 福建 unit under a 江西 superior: the superior's name is not 福建's to see
    send("subordination", {"AGENCY_CODE": world.sub1.budget_code, "SUPER_AGENCY_CODE": world.jx_unit.budget_code})
    html = table(client_for(world.fj_reg).get("/integration/subordinations/"))
    assert world.sub1.budget_code in html and "南昌市第一中学" not in html


def test_a_subordination_with_an_empty_region_is_not_shown(world):
    PlatformSubordination.objects.create(agency_code="990000001", super_agency_code="", mof_div_code="")
    for reg in (world.fj_reg, world.fz_reg, world.jx_reg):
        assert "990000001" not in table(client_for(reg).get("/integration/subordinations/"))


# ---- item 22: the README says what happens ------------------------------------------------------------------


def test_the_readme_states_the_linking_and_signature_v2_truly():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## The budget platform"):readme.index("## Layout")]
    assert "once its registration is approved, 重置预算匹配 links them" not in section
    assert "X-Signature-Version: 2" in section and "v1_accepted_until" in section
    assert "platform_client" in section


def test_the_administrator_opens_a_refused_deeply_nested_message(world, send):
    admin = make_user("sysadmin", world.fj_reg_unit, Role.ADMIN)
    send("indicator", raw=nested(200_000), secret="wrong", message_id="DEEP")
    resp = client_for(admin).get(f"/integration/messages/{only_message().pk}/")
    assert resp.status_code == 200 and "未认证" in resp.content.decode()
