"""A stand-in for the province's budget platform (预算管理一体化平台): it builds a plausible year of data for
the purchaser units in the database and pushes it, signed, to a running Zhengcai server.

Deterministic: every unit's data comes from a random generator seeded with the year and the unit's
单位预算编码, and message ids are derived from the same, so a second run sends the same messages and the
server acknowledges them as duplicates without applying anything again.

The client is PlatformClient 'budget-platform'. Its secret is ZHENGCAI_PLATFORM_SECRET when set (the row is
updated to it), otherwise the one stored in the database, generated on first use.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from orgs.models import Unit
from registry import selectors as registry_selectors

from . import signing
from .models import PlatformClient, PlatformUnit

CLIENT_ID = "budget-platform"
CLIENT_NAME = "预算管理一体化平台（模拟器）"
SECRET_ENV = "ZHENGCAI_PLATFORM_SECRET"
PATHS = {"unit": "/api/integration/budget-platform/units",
         "subordination": "/api/integration/budget-platform/subordinations",
         "indicator": "/api/integration/budget-platform/indicators"}

# 预算项目: name, 部门经济分类, 政府经济分类, amount range in 万元, 是否政府采购
PROJECTS = [
    ("教学设备购置", "31002", "50601", (20, 300), True),
    ("信息化运维服务", "30213", "50209", (10, 120), True),
    ("办公设备购置", "31002", "50601", (5, 60), True),
    ("物业管理服务", "30209", "50205", (30, 200), True),
    ("网络安全等级保护测评", "30227", "50205", (5, 40), True),
    ("校园安防监控系统改造", "31007", "50601", (40, 280), True),
    ("实验室耗材采购", "30218", "50201", (5, 50), True),
    ("档案数字化加工服务", "30227", "50205", (10, 90), True),
    ("公务用车运行维护", "30231", "50208", (5, 30), False),
    ("图书资料购置", "30202", "50201", (5, 80), True),
    ("办公楼维修改造工程", "30213", "50209", (50, 300), True),
    ("考试考务服务", "30227", "50205", (10, 150), True),
]
FUND_TYPES = ["111", "111", "111", "112", "21", "29"]  # 一般公共预算（多数）、政府性基金、财政专户、单位资金
EXP_FUNC = {"教育": ["2050202", "2050203", "2050204", "2050299"], "": ["2010301", "2013101", "2120199"]}
PROVINCE_ABBR = {"35": "闽", "36": "赣"}


@dataclass
class Message:
    kind: str
    message_id: str
    body: dict

    @property
    def raw(self) -> bytes:
        return json.dumps(self.body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass
class Summary:
    sent: Counter = field(default_factory=Counter)  # (kind, status) -> messages
    records: Counter = field(default_factory=Counter)  # kind -> records sent
    errors: list = field(default_factory=list)

    def add(self, msg: Message, status: int, reply: dict) -> None:
        outcome = reply.get("status") or f"HTTP {status}"
        self.sent[(msg.kind, outcome)] += 1
        self.records[msg.kind] += len(msg.body.get("records", [msg.body]))
        if status >= 400:
            self.errors.append(f"{msg.message_id}: HTTP {status} {reply.get('message', '')}")

    def lines(self) -> list[str]:
        labels = {"unit": "单位基本信息", "subordination": "隶属关系", "indicator": "预算指标"}
        states = {"applied": "已处理", "duplicate": "重复（未重复处理）"}
        out = []
        for kind, label in labels.items():
            parts = [f"{states.get(s, s)} {n}" for (k, s), n in sorted(self.sent.items()) if k == kind]
            if parts:
                out.append(f"{label}：{self.records[kind]} 条记录，消息 {'，'.join(parts)}")
        out += [f"错误：{e}" for e in self.errors]
        return out

    @property
    def ok(self) -> bool:
        return not self.errors


# ---- the client ----------------------------------------------------------------------------------------


def ensure_client() -> PlatformClient:
    """The simulator's PlatformClient, with the secret from ZHENGCAI_PLATFORM_SECRET or a generated one."""
    wanted = os.environ.get(SECRET_ENV, "").strip()
    client, created = PlatformClient.objects.get_or_create(
        client_id=CLIENT_ID, defaults={"name": CLIENT_NAME, "secret": wanted or secrets.token_hex(32)})
    if wanted and client.secret != wanted:
        client.secret = wanted
        client.save(update_fields=["secret"])
    if not client.is_active:
        client.is_active = True
        client.save(update_fields=["is_active"])
    return client


# ---- building the messages -----------------------------------------------------------------------------


def demo_units() -> list[dict]:
    """The purchaser units the platform knows: each with its 单位预算编码 (the unit's own, or the platform's
    record of it when the unit has not filled one in yet), region, credit code and superior unit."""
    out = []
    units = Unit.objects.filter(kind=Unit.KIND_PURCHASER).select_related("region", "competent")
    for unit in units:
        platform = PlatformUnit.objects.filter(credit_code=unit.credit_code).order_by("-fiscal_year", "-id").first()
        code = unit.budget_code or (platform.agency_code if platform else "")
        if not code:
            continue
        superior = unit.competent
        if superior is None:  # the platform already knows the link the unit has asked 政采 to confirm
            pending = (registry_selectors.pending_subordinations().filter(unit=unit)
                       .select_related("competent_unit").order_by("-id").first())
            superior = pending.competent_unit if pending else None
        out.append({"code": code, "name": unit.name, "credit_code": unit.credit_code, "div": unit.region.code,
                    "superior": superior.budget_code if superior else "",
                    "education": "教育" in unit.name or "学" in unit.name or "考试" in unit.name})
    return sorted(out, key=lambda u: u["code"])


def _yuan(wan: Decimal) -> str:
    return f"{wan * 10000:.2f}"


def _indicators(unit: dict, year: int) -> list[dict]:
    rng = random.Random(f"zhengcai-indicators-{year}-{unit['code']}")
    abbr = PROVINCE_ABBR.get(unit["div"][:2], "财")
    doc_no = rng.randint(1, 120)
    records = []
    for seq, (name, dep_eco, gov_eco, (low, high), gov_pur) in enumerate(
            rng.sample(PROJECTS, rng.randint(4, 6)), start=1):
        amount = Decimal(rng.randint(low * 2, high * 2)) / 2  # 万元, in steps of 5 000 yuan
        records.append({
            "ACTION": "new",
            "BGT_ID": f"BGT{year}{unit['code']}{seq:03d}",
            "MOF_DIV_CODE": unit["div"],
            "FISCAL_YEAR": year,
            "AGENCY_CODE": unit["code"],
            "PRO_CODE": f"{unit['div']}{year % 100:02d}{unit['code'][-6:]}{seq:04d}",
            "PRO_NAME": name,
            "COR_BGT_DOC_NO": f"{abbr}财预指〔{year}〕{doc_no + seq}号",
            "BGT_TYPE_CODE": "1",  # 年初预算
            "SOURCE_TYPE_CODE": rng.choice(["1", "1", "1", "2"]),  # 本级 / 上级转移支付
            "FUND_TYPE_CODE": rng.choice(FUND_TYPES),
            "EXP_FUNC_CODE": rng.choice(EXP_FUNC["教育" if unit["education"] else ""]),
            "GOV_BGT_ECO_CODE": gov_eco,
            "DEP_BGT_ECO_CODE": dep_eco,
            "PAY_TYPE_CODE": rng.choice(["11", "11", "12"]),  # 国库集中支付：直接 / 授权
            "IS_GOV_PUR": "1" if gov_pur and rng.random() < 0.9 else "0",
            "AMOUNT": _yuan(amount),
            "CUR_AMT": _yuan(amount),
            "BGT_EXE_FLAG": "1",
        })
    return records


def build_messages(year: int = 2026, units: list[dict] | None = None) -> list[Message]:
    """Unit information, 隶属关系, a year of indicators per unit, then a few adjustments (one a decrease)."""
    units = demo_units() if units is None else units
    msgs = []
    for u in units:
        msgs.append(Message("unit", f"SIM-{year}-UNIT-{u['code']}", {
            "AGENCY_CODE": u["code"], "AGENCY_NAME": u["name"], "USCC": u["credit_code"], "MOF_DIV_CODE": u["div"],
            "FISCAL_YEAR": year, "IS_VALID": "1"}))
    for u in units:
        if u["superior"]:
            msgs.append(Message("subordination", f"SIM-{year}-SUB-{u['code']}", {
                "AGENCY_CODE": u["code"], "SUPER_AGENCY_CODE": u["superior"], "MOF_DIV_CODE": u["div"],
                "FISCAL_YEAR": year}))
    indicators = []
    for u in units:
        records = _indicators(u, year)
        indicators += records
        msgs.append(Message("indicator", f"SIM-{year}-IND-{u['code']}", {"records": records}))
    if indicators:
        rng = random.Random(f"zhengcai-adjust-{year}")
        picks = rng.sample(indicators, min(3, len(indicators)))
        for n, rec in enumerate(picks, start=1):
            amount = Decimal(rec["AMOUNT"])
            if n == 1:  # the decrease
                delta = -(amount * Decimal(rng.choice([20, 25, 30])) / 100).quantize(Decimal("1000"))
            else:
                delta = Decimal(rng.randint(2, 30) * 5000)
            msgs.append(Message("indicator", f"SIM-{year}-ADJ-{rec['BGT_ID']}", {
                "ACTION": "adjust", "BGT_ID": rec["BGT_ID"], "MOF_DIV_CODE": rec["MOF_DIV_CODE"],
                "FISCAL_YEAR": year, "AGENCY_CODE": rec["AGENCY_CODE"], "ADJ_AMT": f"{delta:.2f}",
                "ADJ_BATCH_NO": f"TZ{year}{n:04d}", "AMOUNT": f"{amount + delta:.2f}"}))
    return msgs


# ---- sending ---------------------------------------------------------------------------------------------


def http_sender(base_url: str, timeout: float = 15):
    """send(path, headers, raw) -> (status, reply) over HTTP with urllib."""
    base = base_url.rstrip("/")

    def send(path: str, headers: dict, raw: bytes):
        req = urllib.request.Request(base + path, data=raw, method="POST",
                                     headers={**headers, "Content-Type": "application/json; charset=utf-8"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.status, json.loads(resp.read() or b"{}")
        except urllib.error.HTTPError as exc:
            try:
                return exc.code, json.loads(exc.read() or b"{}")
            except ValueError:
                return exc.code, {"message": exc.reason}

    return send


def deliver(messages: list[Message], send, client: PlatformClient) -> Summary:
    summary = Summary()
    for msg in messages:
        raw = msg.raw
        path = PATHS[msg.kind]
        status, reply = send(path, signing.headers(client.client_id, client.secret, msg.message_id, raw, path=path),
                             raw)
        summary.add(msg, status, reply)
    return summary


def push(base_url: str, *, year: int = 2026, messages: list[Message] | None = None, timeout: float = 15) -> Summary:
    """Build the year's messages (unless given) and POST them, signed, to the server at `base_url`."""
    client = ensure_client()
    messages = build_messages(year) if messages is None else messages
    return deliver(messages, http_sender(base_url, timeout), client)


def wait_until_up(base_url: str, seconds: float) -> bool:
    """Poll base_url/login/ until it answers (for `make demo`, which starts the server just before)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(base_url.rstrip("/") + "/login/", timeout=2):
                return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.3)
