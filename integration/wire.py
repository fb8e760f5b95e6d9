"""The inbound message bodies: JSON with the Ministry's wire names (RULES.md, end) → checked Python values
under our own field names. Every problem is collected, so the platform learns all bad fields at once.

A body is one record `{...}` or a batch `{"records": [{...}, ...]}` (applied all or nothing).
Money is a string ("1250000.00") or a JSON number, read as Decimal (never float), yuan with ≤ 2 decimals,
at most core.money.MAX_AMOUNT. Digits are ASCII only: Python's int() and Decimal() read fullwidth and other
Unicode digits, which the platform never sends, so they are refused rather than silently converted; so is -0.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from core import uscc
from core.money import MAX_AMOUNT, MAX_AMOUNT_MESSAGE

MAX_RECORDS = 5000
MONEY_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")  # decimals beyond two are refused below, by name
CODE_TEXT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]*")

ACTIONS = {"new": "新增", "adjust": "调整", "carry_over": "结转", "delete": "删除"}

# wire name: (our field name, kind, max length)
INDICATOR_FIELDS = {
    "BGT_ID": ("bgt_id", "code", 40),
    "MOF_DIV_CODE": ("mof_div_code", "div", 9),
    "FISCAL_YEAR": ("fiscal_year", "year", None),
    "AGENCY_CODE": ("agency_code", "code", 32),
    "PRO_CODE": ("pro_code", "code", 40),
    "PRO_NAME": ("pro_name", "text", 200),
    "COR_BGT_DOC_NO": ("cor_bgt_doc_no", "text", 100),
    "BGT_TYPE_CODE": ("bgt_type_code", "code", 10),
    "SOURCE_TYPE_CODE": ("source_type_code", "code", 10),
    "FUND_TYPE_CODE": ("fund_type_code", "code", 10),
    "EXP_FUNC_CODE": ("exp_func_code", "code", 20),
    "GOV_BGT_ECO_CODE": ("gov_bgt_eco_code", "code", 20),
    "DEP_BGT_ECO_CODE": ("dep_bgt_eco_code", "code", 20),
    "PAY_TYPE_CODE": ("pay_type_code", "code", 10),
    "IS_GOV_PUR": ("is_gov_pur", "flag", None),
    "AMOUNT": ("amount", "money", None),
    "CUR_AMT": ("cur_amt", "money", None),
    "BGT_EXE_FLAG": ("is_executable", "flag", None),
    "ORI_BGT_ID": ("ori_bgt_id", "code", 40),
    "ADJ_BATCH_NO": ("adj_batch_no", "code", 40),
    "ADJ_AMT": ("adj_amt", "delta", None),
}
_NEW = ["BGT_ID", "MOF_DIV_CODE", "FISCAL_YEAR", "AGENCY_CODE", "PRO_CODE", "PRO_NAME", "AMOUNT"]
INDICATOR_REQUIRED = {
    "new": _NEW,
    "carry_over": _NEW + ["ORI_BGT_ID"],
    "adjust": ["BGT_ID", "ADJ_AMT", "ADJ_BATCH_NO"],
    "delete": ["BGT_ID"],
}

UNIT_FIELDS = {
    "AGENCY_CODE": ("agency_code", "code", 32),
    "AGENCY_NAME": ("agency_name", "text", 100),
    "USCC": ("credit_code", "uscc", 18),
    "MOF_DIV_CODE": ("mof_div_code", "div", 9),
    "FISCAL_YEAR": ("fiscal_year", "year", None),
    "IS_VALID": ("is_valid", "flag", None),
}
UNIT_REQUIRED = ["AGENCY_CODE", "AGENCY_NAME", "USCC", "MOF_DIV_CODE", "FISCAL_YEAR"]

SUBORDINATION_FIELDS = {
    "AGENCY_CODE": ("agency_code", "code", 32),
    "SUPER_AGENCY_CODE": ("super_agency_code", "code", 32),
    "MOF_DIV_CODE": ("mof_div_code", "div", 9),
    "FISCAL_YEAR": ("fiscal_year", "year", None),
    "IS_VALID": ("is_valid", "flag", None),
}
SUBORDINATION_REQUIRED = ["AGENCY_CODE"]  # SUPER_AGENCY_CODE must be present; "" = no superior unit


class WireError(Exception):
    """The body cannot be applied as sent: `errors` maps a field path (e.g. records[0].AMOUNT) to a reason."""

    def __init__(self, message: str, errors: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


@dataclass
class Parsed:
    records: list[dict]  # our field names; indicator records carry "action"
    batch: bool
    raw: object  # the decoded JSON


def _no_constants(name):
    raise ValueError(name)


def _int(text: str):
    # JSON -0 would become int 0 and lose its sign; keep it as Decimal("-0") so the checks refuse it
    return Decimal(text) if text.startswith("-") and not text.strip("-0") else int(text)


def decode(raw: bytes):
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise WireError("报文不是 UTF-8 编码的文本。") from exc
    if not text.strip():
        raise WireError("报文为空。")
    try:
        return json.loads(text, parse_float=Decimal, parse_int=_int, parse_constant=_no_constants)
    except RecursionError as exc:  # nesting deeper than the interpreter's stack
        raise WireError("报文不是合法的 JSON（嵌套层数过多）。") from exc
    except ValueError as exc:
        raise WireError(f"报文不是合法的 JSON（{exc}）。") from exc


def _text(value, max_length):
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError("应为字符串")
    value = str(value).strip()
    if max_length and len(value) > max_length:
        raise ValueError(f"不能超过{max_length}个字符")
    return value


def _code(value, max_length):
    text = _text(value, max_length)
    if not CODE_TEXT.fullmatch(text):
        raise ValueError("应为半角字母、数字或 . _ -")
    return text


def _money(value, *, signed=False):
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise ValueError("应为金额（元，字符串或数字，最多两位小数）")
    if isinstance(value, str):
        value = value.strip()
        if not MONEY_TEXT.fullmatch(value):  # ASCII digits only, no exponent, no sign but "-"
            raise ValueError("应为金额（元，半角数字，最多两位小数）")
    try:
        amount = Decimal(value)
    except InvalidOperation as exc:
        raise ValueError("应为金额（元，字符串或数字，最多两位小数）") from exc
    if not amount.is_finite() or amount.as_tuple().exponent < -2:
        raise ValueError("应为金额（元，最多两位小数）")
    if amount == 0 and amount.is_signed():
        raise ValueError("金额不能为 -0")
    if abs(amount) > MAX_AMOUNT:
        raise ValueError(MAX_AMOUNT_MESSAGE.rstrip("。"))
    if signed and amount == 0:
        raise ValueError("调整金额不能为0")
    if not signed and amount < 0:
        raise ValueError("金额不能为负数")
    return amount.quantize(Decimal("0.01"))


def _flag(value):
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if isinstance(value, str | int) else None
    if text in ("1", "true"):
        return True
    if text in ("0", "false"):
        return False
    raise ValueError("应为 1（是）或 0（否）")


def _year(value):
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError("应为四位年度")
    text = str(value).strip()
    if not (re.fullmatch(r"[0-9]{4}", text) and 2000 <= int(text) <= 2099):
        raise ValueError("应为四位年度（2000–2099）")
    return int(text)


def _div(value):
    text = _text(value, 9)
    if not re.fullmatch(r"[0-9]{6}|[0-9]{9}", text):
        raise ValueError("应为6位或9位数字的财政区划代码")
    return text


def _uscc(value):
    text = _text(value, 18).upper()
    reason = uscc.validate(text)
    if reason:
        raise ValueError(reason.rstrip("。"))
    return text


CHECKS = {"text": _text, "code": _code, "money": lambda v, _: _money(v), "delta": lambda v, _: _money(v, signed=True),
          "flag": lambda v, _: _flag(v), "year": lambda v, _: _year(v), "div": lambda v, _: _div(v),
          "uscc": lambda v, _: _uscc(v)}


def _record(rec, fields: dict, required: list[str], where: str, errors: dict) -> dict:
    out = {}
    for wire_name, (name, kind, max_length) in fields.items():
        value = rec.get(wire_name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if wire_name in required:
                errors[f"{where}{wire_name}"] = "必填"
            continue
        try:
            out[name] = CHECKS[kind](value, max_length)
        except ValueError as exc:
            errors[f"{where}{wire_name}"] = str(exc)
    return out


def _records(body) -> tuple[list, bool]:
    if not isinstance(body, dict):
        raise WireError("报文应为 JSON 对象：单条记录 {...} 或批量 {\"records\": [...]}。")
    if "records" not in body:
        return [body], False
    records = body["records"]
    if not isinstance(records, list) or not records:
        raise WireError("records 应为非空数组。", {"records": "应为非空数组"})
    if len(records) > MAX_RECORDS:
        raise WireError(f"一批最多 {MAX_RECORDS} 条记录，本批 {len(records)} 条。", {"records": "记录数超限"})
    return records, True


def _finish(errors: dict):
    if errors:
        listed = "；".join(f"{k}：{v}" for k, v in list(errors.items())[:20])
        more = f"（另有 {len(errors) - 20} 处）" if len(errors) > 20 else ""
        raise WireError(f"报文字段有误，共 {len(errors)} 处：{listed}{more}。", errors)


def _parse(body, one) -> Parsed:
    """Every record of a message through `one(rec, where, errors) -> values | None`; all errors reported."""
    records, batch = _records(body)
    errors, out = {}, []
    for i, rec in enumerate(records):
        where = f"records[{i}]." if batch else ""
        if not isinstance(rec, dict):
            errors[f"records[{i}]"] = "应为 JSON 对象"
            continue
        values = one(rec, where, errors)
        if values is not None:
            out.append(values)
    _finish(errors)
    return Parsed(out, batch, body)


def _indicator(rec, where, errors):
    action = rec.get("ACTION")
    if action not in ACTIONS:
        errors[f"{where}ACTION"] = "必填" if action in (None, "") else "应为 new、adjust、carry_over、delete 之一"
        _record(rec, INDICATOR_FIELDS, [], where, errors)  # report bad values too
        return None
    values = _record(rec, INDICATOR_FIELDS, INDICATOR_REQUIRED[action], where, errors)
    if action == "carry_over" and values.get("ori_bgt_id") and values.get("ori_bgt_id") == values.get("bgt_id"):
        errors[f"{where}ORI_BGT_ID"] = "不能与 BGT_ID 相同"
    values["action"] = action
    return values


def _unit(rec, where, errors):
    return _record(rec, UNIT_FIELDS, UNIT_REQUIRED, where, errors)


def _subordination(rec, where, errors):
    values = _record(rec, SUBORDINATION_FIELDS, SUBORDINATION_REQUIRED, where, errors)
    if "SUPER_AGENCY_CODE" not in rec:
        errors[f"{where}SUPER_AGENCY_CODE"] = "必填（无上级单位时传空字符串）"
    values.setdefault("super_agency_code", "")
    if values.get("agency_code") and values["agency_code"] == values["super_agency_code"]:
        errors[f"{where}SUPER_AGENCY_CODE"] = "不能与 AGENCY_CODE 相同"
    return values


def parse_indicators(body) -> Parsed:
    return _parse(body, _indicator)


def parse_units(body) -> Parsed:
    return _parse(body, _unit)


def parse_subordinations(body) -> Parsed:
    return _parse(body, _subordination)


PARSERS = {"indicator": parse_indicators, "unit": parse_units, "subordination": parse_subordinations}


def hints(body) -> dict:
    """Best-effort facts of a body for the log (also of refused ones): region, unit code, year, action."""
    records = body.get("records") if isinstance(body, dict) else None
    if not isinstance(records, list):
        records = [body] if isinstance(body, dict) else []
    records = [r for r in records if isinstance(r, dict)]

    def common(name):
        values = {str(r.get(name)).strip() for r in records if r.get(name) not in (None, "")}
        return values.pop() if len(values) == 1 else ""

    divs = sorted({str(r.get("MOF_DIV_CODE")).strip() for r in records if r.get("MOF_DIV_CODE") not in (None, "")})
    year = common("FISCAL_YEAR")
    actions = {r.get("ACTION") for r in records if isinstance(r.get("ACTION"), str)}
    return {
        "mof_div_codes": divs,
        "agency_code": common("AGENCY_CODE")[:32],
        "fiscal_year": int(year) if year.isdigit() and len(year) == 4 else None,
        "action": (actions.pop() if len(actions) == 1 else ("batch" if len(actions) > 1 else ""))[:20],
        "count": len(records),
    }
