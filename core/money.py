"""Money: Decimal yuan with 2 places, display as 元 / 万元, and 大写金额 for contracts and vouchers.

Never a float: a float is read through its shortest repr (str), so 0.1 stays 0.10 and not
0.1000000000000000055….
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .errors import BusinessError

CENT = Decimal("0.01")
WAN = Decimal(10000)

# The largest amount the system accepts anywhere (forms, API, the budget-platform feed), in yuan.
# Why this bound: SQLite keeps a DecimalField as a REAL, exact only up to 15 significant digits; with two
# decimals that is 13 integer digits, so every amount below 1e13 yuan is exact on SQLite and PostgreSQL
# alike. A province's whole yearly budget is far below it.
MAX_AMOUNT = Decimal("9999999999999.99")
MAX_AMOUNT_MESSAGE = "金额不能超过 9,999,999,999,999.99 元。"


def within_limit(d: Decimal) -> bool:
    """Is |d| at most MAX_AMOUNT? (finite Decimals only)"""
    return d.is_finite() and abs(d) <= MAX_AMOUNT


def check_amount_limit(d: Decimal) -> Decimal:
    """d itself, or BusinessError(code='amount_too_large') when it is beyond MAX_AMOUNT."""
    if not within_limit(d):
        raise BusinessError(MAX_AMOUNT_MESSAGE, code="amount_too_large")
    return d


AMOUNT_NOT_NUMBER = "金额应为数字。"
AMOUNT_PLACES = "金额最多保留两位小数。"


def amount_problem(value, *, places: int = 2) -> str | None:
    """The Chinese message for a typed amount that cannot be money, or None when it can.

    Checks the limit before the places: 1e27 is "too large", not "too many decimals", and quantizing it would
    raise InvalidOperation.
    """
    d = value if isinstance(value, Decimal) else parse_decimal(value)
    if d is None or not d.is_finite():
        return AMOUNT_NOT_NUMBER
    if not within_limit(d):
        return MAX_AMOUNT_MESSAGE
    if d != d.quantize(Decimal(1).scaleb(-places)):
        return AMOUNT_PLACES if places == 2 else f"最多保留{places}位小数。"
    return None


def parse_amount(value) -> Decimal:
    """A typed amount as Decimal yuan (2 places, within MAX_AMOUNT), or BusinessError with the reason."""
    problem = amount_problem(value)
    if problem:
        raise BusinessError(problem, code="amount_too_large" if problem == MAX_AMOUNT_MESSAGE else "invalid_amount")
    return parse_decimal(value).quantize(CENT)


DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SECTION_UNITS = ("仟", "佰", "拾", "")  # positions 3, 2, 1, 0 of a 4-digit section


def to_decimal(value) -> Decimal:
    """An amount as Decimal yuan, quantized to 2 places with ROUND_HALF_UP.

    Accepts Decimal, int, float (via str) and strings such as ' 1,234.5 ' or '¥1234'.
    Anything else, NaN and infinities raise BusinessError with a Chinese message.
    """
    if isinstance(value, bool) or value is None:
        raise BusinessError("金额不能为空。", code="invalid_amount")
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, int | float):
        d = _parse(str(value))
    elif isinstance(value, str):
        d = _parse(value.strip().replace(",", "").replace("，", "").lstrip("¥￥").strip())
    else:
        raise BusinessError("金额格式不正确。", code="invalid_amount")
    if not d.is_finite():
        raise BusinessError("金额格式不正确。", code="invalid_amount")
    try:
        return d.quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise BusinessError("金额超出允许范围。", code="invalid_amount") from None


def parse_decimal(value) -> Decimal | None:
    """A number typed into a form ('1,234.5'), unrounded; None when empty or not a finite number."""
    if value in (None, "") or isinstance(value, bool):
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        d = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


def _parse(text: str) -> Decimal:
    if not text:
        raise BusinessError("金额不能为空。", code="invalid_amount")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise BusinessError(f"金额格式不正确：「{text}」。", code="invalid_amount") from None


def format_yuan(d) -> str:
    """'1,234.50' (元, two decimals, thousands separators)."""
    return f"{to_decimal(d):,.2f}"


def format_wanyuan(d) -> str:
    """The amount in 万元 with two decimals (ROUND_HALF_UP) and thousands separators: 1234567 → '123.46'."""
    return f"{(to_decimal(d) / WAN).quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"


def _section(n: int) -> str:
    """1 ≤ n ≤ 9999 in words, without leading 零 (the caller adds the 零 between sections)."""
    out = []
    zero_pending = False
    for unit, digit in zip(_SECTION_UNITS, f"{n:04d}", strict=True):
        d = int(digit)
        if d == 0:
            zero_pending = bool(out)
            continue
        if zero_pending:
            out.append("零")
            zero_pending = False
        out.append(DIGITS[d] + unit)
    return "".join(out)


def _integer(n: int) -> str:
    """n ≥ 1 in words: 4-digit sections joined by 万 and 亿 (亿 recursively, so 万亿 works too)."""
    if n >= 10**8:
        high, low = divmod(n, 10**8)
        words = _integer(high) + "亿"
        if low:
            words += ("零" if low < 10**7 else "") + _integer(low)
        return words
    if n >= 10**4:
        high, low = divmod(n, 10**4)
        words = _section(high) + "万"
        if low:
            words += ("零" if low < 1000 else "") + _section(low)
        return words
    return _section(n)


def amount_in_words(d) -> str:
    """大写金额 following the 支付结算办法 rules: 1234.05 → '壹仟贰佰叁拾肆元零伍分'.

    - one 零 for any run of interior zeros, also across 万/亿 sections (100010 → 壹拾万零壹拾元整);
    - 整 only after 元 (no 角 or 分); nothing after 角 or 分;
    - a 0 in the 元 place before a 角 is written as 零 (101000.10 → 壹拾万壹仟元零壹角);
    - no 元 part for amounts under one yuan (0.5 → 伍角); 0 → 零元整; negatives start with 负.
    """
    amount = to_decimal(d)
    sign = "负" if amount < 0 else ""
    cents = int(abs(amount) * 100)
    yuan, fraction = divmod(cents, 100)
    jiao, fen = divmod(fraction, 10)
    if not cents:
        return "零元整"
    parts = [sign]
    if yuan:
        parts.append(_integer(yuan) + "元")
    if not fraction:
        parts.append("整")
        return "".join(parts)
    if jiao:
        if yuan and yuan % 10 == 0:
            parts.append("零")
        parts.append(DIGITS[jiao] + "角")
    elif yuan:
        parts.append("零")
    if fen:
        parts.append(DIGITS[fen] + "分")
    return "".join(parts)
