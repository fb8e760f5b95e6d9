"""Input rules repeated across apps, kept in one place: fiscal-year bounds and the phone rule.

(The maximum amount is core.money.MAX_AMOUNT.)
"""

import re

FISCAL_YEAR_MIN = 2000
FISCAL_YEAR_MAX = 2100
FISCAL_YEAR_MESSAGE = f"预算年度应为{FISCAL_YEAR_MIN}至{FISCAL_YEAR_MAX}之间的年份。"

# ASCII digits only: str.isdigit() also accepts fullwidth and other scripts' digits
PHONE = re.compile(r"^[0-9+\- ]+$", re.ASCII)
PHONE_MESSAGE = "联系电话只能包含数字和“-”。"


def fiscal_year_ok(year: int) -> bool:
    return FISCAL_YEAR_MIN <= year <= FISCAL_YEAR_MAX


def phone_problem(text: str) -> str | None:
    """PHONE_MESSAGE for a non-empty phone with other characters, else None."""
    return PHONE_MESSAGE if text and not PHONE.match(text) else None


MAX_ID = 2**31 - 1  # the smallest integer column of both databases; no row has a larger id


def parse_id(value) -> int | None:
    """A row id as typed (ASCII digits, 1..MAX_ID), else None: '²' and '１' pass isdigit() but are no ids,
    and 2**64 overflows SQLite."""
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    n = int(text)
    return n if 1 <= n <= MAX_ID else None
