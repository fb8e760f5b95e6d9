"""The line-table component: an inline table of a form (采购内容清单, 资金构成 …) posted as parallel lists
`<prefix>-<column>`, cleaned per cell with Chinese messages keyed `<error_key>.<row>.<column>`, and rendered
by `{% line_table table rows %}` (partials/line_table.html; 新增一行 / 删除 in static/js/app.js)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from .errors import FieldErrors
from .money import amount_problem, parse_decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class LineColumn:
    name: str
    label: str
    kind: str = "text"            # text | number | money | select
    required: bool = True
    choices: tuple | Callable = ()  # select: ((value, label), …), or a callable returning them (rows read late)
    max_length: int = 200

    def clean(self, raw: str):
        """(value, message): the typed text as a value, or the reason it is not one."""
        if raw == "":
            return None, (f"请填写{self.label}。" if self.required else None)
        if self.kind == "text":
            return (raw, None) if len(raw) <= self.max_length else (None, f"{self.label}不能超过{self.max_length}个字。")
        if self.kind == "select":
            choices = self.choices() if callable(self.choices) else self.choices
            return (raw, None) if raw in {str(v) for v, _ in choices} else (None, f"请从列表中选择{self.label}。")
        if self.kind == "money":
            problem = amount_problem(raw)
            if problem:
                return None, problem
            value = parse_decimal(raw).quantize(CENT)
            return (value, None) if value > 0 else (None, f"{self.label}必须大于0。")
        value = parse_decimal(raw)
        if value is None or not value.is_finite() or abs(value) >= Decimal("1e14") or value <= 0:
            return None, f"{self.label}必须是大于0的数字。"
        return value, None


@dataclass(frozen=True)
class LineTable:
    prefix: str                   # the posted names: <prefix>-<column>
    label: str                    # the table's title (采购内容清单)
    columns: tuple[LineColumn, ...]
    error_key: str = ""           # errors are <error_key>.<row>.<column> (default: the prefix)
    min_rows: int = 1
    add_label: str = "新增一行"
    extra: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.error_key or self.prefix

    def rows_from(self, post, *, keep_empty: bool = False) -> list[dict]:
        """The rows as typed (text, stripped); fully empty rows are dropped unless `keep_empty` (a table whose
        caller decides which rows count, e.g. prefilled ones)."""
        columns = {c.name: post.getlist(f"{self.prefix}-{c.name}") for c in self.columns}
        count = max((len(v) for v in columns.values()), default=0)
        rows = []
        for i in range(count):
            row = {n: (v[i] if i < len(v) else "").strip() for n, v in columns.items()}
            if keep_empty or any(row.values()):
                rows.append(row)
        return rows

    def row_errors(self, errors: dict | None, count: int) -> list[dict]:
        """{'<key>.1.quantity': msg} → one dict per row ({'quantity': msg}); '<key>.1' → {'row': msg}. For a
        table drawn by its own row template."""
        rows = [{} for _ in range(count)]
        for key, msg in (errors or {}).items():
            parts = key.split(".")
            if parts[0] != self.key or len(parts) < 2 or not parts[1].isdigit() or int(parts[1]) >= count:
                continue
            rows[int(parts[1])][parts[2] if len(parts) > 2 else "row"] = msg
        return rows

    def clean(self, rows: list[dict]) -> list[dict]:
        """Typed values per row, or FieldErrors with every bad cell (and `<key>` when too few rows)."""
        errors, out = {}, []
        for i, row in enumerate(rows):
            values = {}
            for col in self.columns:
                value, problem = col.clean(str(row.get(col.name, "") or "").strip())
                if problem:
                    errors[f"{self.key}.{i}.{col.name}"] = f"第{i + 1}行：{problem}"
                values[col.name] = value
            out.append(values)
        if len(rows) < self.min_rows:
            errors[self.key] = f"{self.label}至少需要填写{self.min_rows}行。"
        if errors:
            raise FieldErrors(errors)
        return out

    def bound(self, rows: list[dict], errors: dict | None = None) -> list[dict]:
        """What the template shows: each row's cells with its value and message, at least `min_rows` rows."""
        rows = list(rows) + [{} for _ in range(max(0, self.min_rows - len(rows)))]
        errors = errors or {}
        return [{"cells": [{"column": c, "value": "" if r.get(c.name) is None else r.get(c.name),
                            "error": errors.get(f"{self.key}.{i}.{c.name}", "")} for c in self.columns],
                 "error": errors.get(f"{self.key}.{i}", "")} for i, r in enumerate(rows)]
