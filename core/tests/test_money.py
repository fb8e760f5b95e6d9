from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import BusinessError
from core.money import amount_in_words, format_wanyuan, format_yuan, parse_decimal, to_decimal

# ---- to_decimal -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, expected", [
    (Decimal("1234.5"), Decimal("1234.50")),
    (1234, Decimal("1234.00")),
    ("1,234.5", Decimal("1234.50")),
    (" ¥1234.005 ", Decimal("1234.01")),  # ROUND_HALF_UP, not banker's rounding
    ("0.125", Decimal("0.13")),
    ("-0.125", Decimal("-0.13")),
    (0.1, Decimal("0.10")),
    (0.1 + 0.2, Decimal("0.30")),
    (2.675, Decimal("2.68")),  # the float is 2.67499999…; read through str it is 2.675 → 2.68
    ("1e3", Decimal("1000.00")),
])
def test_to_decimal_quantizes_half_up_through_str(raw, expected):
    result = to_decimal(raw)
    assert result == expected
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize("raw", [None, "", "  ", "abc", "1.2.3", "NaN", "Infinity", True, [1], "1e40"])
def test_to_decimal_rejects_bad_input_with_chinese_message(raw):
    with pytest.raises(BusinessError) as exc:
        to_decimal(raw)
    assert "金额" in exc.value.message
    assert exc.value.code == "invalid_amount"


# ---- display ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, expected", [
    ("1234.5", "1,234.50"),
    (0, "0.00"),
    ("999.999", "1,000.00"),
    ("-1234567.891", "-1,234,567.89"),
    (100000000, "100,000,000.00"),
])
def test_format_yuan(raw, expected):
    assert format_yuan(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("1234567", "123.46"),
    ("1234500", "123.45"),
    ("1234550", "123.46"),  # 123.455 万元 rounds half up
    (5000, "0.50"),
    (0, "0.00"),
    ("123456789000", "12,345,678.90"),
    ("-50000", "-5.00"),
])
def test_format_wanyuan(raw, expected):
    assert format_wanyuan(raw) == expected


# ---- 大写金额 ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, words", [
    ("1234.50", "壹仟贰佰叁拾肆元伍角"),
    (1234, "壹仟贰佰叁拾肆元整"),
    ("1234.05", "壹仟贰佰叁拾肆元零伍分"),
    (0, "零元整"),
    ("0.5", "伍角"),
    ("0.05", "伍分"),
    ("0.55", "伍角伍分"),
    (100010, "壹拾万零壹拾元整"),
    (10000, "壹万元整"),
    (100000000, "壹亿元整"),
    (1000001, "壹佰万零壹元整"),
    ("101000.10", "壹拾万壹仟元零壹角"),
    ("1680.32", "壹仟陆佰捌拾元零叁角贰分"),
    ("10.05", "壹拾元零伍分"),
    (10, "壹拾元整"),
    (1001, "壹仟零壹元整"),
    (1010, "壹仟零壹拾元整"),
    (100001000, "壹亿零壹仟元整"),
    (110000000, "壹亿壹仟万元整"),
    (101000000, "壹亿零壹佰万元整"),
    (1000000000000, "壹万亿元整"),
    (1000100000000, "壹万零壹亿元整"),
    ("107000.53", "壹拾万柒仟元零伍角叁分"),
    ("-1234.5", "负壹仟贰佰叁拾肆元伍角"),
    ("-0.001", "零元整"),  # rounds to zero: no 负零
])
def test_amount_in_words_examples(raw, words):
    assert amount_in_words(raw) == words


_DIGIT = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
_UNIT = {"拾": 10, "佰": 100, "仟": 1000}


def _parse_section(text: str) -> int:
    total, digit = 0, 0
    for ch in text:
        if ch in _DIGIT:
            digit = _DIGIT[ch]
        else:
            total += digit * _UNIT[ch]
            digit = 0
    return total + digit


def _parse_integer(text: str) -> int:
    if "亿" in text:
        high, low = text.rsplit("亿", 1)
        return _parse_integer(high) * 10**8 + _parse_integer(low)
    if "万" in text:
        high, low = text.split("万", 1)
        return _parse_section(high) * 10**4 + _parse_section(low)
    return _parse_section(text)


def parse_words(words: str) -> Decimal:
    """A reader for 大写金额, written independently of the writer, for the round trip."""
    sign = -1 if words.startswith("负") else 1
    words = words.removeprefix("负")
    yuan, rest = words.split("元", 1) if "元" in words else ("", words)
    jiao = _DIGIT[rest[rest.index("角") - 1]] if "角" in rest else 0
    fen = _DIGIT[rest[rest.index("分") - 1]] if "分" in rest else 0
    return sign * (Decimal(_parse_integer(yuan)) + Decimal(jiao) / 10 + Decimal(fen) / 100)


amounts = st.one_of(
    st.decimals(min_value=Decimal("-9999999999999999.99"), max_value=Decimal("9999999999999999.99"), places=2,
                allow_nan=False, allow_infinity=False),
    # sparse digits exercise the 零 rules far more than uniform numbers do
    st.lists(st.sampled_from([0, 0, 0, 1, 5, 9]), min_size=1, max_size=18).map(
        lambda ds: Decimal("".join(map(str, ds))) / 100),
)


@given(amounts)
def test_amount_in_words_round_trips(amount):
    assert parse_words(amount_in_words(amount)) == to_decimal(amount)


@given(amounts)
def test_amount_in_words_structure(amount):
    words = amount_in_words(amount)
    value = to_decimal(amount)
    assert set(words) <= set("负零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整")
    assert "零零" not in words
    assert words[-1] in "整角分"
    assert not words.endswith("零整") and "零元" not in words.replace("零元整", "")
    assert words.startswith("负") == (value < 0)
    assert words.endswith("整") == (value == value.to_integral_value())
    assert ("元" in words) == (abs(value) >= 1 or value == 0)
    body = words.removeprefix("负")
    assert not body.startswith("零") or body == "零元整"
    # a unit never follows 零 directly (零拾, 零万 …)
    for unit in "拾佰仟万亿元角分":
        assert "零" + unit not in words.replace("零元整", "")


@pytest.mark.parametrize("raw, expected", [
    ("1,234.5", Decimal("1234.5")), (" 7 ", Decimal("7")), (12, Decimal("12")), ("-3.25", Decimal("-3.25")),
    ("", None), (None, None), ("abc", None), ("NaN", None), ("Infinity", None), (True, None),
])
def test_parse_decimal_reads_form_input_or_gives_none(raw, expected):
    assert parse_decimal(raw) == expected
