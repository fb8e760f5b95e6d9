"""统一社会信用代码 (GB 32100-2015): 18 characters, the last a check character over the first 17."""

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_char(first17: str) -> str:
    total = sum(CHARSET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def validate(code: str) -> str | None:
    """None when valid, else the Chinese reason."""
    code = (code or "").strip().upper()
    if len(code) != 18:
        return "统一社会信用代码应为18位。"
    bad = [c for c in code if c not in CHARSET]
    if bad:
        return f"统一社会信用代码含有非法字符「{bad[0]}」（不使用 I、O、Z、S、V）。"
    if check_char(code[:17]) != code[17]:
        return "统一社会信用代码校验位不正确，请核对。"
    return None


def make(first17: str) -> str:
    """Complete a 17-character body with its check character (demo data, tests)."""
    return first17 + check_char(first17)
