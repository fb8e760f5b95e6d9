"""The inbound feed from the budget platform (预算管理一体化) and 重置预算匹配.

`receive` is the whole life of one inbound message: authenticate on the raw bytes (client, HMAC signature
of version 2 — or 1 until the client's cut-off date —, timestamp within the rule parameter
`integration_max_skew_seconds`), rate-limit, acknowledge a repeated message id without applying it again,
only then parse and check the body, apply it in one transaction (a batch is all or nothing) and keep the
message with its status, error and result. It never raises: it returns (HTTP status, JSON body).

An unauthenticated request proves nothing it says: it is kept with no client, no region, no unit code
(only the administrator's unscoped log shows it), with a bounded excerpt of its body plus the body's size and
SHA-256, and it is limited per source address. Authenticated clients are limited per client. The limits are
rule parameters (integration/params.py); over a limit the answer is 429 and nothing is stored.

Statuses: applied (已处理), duplicate (重复消息, acknowledged with 200), refused (已拒收: authentication or
a malformed body, 401/400/413), failed (处理失败: well-formed but the platform's data contradicts ours,
e.g. an adjustment of an unknown indicator, 422; or an internal error, 500).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import time
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from access.scope import in_jurisdiction
from audit import services as audit
from budgets import platform
from core import params
from core.errors import BusinessError, NotAllowed
from orgs.models import Unit

from . import signing, wire
from .models import (
    InboundMessage,
    PlatformClient,
    PlatformSubordination,
    PlatformUnit,
    common_path,
    region_path_for,
)

logger = logging.getLogger("zhengcai")

MESSAGE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}$")
TIMESTAMP = re.compile(r"[0-9]{1,12}")  # ASCII unix seconds; int() would read fullwidth digits and 400-digit numbers
PARAMS = params.of("integration")
BODY_EXCERPT_BYTES = 4096  # what is kept of a body that was not accepted: enough to see what it was
ENDPOINTS = {"indicator": "/api/integration/budget-platform/indicators",
             "unit": "/api/integration/budget-platform/units",
             "subordination": "/api/integration/budget-platform/subordinations"}


@dataclass
class Reply:
    status: int
    body: dict
    headers: dict = field(default_factory=dict)


def _error(code: str, message: str, errors: dict | None = None) -> dict:
    body = {"code": code, "message": message}
    if errors:
        body["errors"] = errors
    return body


class _Refusal(Exception):
    def __init__(self, http_status: int, code: str, message: str, errors: dict | None = None):
        super().__init__(message)
        self.http_status, self.code, self.message, self.errors = http_status, code, message, errors


def _header(headers, name: str) -> str:
    return (headers.get(name) or "").strip()


def _version(headers) -> int:
    text = _header(headers, signing.HEADER_VERSION) or "1"
    if text not in ("1", "2"):
        raise _Refusal(401, "signature_version", "X-Signature-Version 应为 2（或在截止日期前为旧版 1）。")
    return int(text)


def _v1_allowed(client: PlatformClient) -> bool:
    until = client.v1_accepted_until
    return until is not None and timezone.localdate() <= until


def _authenticate(headers, raw: bytes, now: float, method: str, path: str):
    """(client, message id, sent at, signature version) of a message whose signature holds, or _Refusal."""
    client_id = _header(headers, signing.HEADER_CLIENT)
    message_id = _header(headers, signing.HEADER_MESSAGE)
    ts_text = _header(headers, signing.HEADER_TIMESTAMP)
    given = _header(headers, signing.HEADER_SIGNATURE)
    missing = [n for n, v in ((signing.HEADER_CLIENT, client_id), (signing.HEADER_MESSAGE, message_id),
                              (signing.HEADER_TIMESTAMP, ts_text), (signing.HEADER_SIGNATURE, given)) if not v]
    if missing:
        raise _Refusal(401, "unauthorized", f"缺少请求头：{'、'.join(missing)}。", {m: "必填" for m in missing})
    if not TIMESTAMP.fullmatch(ts_text):
        raise _Refusal(401, "bad_timestamp", "X-Timestamp 应为 Unix 时间戳（秒，半角数字）。")
    version = _version(headers)
    client = PlatformClient.objects.filter(client_id=client_id, is_active=True).first()
    if client is None:
        raise _Refusal(401, "unknown_client", f"客户端「{client_id[:40]}」未登记或已停用。")
    if version == 2:
        good = signing.verify_v2(client.secret, method, path, ts_text, message_id, raw, given)
    else:
        good = signing.verify(client.secret, ts_text, message_id, raw, given)
    if not good:
        raise _Refusal(401, "bad_signature",
                       "签名校验失败：X-Signature 应为 HMAC-SHA256(密钥, \"2\\n请求方法\\n路径\\n时间戳\\n消息ID\\n\" + 报文) "
                       "的十六进制（X-Signature-Version: 2）。")
    if version == 1 and not _v1_allowed(client):
        raise _Refusal(401, "signature_version",
                       "旧版签名（版本1）已不再接受：请按版本2签名（请求头 X-Signature-Version: 2，签名覆盖请求方法和路径）。")
    max_skew = PARAMS.integration_max_skew_seconds()
    skew = int(ts_text) - now
    if abs(skew) > max_skew:
        when = "早于" if skew < 0 else "晚于"
        raise _Refusal(401, "stale_timestamp",
                       f"消息时间戳{when}服务器时间 {abs(int(skew))} 秒，超过允许的 {max_skew} 秒，已拒收（防重放）。")
    if not MESSAGE_ID.match(message_id):
        raise _Refusal(400, "bad_message_id", "X-Message-Id 应为 1–64 位字母、数字或 . _ : -。")
    return client, message_id, dt.datetime.fromtimestamp(int(ts_text), tz=dt.UTC), version


def _limited(*, client=None, source_ip=None, now: float) -> Reply | None:
    """429 when the client (authenticated) or the source address (unauthenticated) is over its limit."""
    window = PARAMS.integration_rate_window_seconds()
    since = dt.datetime.fromtimestamp(now - window, tz=dt.UTC)
    if client is not None:
        recent = InboundMessage.objects.filter(client=client, received_at__gte=since)
        who = f"客户端 {client.client_id}"
    else:
        recent = InboundMessage.objects.filter(client__isnull=True, source_ip=source_ip, received_at__gte=since)
        who = f"来源地址 {source_ip or '未知'}"
    refused_limit = PARAMS.integration_refused_per_window()
    refused = recent.filter(status=InboundMessage.REFUSED).count()
    if refused >= refused_limit:
        message = f"请求过于频繁：{window} 秒内已拒收 {refused} 次（上限 {refused_limit} 次），请稍后再试。"
    elif client is not None and recent.count() >= (requests_limit := PARAMS.integration_requests_per_window()):
        message = f"请求过于频繁：{window} 秒内已收到 {recent.count()} 条消息（上限 {requests_limit} 条），请稍后再试。"
    else:
        return None
    logger.warning("一体化接口限流 %s：%s", who, message)
    return Reply(429, _error("rate_limited", message), {"Retry-After": str(window)})


def _excerpt(raw: bytes) -> str:
    if len(raw) <= BODY_EXCERPT_BYTES:
        return raw.decode("utf-8", errors="replace")
    head = raw[:BODY_EXCERPT_BYTES].decode("utf-8", errors="ignore")
    return f"{head}…（报文共 {len(raw)} 字节，只保留前 {BODY_EXCERPT_BYTES} 字节）"


def _keep(*, kind, status, http_status, raw: bytes | None, client=None, claimed="", source_ip=None,
          message_id="", sent_at=None, signature_version=None, error="", result=None, facts=None) -> InboundMessage:
    """Store one message. Only an authenticated, accepted body is kept whole; facts (region, unit, year) only
    come from authenticated bodies, so a forged message is seen by no regulator."""
    facts = facts or {}
    divs = facts.get("mof_div_codes") or []
    whole = client is not None and status != InboundMessage.REFUSED
    if raw is None:
        body, size, digest = "（报文过大，未读取）", 0, ""
    else:
        body = raw.decode("utf-8", errors="replace") if whole else _excerpt(raw)
        size, digest = len(raw), hashlib.sha256(raw).hexdigest()
    return InboundMessage.objects.create(
        client=client, client_label=client.client_id[:40] if client else "", claimed_client=claimed[:40],
        source_ip=source_ip, signature_version=signature_version, message_id=message_id[:64], kind=kind,
        action=facts.get("action", ""), sent_at=sent_at, status=status, http_status=http_status, error=error,
        body=body, body_size=size, body_sha256=digest, result=result or {}, record_count=facts.get("count", 0),
        fiscal_year=facts.get("fiscal_year"), mof_div_code=divs[0][:9] if len(divs) == 1 else "",
        agency_code=facts.get("agency_code", ""), region_path=common_path(region_path_for(d) for d in divs),
    )


def receive(*, kind: str, headers, raw: bytes, now: float | None = None, method: str = "POST",
            path: str | None = None, source_ip: str | None = None) -> Reply:
    """Handle one inbound message of `kind` (indicator / unit / subordination) POSTed to `path` (the signed
    path; default the kind's endpoint). Never raises."""
    now = time.time() if now is None else now
    claimed = _header(headers, signing.HEADER_CLIENT)
    keep = {"kind": kind, "raw": raw, "claimed": claimed, "source_ip": source_ip,
            "message_id": _header(headers, signing.HEADER_MESSAGE)}
    try:
        try:
            client, message_id, sent_at, version = _authenticate(headers, raw, now, method, path or ENDPOINTS[kind])
        except _Refusal as exc:
            # nothing of an unauthenticated body is parsed or trusted
            return _limited(source_ip=source_ip, now=now) or _refuse(keep, exc)
        keep.update(client=client, message_id=message_id, sent_at=sent_at, signature_version=version)
        limited = _limited(client=client, now=now)
    except BusinessError as exc:  # a parameter is not configured
        return _refuse(keep, _Refusal(503, exc.code, exc.message))
    if limited:
        return limited
    try:
        body, undecodable = wire.decode(raw), None
    except wire.WireError as exc:
        body, undecodable = None, exc
    keep["facts"] = wire.hints(body)
    original = _applied(client, message_id)
    if original is not None:
        return _duplicate(keep, original)
    try:
        if undecodable is not None:
            raise undecodable
        parsed = wire.PARSERS[kind](body)
    except wire.WireError as exc:
        return _refuse(keep, _Refusal(400, "invalid", exc.message, exc.errors))
    origin = f"一体化消息 {client.client_id}/{message_id}"
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    msg = _keep(status=InboundMessage.APPLIED, http_status=200, **keep)
            except IntegrityError:  # the same message id is being applied by a concurrent request
                return _duplicate(keep, _applied(client, message_id))
            results = APPLY[kind](parsed.records, origin=origin, message=msg)
            _describe(msg, kind, results)
            msg.save()
    except BusinessError as exc:
        error = exc.message
        errors = {exc.field: exc.message} if exc.field else None
        _keep(status=InboundMessage.FAILED, http_status=422, error=error, **keep)
        logger.warning("一体化消息处理失败 kind=%s client=%s id=%s：%s", kind, client.client_id, message_id, error)
        return Reply(422, _error(exc.code, error, errors))
    except Exception:
        logger.exception("一体化消息处理出错 kind=%s client=%s id=%s", kind, client.client_id, message_id)
        _keep(status=InboundMessage.FAILED, http_status=500, error="系统内部错误，消息未处理，请稍后重发。", **keep)
        return Reply(500, _error("internal_error", "系统内部错误，消息未处理，请稍后重发。"))
    logger.info("一体化消息已处理 kind=%s client=%s id=%s records=%d", kind, client.client_id, message_id,
                len(results))
    return Reply(200, {"status": "applied", "message_id": message_id, "id": msg.pk,
                       "records": _jsonable(results)})


def _applied(client, message_id: str) -> InboundMessage | None:
    return InboundMessage.objects.filter(client=client, message_id=message_id, status=InboundMessage.APPLIED).first()


def refuse_too_large(*, kind: str, headers, source_ip: str | None = None, now: float | None = None) -> Reply:
    """A body over the request size limit (settings.DATA_UPLOAD_MAX_MEMORY_SIZE) is not read at all, so it
    is not authenticated either."""
    now = time.time() if now is None else now
    keep = {"kind": kind, "raw": None, "claimed": _header(headers, signing.HEADER_CLIENT), "source_ip": source_ip,
            "message_id": _header(headers, signing.HEADER_MESSAGE)}
    try:
        limited = _limited(source_ip=source_ip, now=now)
    except BusinessError as exc:
        return _refuse(keep, _Refusal(503, exc.code, exc.message))
    return limited or _refuse(keep, _Refusal(413, "too_large", "报文过大，请分批发送。"))


def _refuse(keep: dict, exc: _Refusal) -> Reply:
    _keep(status=InboundMessage.REFUSED, http_status=exc.http_status, error=exc.message,
          result={"errors": exc.errors} if exc.errors else None, **keep)
    client = keep.get("client")
    logger.warning("一体化消息已拒收 kind=%s client=%s id=%s http=%s：%s", keep["kind"],
                   client.client_id if client else f"未认证（自称 {keep['claimed'][:40]}）", keep["message_id"][:64],
                   exc.http_status, exc.message)
    return Reply(exc.http_status, _error(exc.code, exc.message, exc.errors))


def _duplicate(keep: dict, original: InboundMessage | None) -> Reply:
    msg = _keep(status=InboundMessage.DUPLICATE, http_status=200,
                result={"original_id": original.pk if original else None}, **keep)
    logger.info("一体化重复消息 kind=%s client=%s id=%s（已于 #%s 处理，不重复执行）", keep["kind"],
                keep["client"].client_id, keep["message_id"], original.pk if original else "?")
    return Reply(200, {"status": "duplicate", "message_id": keep["message_id"], "id": msg.pk,
                       "original_id": original.pk if original else None})


def _jsonable(value):
    return json.loads(json.dumps(value, default=str))


def _describe(msg: InboundMessage, kind: str, results: list[dict]) -> None:
    """Region, unit code and year of an applied message, from what was applied (adjustments name only BGT_ID)."""
    divs = sorted({r["mof_div_code"] for r in results if r.get("mof_div_code")})
    codes = {r.get("agency_code") for r in results}
    years = {r.get("fiscal_year") for r in results}
    actions = {r.get("action") for r in results if r.get("action")}
    msg.result = {"records": _jsonable(results)}
    msg.record_count = len(results)
    msg.mof_div_code = divs[0] if len(divs) == 1 else ""
    msg.region_path = common_path(region_path_for(d) for d in divs)
    msg.agency_code = (codes.pop() or "") if len(codes) == 1 else ""
    msg.fiscal_year = years.pop() if len(years) == 1 else None
    msg.action = (actions.pop() if len(actions) == 1 else "batch") if actions else ""


# ---- applying ------------------------------------------------------------------------------------------


def _indicator_row(ind, action: str, outcome: str, warnings=(), **extra) -> dict:
    return {"BGT_ID": ind.bgt_id, "action": action, "outcome": outcome, "mof_div_code": ind.mof_div_code,
            "agency_code": ind.agency_code, "fiscal_year": ind.fiscal_year, "unit": ind.unit.name if ind.unit else "",
            "amount": ind.amount, "reserved": ind.reserved, "available": ind.available,
            "is_valid": ind.is_valid, "is_executable": ind.is_executable,
            "warnings": [w.pk for w in warnings], **extra}


def apply_indicators(records: list[dict], *, origin: str, message=None) -> list[dict]:
    out = []
    for rec in records:
        action = rec["action"]
        if action == "new":
            ind = platform.indicator_create(data=rec, origin=origin)
            out.append(_indicator_row(ind, action, "已新增" + ("" if ind.unit else "（未匹配单位）")))
        elif action == "adjust":
            ind, warnings = platform.indicator_adjust(bgt_id=rec["bgt_id"], delta=rec["adj_amt"],
                                                      adj_batch_no=rec["adj_batch_no"], cur_amt=rec.get("cur_amt"),
                                                      amount=rec.get("amount"), origin=origin)
            outcome = ("已调增" if rec["adj_amt"] > 0 else "已调减") + (
                f"（低于已占用，缺口 {-ind.available:,.2f} 元，已预警 {len(warnings)} 个单据）" if ind.available < 0 else "")
            out.append(_indicator_row(ind, action, outcome, warnings, adj_amt=rec["adj_amt"]))
        elif action == "carry_over":
            new, old, warnings = platform.indicator_carry_over(data=rec, origin=origin)
            out.append(_indicator_row(new, action, f"已结转（原指标 {old.bgt_id} 不再可执行）", warnings,
                                      ori_bgt_id=old.bgt_id))
        else:
            ind, warnings, changed = platform.indicator_invalidate(bgt_id=rec["bgt_id"], origin=origin)
            out.append(_indicator_row(ind, action, "已删除（指标失效）" if changed else "指标此前已删除，无变化", warnings))
    return out


UNIT_FIELDS = ["agency_code", "agency_name", "mof_div_code", "is_valid"]


def apply_units(records: list[dict], *, origin: str, message=None) -> list[dict]:
    out = []
    for rec in records:
        rec.setdefault("is_valid", True)
        row = (PlatformUnit.objects.select_for_update()
               .filter(credit_code=rec["credit_code"], fiscal_year=rec["fiscal_year"]).order_by("-id").first())
        if row is None:
            row = PlatformUnit.objects.create(**rec)
            outcome, before = "已新增", {}
        else:
            before = {f: getattr(row, f) for f in UNIT_FIELDS}
            for f in UNIT_FIELDS:
                setattr(row, f, rec[f])
            row.save()
            outcome = "已更新" if before != {f: getattr(row, f) for f in UNIT_FIELDS} else "无变化"
        if outcome != "无变化":
            audit.record(actor=None, action="platform_unit.upsert", obj=row, before=before,
                         after={**{f: getattr(row, f) for f in UNIT_FIELDS}, "origin": origin})
        out.append({"AGENCY_CODE": row.agency_code, "USCC": row.credit_code, "agency_code": row.agency_code,
                    "mof_div_code": row.mof_div_code, "fiscal_year": row.fiscal_year, "outcome": outcome})
    return out


def _subordination_div(rec: dict) -> str:
    if rec.get("mof_div_code"):
        return rec["mof_div_code"]
    known = (PlatformUnit.objects.filter(agency_code=rec["agency_code"]).order_by("-fiscal_year", "-id")
             .values_list("mof_div_code", flat=True).first())
    if known:
        return known
    return Unit.objects.filter(budget_code=rec["agency_code"]).values_list("region__code", flat=True).first() or ""


def apply_subordinations(records: list[dict], *, origin: str, message=None) -> list[dict]:
    out = []
    for rec in records:
        div = _subordination_div(rec)
        values = {"super_agency_code": rec["super_agency_code"], "mof_div_code": div,
                  "fiscal_year": rec.get("fiscal_year"), "is_valid": rec.get("is_valid", True),
                  "region_path": region_path_for(div), "message": message}
        row = PlatformSubordination.objects.select_for_update().filter(agency_code=rec["agency_code"]).first()
        before = {}
        if row is None:
            row = PlatformSubordination.objects.create(agency_code=rec["agency_code"], **values)
            outcome = "已新增"
        else:
            before = {"super_agency_code": row.super_agency_code, "is_valid": row.is_valid}
            for k, v in values.items():
                setattr(row, k, v)
            row.save()
            outcome = "已更新" if before != {"super_agency_code": row.super_agency_code, "is_valid": row.is_valid} \
                else "无变化"
        if outcome != "无变化":
            audit.record(actor=None, action="platform_subordination.upsert", obj=row, before=before,
                         after={"super_agency_code": row.super_agency_code, "is_valid": row.is_valid,
                                "origin": origin})
        out.append({"AGENCY_CODE": row.agency_code, "SUPER_AGENCY_CODE": row.super_agency_code,
                    "agency_code": row.agency_code, "mof_div_code": div, "fiscal_year": row.fiscal_year,
                    "outcome": outcome})
    return out


APPLY = {InboundMessage.KIND_INDICATOR: apply_indicators, InboundMessage.KIND_UNIT: apply_units,
         InboundMessage.KIND_SUBORDINATION: apply_subordinations}


# ---- 重置预算匹配 ----------------------------------------------------------------------------------------


@transaction.atomic
def rematch_unit(*, actor, unit) -> list[dict]:
    """Re-link the platform's indicators to `unit` by its current 单位预算编码 (after a code correction).
    Only a regulator whose region covers the unit may do it."""
    if not in_jurisdiction(actor, unit):
        raise NotAllowed("只能为本辖区的单位重置预算匹配。")
    if unit.kind != Unit.KIND_PURCHASER:
        raise BusinessError(f"「{unit.name}」不是采购单位。", code="not_purchaser")
    rows = platform.indicators_link_unit(actor=actor, unit=unit, origin=f"重置预算匹配（{actor}）")
    audit.record(actor=actor, action="integration.rematch", obj=unit, before={},
                 after={"budget_code": unit.budget_code, "changed": [r["bgt_id"] for r in rows
                                                                      if r["status"] != "skipped"],
                        "skipped": [r["bgt_id"] for r in rows if r["status"] == "skipped"]})
    logger.info("重置预算匹配 unit=%s code=%s by=%s：%d 条", unit.pk, unit.budget_code, actor.username, len(rows))
    return rows


# ---- the clients ------------------------------------------------------------------------------------------


@transaction.atomic
def client_set_v1_cutoff(*, actor, client: PlatformClient, until: dt.date | None) -> PlatformClient:
    """Until when (inclusive) `client` may still sign with version 1; None = version 2 only. The system
    administrator's decision (actor None = the server console, `manage.py platform_client`)."""
    if actor is not None and not (actor.is_superuser or actor.has_role("admin")):
        raise NotAllowed("只有系统管理员可以设置旧版签名的截止日期。")
    client = PlatformClient.objects.select_for_update().get(pk=client.pk)
    before = {"v1_accepted_until": client.v1_accepted_until}
    client.v1_accepted_until = until
    client.save(update_fields=["v1_accepted_until"])
    audit.record(actor=actor, action="platform_client.v1_cutoff", obj=client, before=before,
                 after={"v1_accepted_until": until})
    return client
