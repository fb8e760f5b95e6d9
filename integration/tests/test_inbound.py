"""The inbound feed end to end through the HTTP endpoints (django.test.Client, signed like the platform)."""

import json
import logging
import time
from decimal import Decimal

import pytest
from django.db import transaction

from audit.models import AuditLog
from budgets import ledger
from budgets.models import BudgetIndicator
from budgets.tests.factories import make_project
from core.errors import BusinessError
from core.models import RuleParameter
from integration import services
from integration.models import InboundMessage, PlatformSubordination, PlatformUnit
from supervision.models import Warning

from .support import PATHS, SECRET, new_record

pytestmark = pytest.mark.django_db


def only_message():
    assert InboundMessage.objects.count() == 1
    return InboundMessage.objects.get()


def reserve(indicator, amount, holder, actor):
    with transaction.atomic():
        ledger.reserve(actor=actor, holder=holder, amounts={indicator.pk: Decimal(amount)}, reason="测试占用")


# ---- new / adjust / carry_over / delete ------------------------------------------------------------------


def test_new_indicator_is_created_with_the_platform_fields_and_linked_to_the_unit(world, send):
    status, reply = send("indicator", new_record(world.dept, amount="1250000.50"), message_id="IND-0001")
    assert status == 200 and reply["status"] == "applied"
    ind = BudgetIndicator.objects.get(bgt_id="BGT2026000001")
    assert ind.unit == world.dept and ind.source == BudgetIndicator.SOURCE_PLATFORM
    assert ind.amount == Decimal("1250000.50") and ind.cur_amt == Decimal("1250000.50") and ind.reserved == 0
    assert (ind.pro_name, ind.fund_type_code, ind.dep_bgt_eco_code, ind.is_gov_pur, ind.is_executable, ind.is_valid) \
        == ("教学设备购置", "111", "31002", True, True, True)
    msg = only_message()
    assert (msg.status, msg.kind, msg.action, msg.message_id, msg.http_status) == \
        ("applied", "indicator", "new", "IND-0001", 200)
    assert (msg.agency_code, msg.mof_div_code, msg.fiscal_year, msg.region_path) == \
        ("350001001", "350000", 2026, "/350000/")
    assert msg.result["records"][0]["outcome"] == "已新增"
    assert AuditLog.objects.filter(action="indicator.platform_new", object_key=f"budgets.budgetindicator:{ind.pk}")\
        .exists()


def test_an_indicator_of_an_unknown_agency_code_is_kept_without_a_unit(world, send):
    status, _ = send("indicator", new_record(None, agency_code="350100999", div="350100"))
    assert status == 200
    ind = BudgetIndicator.objects.get()
    assert ind.unit is None and ind.agency_code == "350100999"
    assert "未匹配" in only_message().result["records"][0]["outcome"]


def test_money_as_a_json_number_is_read_exactly_and_is_gov_pur_0(world, send):
    raw = json.dumps(new_record(world.dept, IS_GOV_PUR="0")).replace('"AMOUNT": "100000.00"', '"AMOUNT": 0.1')
    status, _ = send("indicator", raw=raw.encode())
    assert status == 200
    ind = BudgetIndicator.objects.get()
    assert ind.amount == Decimal("0.10") and ind.is_gov_pur is False


def test_adjustments_up_and_down(world, send):
    send("indicator", new_record(world.dept, amount="100000.00"))
    status, reply = send("indicator", {"ACTION": "adjust", "BGT_ID": "BGT2026000001", "ADJ_AMT": "25000.00",
                                       "ADJ_BATCH_NO": "TZ1"})
    assert status == 200 and reply["records"][0]["outcome"] == "已调增"
    status, _ = send("indicator", {"ACTION": "adjust", "BGT_ID": "BGT2026000001", "ADJ_AMT": "-5000.50",
                                   "ADJ_BATCH_NO": "TZ2", "CUR_AMT": "90000.00", "AMOUNT": "119999.50"})
    assert status == 200
    ind = BudgetIndicator.objects.get()
    assert ind.amount == Decimal("119999.50") and ind.cur_amt == Decimal("90000.00") and ind.adj_batch_no == "TZ2"
    assert not Warning.objects.exists()
    # the adjustment message names only BGT_ID: its region and unit come from the indicator
    adjust = InboundMessage.objects.filter(action="adjust").first()
    assert (adjust.agency_code, adjust.region_path) == ("350001001", "/350000/")


def test_an_adjustment_with_an_inconsistent_amount_or_below_zero_fails_and_changes_nothing(world, send):
    send("indicator", new_record(world.dept, amount="100000.00"))
    status, reply = send("indicator", {"ACTION": "adjust", "BGT_ID": "BGT2026000001", "ADJ_AMT": "-1000.00",
                                       "ADJ_BATCH_NO": "TZ1", "AMOUNT": "98000.00"})
    assert status == 422 and reply["code"] == "indicator_amount_mismatch"
    status, reply = send("indicator", {"ACTION": "adjust", "BGT_ID": "BGT2026000001", "ADJ_AMT": "-100000.01",
                                       "ADJ_BATCH_NO": "TZ1"})
    assert status == 422 and "负数" in reply["message"]
    assert BudgetIndicator.objects.get().amount == Decimal("100000.00")
    failed = InboundMessage.objects.filter(status="failed")
    assert failed.count() == 2 and all(m.error for m in failed)


def test_adjusting_an_unknown_indicator_fails_and_is_kept(world, send):
    status, reply = send("indicator", {"ACTION": "adjust", "BGT_ID": "NOPE", "ADJ_AMT": "1.00", "ADJ_BATCH_NO": "T"})
    assert status == 422 and reply["code"] == "indicator_unknown" and reply["errors"] == {"BGT_ID": reply["message"]}
    msg = only_message()
    assert msg.status == "failed" and "NOPE" in msg.error and msg.http_status == 422


def test_a_new_indicator_with_an_existing_bgt_id_fails(world, send):
    send("indicator", new_record(world.dept))
    status, reply = send("indicator", new_record(world.dept, amount="5.00"))
    assert status == 422 and reply["code"] == "indicator_exists"
    assert BudgetIndicator.objects.get().amount == Decimal("100000.00")


def test_carry_over_creates_the_new_year_and_stops_the_old_one(world, send):
    send("indicator", new_record(world.dept, bgt_id="BGT2025-1", year=2025, amount="300000.00"))
    old = BudgetIndicator.objects.get()
    reserve(old, "50000.00", "projects.project:999", world.dept_clerk)
    status, reply = send("indicator", new_record(world.dept, bgt_id="BGT2026-1", amount="120000.00",
                                                 ACTION="carry_over", ORI_BGT_ID="BGT2025-1"))
    assert status == 200, reply
    old.refresh_from_db()
    new = BudgetIndicator.objects.get(bgt_id="BGT2026-1")
    assert old.is_executable is False and old.is_valid is True and old.amount == Decimal("300000.00")
    assert new.ori_bgt_id == "BGT2025-1" and new.fiscal_year == 2026 and new.amount == Decimal("120000.00")
    assert new.unit == world.dept and new.usable
    warning = Warning.objects.get()
    assert (warning.kind, warning.target, warning.unit, warning.basis) == \
        ("indicator_not_executable", "projects.project:999", world.dept, "一体化指标结转")
    # money can no longer be reserved on the old one
    with pytest.raises(BusinessError):
        reserve(old, "1.00", "projects.project:1000", world.dept_clerk)


def test_carry_over_must_go_to_a_later_year(world, send):
    send("indicator", new_record(world.dept, bgt_id="OLD", year=2026))
    status, reply = send("indicator", new_record(world.dept, bgt_id="NEW", year=2026, ACTION="carry_over",
                                                 ORI_BGT_ID="OLD"))
    assert status == 422 and reply["code"] == "carry_over_year"
    assert not BudgetIndicator.objects.filter(bgt_id="NEW").exists()
    assert BudgetIndicator.objects.get(bgt_id="OLD").is_executable


def test_delete_invalidates_without_deleting_and_warns_the_holders(world, send):
    send("indicator", new_record(world.dept))
    ind = BudgetIndicator.objects.get()
    reserve(ind, "30000.00", "projects.project:999", world.dept_clerk)
    status, reply = send("indicator", {"ACTION": "delete", "BGT_ID": ind.bgt_id})
    assert status == 200 and reply["records"][0]["outcome"] == "已删除（指标失效）"
    ind.refresh_from_db()
    assert ind.is_valid is False and ind.is_executable is False and ind.reserved == Decimal("30000.00")
    warning = Warning.objects.get()
    assert (warning.kind, warning.level, warning.target, warning.basis) == \
        ("indicator_invalid", "warn", "projects.project:999", "一体化指标删除")
    # deleting again changes nothing and warns no one again
    status, reply = send("indicator", {"ACTION": "delete", "BGT_ID": ind.bgt_id})
    assert status == 200 and "无变化" in reply["records"][0]["outcome"]
    assert Warning.objects.count() == 1
    # and a deleted indicator cannot be adjusted
    status, _ = send("indicator", {"ACTION": "adjust", "BGT_ID": ind.bgt_id, "ADJ_AMT": "1.00", "ADJ_BATCH_NO": "X"})
    assert status == 422


def test_a_decrease_below_reservations_is_applied_and_flagged_on_every_holder(world, send):
    send("indicator", new_record(world.dept, amount="100000.00"))
    ind = BudgetIndicator.objects.get()
    project = make_project(world.dept, world.dept_clerk, name="教育厅办公设备采购")
    reserve(ind, "50000.00", "projects.project:999", world.dept_clerk)
    reserve(ind, "30000.00", ledger.holder_key(project), world.dept_clerk)
    status, reply = send("indicator", {"ACTION": "adjust", "BGT_ID": ind.bgt_id, "ADJ_AMT": "-40000.00",
                                       "ADJ_BATCH_NO": "TZ20260009"})
    assert status == 200 and reply["status"] == "applied"
    ind.refresh_from_db()
    assert ind.amount == Decimal("60000.00") and ind.reserved == Decimal("80000.00")
    assert ind.available == Decimal("-20000.00")  # the shortfall is in the data, not hidden
    assert ledger.ledger_reserved(ind.pk) == ind.reserved
    record = reply["records"][0]
    assert "缺口 20,000.00 元" in record["outcome"] and record["available"] == "-20000.00"
    warnings = {w.target: w for w in Warning.objects.all()}
    assert set(warnings) == {"projects.project:999", ledger.holder_key(project)}
    for w in warnings.values():
        assert (w.kind, w.level, w.basis, w.unit) == ("indicator_over_reserved", "warn", "一体化指标调减", world.dept)
        assert "缺口 20,000.00 元" in w.message
    assert warnings[ledger.holder_key(project)].target_label == str(project)
    assert "30,000.00" in warnings[ledger.holder_key(project)].message
    assert warnings["projects.project:999"].target_label == "projects.project:999"
    assert sorted(record["warnings"]) == sorted(w.pk for w in warnings.values())
    # no new reservation can be made on it
    with pytest.raises(BusinessError):
        reserve(ind, "0.01", "projects.project:1000", world.dept_clerk)


def test_a_decrease_that_stays_above_reservations_raises_no_warning(world, send):
    send("indicator", new_record(world.dept, amount="100000.00"))
    ind = BudgetIndicator.objects.get()
    reserve(ind, "50000.00", "projects.project:999", world.dept_clerk)
    status, _ = send("indicator", {"ACTION": "adjust", "BGT_ID": ind.bgt_id, "ADJ_AMT": "-50000.00",
                                   "ADJ_BATCH_NO": "TZ1"})
    assert status == 200
    ind.refresh_from_db()
    assert ind.available == 0 and not Warning.objects.exists()


def test_a_batch_is_all_or_nothing(world, send):
    body = {"records": [new_record(world.dept, bgt_id="A"), new_record(world.sub1, bgt_id="B"),
                        {"ACTION": "adjust", "BGT_ID": "MISSING", "ADJ_AMT": "1.00", "ADJ_BATCH_NO": "T"}]}
    status, reply = send("indicator", body, message_id="BATCH-1")
    assert status == 422
    assert not BudgetIndicator.objects.exists()
    msg = only_message()
    assert msg.status == "failed" and msg.record_count == 3 and "MISSING" in msg.error
    # the corrected batch under the same message id is applied (the failed one did not "use" the id)
    body["records"][2] = {"ACTION": "adjust", "BGT_ID": "A", "ADJ_AMT": "1.00", "ADJ_BATCH_NO": "T"}
    status, reply = send("indicator", body, message_id="BATCH-1")
    assert status == 200 and len(reply["records"]) == 3
    assert BudgetIndicator.objects.get(bgt_id="A").amount == Decimal("100001.00")
    assert BudgetIndicator.objects.get(bgt_id="B").unit == world.sub1
    applied = InboundMessage.objects.get(status="applied")
    assert applied.action == "batch" and applied.region_path == "/350000/" and applied.agency_code == ""


# ---- duplicates ----------------------------------------------------------------------------------------


def test_a_repeated_message_id_is_acknowledged_and_applied_once(world, send):
    send("indicator", new_record(world.dept, amount="100000.00"))
    adjust = {"ACTION": "adjust", "BGT_ID": "BGT2026000001", "ADJ_AMT": "-10000.00", "ADJ_BATCH_NO": "TZ1"}
    first = send("indicator", adjust, message_id="ADJ-1")
    second = send("indicator", adjust, message_id="ADJ-1")
    assert first[0] == 200 and first[1]["status"] == "applied"
    assert second[0] == 200 and second[1]["status"] == "duplicate"
    assert second[1]["original_id"] == first[1]["id"]
    assert BudgetIndicator.objects.get().amount == Decimal("90000.00")
    rows = InboundMessage.objects.filter(message_id="ADJ-1").order_by("id")
    assert [r.status for r in rows] == ["applied", "duplicate"]
    assert rows[1].result == {"original_id": rows[0].pk}


def test_a_duplicate_that_loses_the_race_after_the_first_check_is_acknowledged_not_applied(world, send,
                                                                                            monkeypatch):
    """The window between the duplicate check and the insert: the unique constraint decides (any database)."""
    send("indicator", new_record(world.dept, amount="100000.00"))
    adjust = {"ACTION": "adjust", "BGT_ID": "BGT2026000001", "ADJ_AMT": "-10000.00", "ADJ_BATCH_NO": "TZ1"}
    send("indicator", adjust, message_id="ADJ-1")
    real = services._applied
    calls = []

    def blind_first_check(client, message_id):
        calls.append(message_id)
        return None if len(calls) == 1 else real(client, message_id)

    monkeypatch.setattr(services, "_applied", blind_first_check)
    status, reply = send("indicator", adjust, message_id="ADJ-1")
    assert status == 200 and reply["status"] == "duplicate" and reply["original_id"]
    assert len(calls) == 2
    assert BudgetIndicator.objects.get().amount == Decimal("90000.00")
    assert InboundMessage.objects.filter(message_id="ADJ-1", status="applied").count() == 1


def test_message_ids_are_per_client(world, send, platform_client):
    from integration.models import PlatformClient

    PlatformClient.objects.create(client_id="bp-other", name="另一个平台", secret="other-secret")
    assert send("indicator", new_record(world.dept, bgt_id="X1"), message_id="SAME")[1]["status"] == "applied"
    status, reply = send("indicator", new_record(world.dept, bgt_id="X2"), message_id="SAME", client_id="bp-other",
                         secret="other-secret")
    assert reply["status"] == "applied"
    assert BudgetIndicator.objects.count() == 2


# ---- refusals ------------------------------------------------------------------------------------------


def test_a_bad_signature_is_refused_and_kept(world, send, caplog):
    with caplog.at_level(logging.WARNING, logger="zhengcai"):
        status, reply = send("indicator", new_record(world.fz_unit), secret="wrong-secret", message_id="BAD-SIG")
    assert status == 401 and reply["code"] == "bad_signature" and "签名" in reply["message"]
    assert not BudgetIndicator.objects.exists()
    msg = only_message()
    assert (msg.status, msg.http_status, msg.message_id) == ("refused", 401, "BAD-SIG")
    assert "签名校验失败" in msg.error
    # unauthenticated: not the client's, and no region (only the administrator's log shows it)
    assert (msg.client, msg.client_label, msg.claimed_client, msg.region_path) == (None, "", "bp-test", "")
    assert any("已拒收" in r.getMessage() and "BAD-SIG" in r.getMessage() for r in caplog.records)


def test_a_tampered_body_fails_the_signature(world, send):
    from integration import signing

    raw = json.dumps(new_record(world.dept)).encode()
    headers = signing.headers("bp-test", SECRET, "T-1", raw, path=PATHS["indicator"])
    tampered = raw.replace(b"100000.00", b"900000.00")
    status, _ = send("indicator", raw=tampered, headers=headers)
    assert status == 401
    assert not BudgetIndicator.objects.exists()


def test_an_unknown_client_is_refused_and_kept(world, send):
    status, reply = send("indicator", new_record(world.dept), client_id="stranger", message_id="U-1")
    assert status == 401 and reply["code"] == "unknown_client"
    msg = only_message()
    assert msg.status == "refused" and msg.client is None and msg.claimed_client == "stranger"
    assert "未登记" in msg.error


def test_an_inactive_client_is_refused(world, send, platform_client):
    platform_client.is_active = False
    platform_client.save()
    assert send("indicator", new_record(world.dept))[0] == 401
    assert not BudgetIndicator.objects.exists()


@pytest.mark.parametrize("offset", [-301, 301, -86400])
def test_a_timestamp_outside_the_allowed_skew_is_refused(world, send, offset, monkeypatch):
    now = int(time.time())
    monkeypatch.setattr(time, "time", lambda: float(now))  # the server's clock stands still: 1 s over, not 0
    status, reply = send("indicator", new_record(world.dept), timestamp=now + offset)
    assert status == 401 and reply["code"] == "stale_timestamp" and "300 秒" in reply["message"]
    msg = only_message()
    assert msg.status == "refused" and "时间戳" in msg.error
    assert not BudgetIndicator.objects.exists()


def test_the_skew_is_the_rule_parameter(world, send):
    assert send("indicator", new_record(world.dept, bgt_id="A"), timestamp=int(time.time()) - 250)[0] == 200
    RuleParameter.objects.filter(name="integration_max_skew_seconds").update(value="60")
    status, reply = send("indicator", new_record(world.dept, bgt_id="B"), timestamp=int(time.time()) - 250)
    assert status == 401 and "60 秒" in reply["message"]


def test_missing_headers_are_refused(world, send):
    status, reply = send("indicator", new_record(world.dept), headers={"X-Signature": None, "X-Timestamp": None})
    assert status == 401 and "X-Timestamp" in reply["message"] and "X-Signature" in reply["message"]
    assert only_message().status == "refused"


def test_malformed_json_is_refused_with_400_and_kept(world, send):
    status, reply = send("indicator", raw=b'{"ACTION": "new", "BGT_ID": ', message_id="BROKEN")
    assert status == 400 and reply["code"] == "invalid" and "不是合法的 JSON" in reply["message"]
    msg = only_message()
    assert (msg.status, msg.http_status, msg.body) == ("refused", 400, '{"ACTION": "new", "BGT_ID": ')
    assert "JSON" in msg.error


def test_a_body_that_is_not_an_object_is_refused(world, send):
    status, reply = send("indicator", raw=b"[1, 2]")
    assert status == 400 and "JSON 对象" in reply["message"]


def test_missing_and_invalid_fields_are_listed_in_chinese(world, send):
    good = new_record(world.dept, bgt_id="OK")
    bad = new_record(world.dept, bgt_id="BAD", AMOUNT="12.345", FISCAL_YEAR="26", IS_GOV_PUR="maybe")
    del bad["PRO_NAME"]
    body = {"records": [good, bad, {"ACTION": "grow", "BGT_ID": "X"}, {"ACTION": "adjust", "BGT_ID": "Y"}]}
    status, reply = send("indicator", body, message_id="FIELDS")
    assert status == 400
    assert reply["errors"] == {
        "records[1].PRO_NAME": "必填",
        "records[1].AMOUNT": "应为金额（元，最多两位小数）",
        "records[1].FISCAL_YEAR": "应为四位年度（2000–2099）",
        "records[1].IS_GOV_PUR": "应为 1（是）或 0（否）",
        "records[2].ACTION": "应为 new、adjust、carry_over、delete 之一",
        "records[3].ADJ_AMT": "必填",
        "records[3].ADJ_BATCH_NO": "必填",
    }
    assert reply["message"].startswith("报文字段有误，共 7 处：") and "records[1].PRO_NAME：必填" in reply["message"]
    assert not BudgetIndicator.objects.exists()  # not even the good record
    msg = only_message()
    assert msg.status == "refused" and msg.result["errors"] == reply["errors"] and msg.error == reply["message"]


def test_a_refused_message_id_can_be_sent_again_corrected(world, send):
    bad = new_record(world.dept)
    del bad["AMOUNT"]
    assert send("indicator", bad, message_id="RETRY")[0] == 400
    assert send("indicator", new_record(world.dept), message_id="RETRY")[1]["status"] == "applied"


def test_a_bad_message_id_is_refused(world, send):
    status, reply = send("indicator", new_record(world.dept), message_id="含中文的ID")
    assert status == 400 and reply["code"] == "bad_message_id"


# ---- units and 隶属关系 ----------------------------------------------------------------------------------


def test_unit_messages_upsert_the_platform_record(world, send):
    from orgs.testing import credit_code

    dept_row = PlatformUnit.objects.get(credit_code=world.dept.credit_code)
    status, reply = send("unit", {"records": [
        {"AGENCY_CODE": "350001009", "AGENCY_NAME": "福建省教育厅（更名）", "USCC": world.dept.credit_code,
         "MOF_DIV_CODE": "350000000", "FISCAL_YEAR": 2026, "IS_VALID": "1"},
        {"AGENCY_CODE": "350100777", "AGENCY_NAME": "福州市第二中学", "USCC": credit_code(777),
         "MOF_DIV_CODE": "350100", "FISCAL_YEAR": 2026},
    ]})
    assert status == 200 and [r["outcome"] for r in reply["records"]] == ["已更新", "已新增"]
    dept_row.refresh_from_db()
    assert (dept_row.agency_code, dept_row.agency_name, dept_row.region_path) == \
        ("350001009", "福建省教育厅（更名）", "/350000/")
    new = PlatformUnit.objects.get(agency_code="350100777")
    assert new.region_path == "/350000/350100/" and new.is_valid
    # the registration check now sees the platform's corrected code
    from integration.selectors import platform_record_for

    assert platform_record_for(world.dept.credit_code).agency_code == "350001009"


def test_a_unit_message_with_a_bad_credit_code_is_refused(world, send):
    status, reply = send("unit", {"AGENCY_CODE": "1", "AGENCY_NAME": "某单位", "USCC": "123",
                                  "MOF_DIV_CODE": "35", "FISCAL_YEAR": 2026})
    assert status == 400
    assert reply["errors"] == {"USCC": "统一社会信用代码应为18位", "MOF_DIV_CODE": "应为6位或9位数字的财政区划代码"}


def test_subordinations_are_recorded_and_never_change_orgs(world, send):
    status, reply = send("subordination", {"records": [
        {"AGENCY_CODE": world.fz_unit.budget_code, "SUPER_AGENCY_CODE": world.dept.budget_code},
        {"AGENCY_CODE": world.sub1.budget_code, "SUPER_AGENCY_CODE": world.dept.budget_code, "MOF_DIV_CODE": "350000"},
    ]})
    assert status == 200, reply
    fz = PlatformSubordination.objects.get(agency_code=world.fz_unit.budget_code)
    assert fz.super_agency_code == world.dept.budget_code
    assert fz.mof_div_code == "350100" and fz.region_path == "/350000/350100/"  # from the platform's unit record
    world.fz_unit.refresh_from_db()
    assert world.fz_unit.competent is None
    # a later message moves the platform's link
    send("subordination", {"AGENCY_CODE": world.fz_unit.budget_code, "SUPER_AGENCY_CODE": ""})
    fz.refresh_from_db()
    assert fz.super_agency_code == "" and PlatformSubordination.objects.count() == 2


def test_a_subordination_needs_the_super_agency_code_key(world, send):
    status, reply = send("subordination", {"AGENCY_CODE": "350001002"})
    assert status == 400 and "SUPER_AGENCY_CODE" in reply["errors"]


def test_a_body_over_the_size_limit_is_refused_unread_and_kept(world, send, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = {"records": [new_record(world.dept, bgt_id=f"BIG-{i}") for i in range(10)]}
    status, reply = send("indicator", body, message_id="BIG")
    assert status == 413 and reply["code"] == "too_large"
    msg = only_message()
    assert (msg.status, msg.http_status, msg.message_id) == ("refused", 413, "BIG")
    assert not BudgetIndicator.objects.exists()


def test_an_internal_error_rolls_everything_back_and_is_kept(world, send, monkeypatch, caplog):
    def explode(records, **kw):
        services.apply_indicators(records, **kw)
        raise RuntimeError("boom")

    monkeypatch.setitem(services.APPLY, "indicator", explode)
    with caplog.at_level(logging.ERROR, logger="zhengcai"):
        status, reply = send("indicator", new_record(world.dept), message_id="BOOM")
    assert status == 500 and reply["code"] == "internal_error"
    assert not BudgetIndicator.objects.exists()
    msg = only_message()
    assert msg.status == "failed" and msg.http_status == 500
    assert any("BOOM" in r.getMessage() for r in caplog.records)
    # the platform's retry is applied normally
    monkeypatch.undo()
    assert send("indicator", new_record(world.dept), message_id="BOOM")[1]["status"] == "applied"


def test_applied_messages_are_logged(world, send, caplog):
    with caplog.at_level(logging.INFO, logger="zhengcai"):
        send("indicator", new_record(world.dept), message_id="LOGGED")
    assert any("已处理" in r.getMessage() and "LOGGED" in r.getMessage() for r in caplog.records)
