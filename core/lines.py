"""The line-table component: an inline table of a form (采购内容清单, 资金构成 …) posted as parallel lists
`<prefix>-<column>`, cleaned per cell with Chinese messages keyed `<error_key>.<row>.<column>`, and rendered
by `{% line_table table rows errors %}` (partials/line_table.html; 新增一行 / 删除 in static/js/app.js).

What a page adds to the plain table: select options from the view (`with_choices`, `Choice` with data
attributes and option groups a field filters), read-only cells the server computes (`computed=True`, values
as `Computed`), a totals row (`total_label` / `total_column`), and live updates: `{% line_table … live=url %}`
posts the form to `url` on input (htmx) and the view answers with partials/line_cells.html over
`LineTable.live(...)`: the computed cells as out-of-band swaps. No arithmetic in the browser."""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from .errors import FieldErrors
from .money import amount_problem, parse_decimal

CENT = Decimal("0.01")
MONTH = re.compile(r"^(\d{4})-(\d{1,2})(?:-01)?$")  # 2026-05 (a month input), or its first day as the API gives it


@dataclass(frozen=True)
class Choice:
    """An option of a select column as the view offers it: `data` becomes data-* attributes, `group` the
    <optgroup> it sits in, and `group_filter` the value of the column's `filter_by` field that shows that group."""
    value: str
    label: str
    data: tuple = ()              # (("available", "1000.00"), …) → data-available="1000.00"
    group: str = ""
    group_filter: str = ""


@dataclass(frozen=True)
class Computed:
    """What a computed cell shows: its value (money formatted by the column), a note after it, a CSS class
    (`over`, `check-bad` …) and a title (the whole message)."""
    value: object = None
    note: str = ""
    css: str = ""
    title: str = ""


@dataclass(frozen=True)
class LineColumn:
    name: str
    label: str                    # in messages ("请填写单价。") and the heading unless `header` is given
    kind: str = "text"            # text | number | money | select | month (2026-05, a date: its first day)
    #                               | hidden (a reference the row carries, e.g. the project it was picked from)
    required: bool = True
    # select: ((value, label) or Choice, …), or a callable returning them (rows read late); None: the view's
    # (with_choices), the service checks the value
    choices: tuple | Callable | None = ()
    max_length: int = 200
    header: str = ""              # the heading when it says more than the label: 单价（元）
    css: str = ""                 # class of the cell's field, or of a computed cell
    empty_label: str = "请选择"    # select: the blank option
    filter_by: str = ""           # select: id of the field whose value shows only the option group it names
    computed: bool = False        # read-only, the server's (not posted, not cleaned)
    placeholder: str = "—"        # a computed cell without a value

    @property
    def heading(self) -> str:
        return self.header or self.label

    @property
    def is_money(self) -> bool:
        return self.kind == "money"

    def options(self) -> list[Choice]:
        choices = self.choices() if callable(self.choices) else self.choices
        return [c if isinstance(c, Choice) else Choice(str(c[0]), str(c[1])) for c in choices or ()]

    @property
    def option_groups(self) -> list[dict]:
        """The options in their <optgroup>s, in order (a group without a label: plain options). Not cached: a
        callable's options are read from the database on each render."""
        groups: list[dict] = []
        for c in self.options():
            if not groups or groups[-1]["label"] != c.group:
                groups.append({"label": c.group, "filter": c.group_filter, "choices": []})
            groups[-1]["choices"].append(c)
        return groups

    def text(self, value) -> str:
        """The value as the input shows it (a month as 2026-05)."""
        if value is None:
            return ""
        if self.kind == "month" and isinstance(value, dt.date):
            return f"{value:%Y-%m}"
        return value

    def clean(self, raw: str):
        """(value, message): the typed text as a value, or the reason it is not one."""
        if raw == "":
            return None, (f"请填写{self.label}。" if self.required else None)
        if self.kind == "text":
            return (raw, None) if len(raw) <= self.max_length else (None, f"{self.label}不能超过{self.max_length}个字。")
        if self.kind == "hidden":
            return (int(raw), None) if raw.isascii() and raw.isdigit() and len(raw) < 18 else (None, f"{self.label}不正确。")
        if self.kind == "month":
            m = MONTH.match(raw)
            if not m or not 1 <= int(m.group(2)) <= 12 or not 1900 <= int(m.group(1)) <= 2999:
                return None, f"{self.label}请填写年月，如 2026-05。"
            return dt.date(int(m.group(1)), int(m.group(2)), 1), None
        if self.kind == "select":
            if self.choices is None:
                return raw, None
            return (raw, None) if raw in {c.value for c in self.options()} else (None, f"请从列表中选择{self.label}。")
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
    dom: str = ""                 # DOM ids: <dom>-lines (the table), -row (its template), -total, -check
    help: str = ""                # a hint beside 新增一行
    total_label: str = ""         # a totals row: its label, under the columns before `total_column`
    total_column: str = ""
    row_error_column: str = ""    # where a row's own message (<key>.<row>) shows; else a title on 序号

    @property
    def key(self) -> str:
        return self.error_key or self.prefix

    @property
    def dom_id(self) -> str:
        return self.dom or self.prefix

    @property
    def shown(self) -> tuple[LineColumn, ...]:
        """The columns drawn as cells (a hidden column rides in the row's first cell)."""
        return tuple(c for c in self.columns if c.kind != "hidden")

    @property
    def inputs(self) -> tuple[LineColumn, ...]:
        """The posted columns (computed ones are the server's)."""
        return tuple(c for c in self.columns if not c.computed)

    def with_choices(self, **choices) -> "LineTable":
        """The same table with the view's options for its select columns: `with_choices(indicator=[Choice…])`."""
        unknown = set(choices) - {c.name for c in self.columns}
        if unknown:
            raise ValueError(f"no such column: {sorted(unknown)}")
        return replace(self, columns=tuple(replace(c, choices=tuple(choices[c.name])) if c.name in choices else c
                                           for c in self.columns))

    def cell_selector(self, row: int, column: str) -> str:
        """The CSS selector of a computed cell (0-based row), for an out-of-band swap."""
        return f"#{self.dom_id}-lines > tbody > tr:nth-child({row + 1}) > td[data-col={column}]"

    @property
    def total_span(self) -> tuple[int, int]:
        """(colspan of the totals label, colspan of the note after the total): 序号 and 操作 included."""
        names = [c.name for c in self.shown]
        at = names.index(self.total_column) if self.total_column in names else len(names) - 1
        return at + 1, len(names) - at

    def rows_from(self, post, *, keep_empty: bool = False) -> list[dict]:
        """The rows as typed (text, stripped); fully empty rows are dropped unless `keep_empty` (a table whose
        caller decides which rows count, e.g. prefilled ones)."""
        columns = {c.name: post.getlist(f"{self.prefix}-{c.name}") for c in self.inputs}
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
            for col in self.inputs:
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
        """What the template shows: each row's cells with its value and message, at least `min_rows` rows.
        A computed cell's value is a `Computed` (a plain value is wrapped)."""
        rows = list(rows) + [{} for _ in range(max(0, self.min_rows - len(rows)))]
        errors = errors or {}
        out = []
        for i, r in enumerate(rows):
            row_error = errors.get(f"{self.key}.{i}", "")
            cells, hidden = [], []
            for c in self.columns:
                value = r.get(c.name)
                if c.computed:
                    value = value if isinstance(value, Computed) else Computed(value)
                else:
                    value = c.text(value)
                error = errors.get(f"{self.key}.{i}.{c.name}", "")
                if c.name == self.row_error_column and row_error:
                    error = error or row_error
                (hidden if c.kind == "hidden" else cells).append({"column": c, "value": value, "error": error})
            out.append({"cells": cells, "hidden": hidden, "error": "" if self.row_error_column else row_error})
        return out

    def live(self, rows: list[dict], total=None, note: Computed | None = None) -> dict:
        """The server's cells of `rows` (every posted row, in the page's order, with the computed values) for
        partials/line_cells.html: each one swapped out of band into its place, and the totals row."""
        cells = [{"selector": self.cell_selector(i, c.name), "column": c,
                  "value": r.get(c.name) if isinstance(r.get(c.name), Computed) else Computed(r.get(c.name))}
                 for i, r in enumerate(rows) for c in self.columns if c.computed]
        return {"table": self, "cells": cells, "total": total if total is not None else Decimal("0"),
                "note": note or Computed(), "span": self.total_span}
