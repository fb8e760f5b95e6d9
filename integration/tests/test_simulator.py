"""The budget platform simulator: what it builds, and the whole year delivered through the real endpoints
(django.test.Client with the same signing), twice."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client

from budgets.models import BudgetIndicator
from integration import simulator
from integration.models import InboundMessage, PlatformClient, PlatformSubordination, PlatformUnit
from orgs.models import Unit

pytestmark = pytest.mark.django_db


def client_sender():
    c = Client()

    def send(path, headers, raw):
        resp = c.post(path, data=raw, content_type="application/json", headers=headers)
        return resp.status_code, resp.json()

    return send


@pytest.fixture
def sim_client(world):
    return simulator.ensure_client()


def test_messages_cover_every_purchaser_unit_with_plausible_indicators(world):
    msgs = simulator.build_messages(2026)
    units = {m.body["AGENCY_CODE"]: m.body for m in msgs if m.kind == "unit"}
    purchasers = Unit.objects.filter(kind=Unit.KIND_PURCHASER).exclude(budget_code="")
    assert set(units) == set(purchasers.values_list("budget_code", flat=True))
    assert units[world.dept.budget_code]["USCC"] == world.dept.credit_code
    assert units[world.jx_unit.budget_code]["MOF_DIV_CODE"] == "360100"
    batches = [m for m in msgs if m.kind == "indicator" and "records" in m.body]
    assert len(batches) == len(units)
    records = [r for m in batches for r in m.body["records"]]
    for m in batches:
        assert 4 <= len(m.body["records"]) <= 6
        assert len({r["AGENCY_CODE"] for r in m.body["records"]}) == 1  # one unit per batch: one region
    names = {r["PRO_NAME"] for r in records}
    assert names <= {p[0] for p in simulator.PROJECTS}
    for r in records:
        assert Decimal("50000") <= Decimal(r["AMOUNT"]) <= Decimal("3000000")
        assert r["ACTION"] == "new" and r["FISCAL_YEAR"] == 2026 and r["AMOUNT"].endswith(".00")
    assert sum(r["IS_GOV_PUR"] == "1" for r in records) > len(records) / 2
    jx_docs = {r["COR_BGT_DOC_NO"] for r in records if r["AGENCY_CODE"] == world.jx_unit.budget_code}
    assert all(d.startswith("赣财") for d in jx_docs)
    adjustments = [m.body for m in msgs if m.kind == "indicator" and m.body.get("ACTION") == "adjust"]
    assert len(adjustments) == 3 and sum(Decimal(a["ADJ_AMT"]) < 0 for a in adjustments) == 1
    subs = {m.body["AGENCY_CODE"]: m.body["SUPER_AGENCY_CODE"] for m in msgs if m.kind == "subordination"}
    assert subs == {world.sub1.budget_code: world.dept.budget_code}


def test_messages_are_deterministic(world):
    first = [(m.kind, m.message_id, m.raw) for m in simulator.build_messages(2026)]
    second = [(m.kind, m.message_id, m.raw) for m in simulator.build_messages(2026)]
    assert first == second
    assert len({mid for _, mid, _ in first}) == len(first)
    other_year = {m.message_id for m in simulator.build_messages(2027)}
    assert not other_year & {mid for _, mid, _ in first}


def test_a_unit_without_a_code_uses_the_platforms_record_and_pending_links_are_known(world):
    from registry import services as org_services

    world.fz_unit.budget_code = ""
    world.fz_unit.save()
    org_services.subordination_request(actor=world.fz_clerk, competent_unit=world.dept, note="")
    units = {u["code"]: u for u in simulator.demo_units()}
    assert units["350100101"]["name"] == "福州市第一中学"  # from PlatformUnit, by credit code
    assert units["350100101"]["superior"] == world.dept.budget_code


def test_the_year_is_applied_through_the_endpoints_and_a_second_run_changes_nothing(world, sim_client):
    msgs = simulator.build_messages(2026)
    summary = simulator.deliver(msgs, client_sender(), sim_client)
    assert summary.ok, summary.errors
    assert set(summary.sent) == {("unit", "applied"), ("subordination", "applied"), ("indicator", "applied")}
    records = [r for m in msgs if "records" in m.body for r in m.body["records"]]
    assert BudgetIndicator.objects.count() == len(records)
    for rec in records:
        ind = BudgetIndicator.objects.get(bgt_id=rec["BGT_ID"])
        assert ind.unit.budget_code == rec["AGENCY_CODE"] and ind.pro_name == rec["PRO_NAME"]
    decrease = next(m.body for m in msgs if m.body.get("ACTION") == "adjust" and m.body["ADJ_AMT"].startswith("-"))
    assert BudgetIndicator.objects.get(bgt_id=decrease["BGT_ID"]).amount == Decimal(decrease["AMOUNT"])
    assert PlatformSubordination.objects.count() == 1
    assert PlatformUnit.objects.filter(fiscal_year=2026).count() == 4  # upserted onto the world's records
    amounts = dict(BudgetIndicator.objects.values_list("bgt_id", "amount"))
    lines = summary.lines()
    assert lines[0].startswith("单位基本信息：4 条记录，消息 已处理 4")

    again = simulator.deliver(simulator.build_messages(2026), client_sender(), sim_client)
    assert set(again.sent) == {("unit", "duplicate"), ("subordination", "duplicate"), ("indicator", "duplicate")}
    assert dict(BudgetIndicator.objects.values_list("bgt_id", "amount")) == amounts
    assert InboundMessage.objects.filter(status="applied").count() == len(msgs)
    assert InboundMessage.objects.filter(status="duplicate").count() == len(msgs)


def test_the_client_secret_comes_from_the_environment_when_set(world, monkeypatch):
    monkeypatch.delenv(simulator.SECRET_ENV, raising=False)
    generated = simulator.ensure_client().secret
    assert len(generated) == 64 and simulator.ensure_client().secret == generated  # stored, reused
    monkeypatch.setenv(simulator.SECRET_ENV, "from-the-environment")
    assert simulator.ensure_client().secret == "from-the-environment"
    assert PlatformClient.objects.get(client_id="budget-platform").secret == "from-the-environment"


def test_the_command_reports_an_unreachable_server(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="没有响应"):
        call_command("simulate_budget_platform", url="http://127.0.0.1:9", wait=0.5)


def test_the_command_dry_run_prints_the_messages(world, capsys):
    call_command("simulate_budget_platform", dry_run=True, year=2026)
    out = capsys.readouterr().out
    assert "SIM-2026-IND-350001001" in out and '"PRO_NAME"' in out and "SIM-2026-UNIT-360100101" in out
    assert not InboundMessage.objects.exists()
