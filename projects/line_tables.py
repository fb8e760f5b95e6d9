"""The inline tables of the 立项 form and of the requests' forms as the line-table component (core.lines) draws
them: the select options the view offers (品目, 指标) and the cells the server computes (金额, 可用金额, 使用后剩余,
项目占用, the totals). One function per page builds both the page's tables and the live answer (htmx), so what
a page shows first and what it shows after an input are the same computation (services.line_amount,
services.fund_use). Reads only."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from budgets import ledger
from budgets import selectors as budget_selectors
from core.lines import Choice, Computed
from core.models import Category
from core.money import format_yuan, parse_decimal

from . import selectors, services
from .forms import CONTENT_TABLE, FUND_TABLE
from .models import Project, ProjectRequest
from .request_forms import MOVE_TABLES

ZERO = Decimal("0")
CENT = Decimal("0.01")
FUND_KINDS = (ProjectRequest.KIND_FUND_REPLACE, ProjectRequest.KIND_FUND_ADD, ProjectRequest.KIND_FUND_RECLAIM)
CHANGE_FUND_HELP = "可用金额含本项目已占用的部分。资金构成合计须等于采购内容清单合计；不调整资金时保持不变即可。"

# ---- options ------------------------------------------------------------------------------------------------


def category_choices(kind: str | None = None) -> list[Choice]:
    """末级品目: of one 采购类别 (a request on a project), or all of them grouped by 采购类别 for the 立项 form,
    whose 采购类别 field shows only its group (data-filter-by)."""
    cats = list(selectors.leaf_categories(kind))
    if kind:
        return [Choice(str(c.pk), f"{c.code} {c.name}") for c in cats]
    order = {code: i for i, (code, _) in enumerate(Category.KINDS)}
    labels = dict(Category.KINDS)
    cats.sort(key=lambda c: (order.get(c.kind, len(order)), c.code))
    return [Choice(str(c.pk), f"{c.code} {c.name}", (("kind", c.kind),), labels.get(c.kind, c.kind), c.kind)
            for c in cats]


def _name(ind) -> str:
    return ind.pro_name or ind.bgt_id


def indicator_choices(indicators) -> list[Choice]:
    """The unit's usable indicators, each with its year and what it has left."""
    return [Choice(str(i.pk), f"{_name(i)}（{i.bgt_id}，{i.fiscal_year}年，可用 {format_yuan(i.available)} 元）",
                   (("available", i.available), ("year", i.fiscal_year))) for i in indicators]


# ---- 立项 ----------------------------------------------------------------------------------------------------


def _amount(value) -> Decimal | None:
    a = parse_decimal(value)
    return a.quantize(CENT) if a is not None and 0 < a <= services.MAX_MONEY else None


def content_values(lines: list[dict]) -> tuple[list[dict], Decimal]:
    """采购内容清单 rows with each one's 金额 (services.line_amount: 0 until it parses), and their 合计."""
    amounts = [services.line_amount(ln) or ZERO for ln in lines]
    return [{**ln, "amount": a} for ln, a in zip(lines, amounts, strict=True)], sum(amounts, ZERO)


def fund_values(unit, funds: list[dict], total: Decimal, held: dict | None = None):
    """项目资金构成 rows with 可用金额 and 使用后剩余 (services.fund_use), their 合计 and the note beside it."""
    use = services.fund_use(unit, funds, held=held)
    rows = []
    for row, u in zip(funds, use["rows"], strict=True):
        over = u["remaining"] is not None and u["remaining"] < 0
        rows.append({**row, "available": u["available"],
                     "remaining": Computed(u["remaining"], note="（超出可用金额）" if over else "",
                                           css="over" if over else "", title=u["message"])})
    text, agrees = services.fund_total_check(use["total"], total, rows=len(funds))
    note = Computed(text, css={True: "check-ok", False: "check-bad"}.get(agrees, ""))
    return rows, use["total"], note


def fund_table(unit, funds: list[dict], total: Decimal) -> dict:
    """项目资金构成 with the view's options: {table, rows, total, note, warning}; `total` is the 项目金额 the
    资金合计 must equal."""
    fund_rows, fund_total, note = fund_values(unit, funds, total)
    indicators = list(services.usable_indicators(unit).order_by("-fiscal_year", "bgt_id"))
    return {"table": FUND_TABLE.with_choices(indicator=indicator_choices(indicators)), "rows": fund_rows,
            "total": fund_total, "note": note, "warning": "" if indicators else "本单位没有可用的指标。"}


def fund_live(unit, post, total: Decimal) -> dict:
    """The live answer of 项目资金构成 (every row as it stands on the page) beside the 项目金额 `total`."""
    fund_rows, fund_total, note = fund_values(unit, FUND_TABLE.rows_from(post, keep_empty=True), total)
    return FUND_TABLE.live(fund_rows, fund_total, note)


def project_tables(unit, lines: list[dict], funds: list[dict]) -> dict:
    """The 立项 form's two tables, with the view's options: {content: {table, rows, total}, fund: {…, note,
    warning}}."""
    content_rows, total = content_values(lines)
    return {
        "content": {"table": CONTENT_TABLE.with_choices(category=category_choices()), "rows": content_rows,
                    "total": total},
        "fund": fund_table(unit, funds, total),
    }


def project_live(unit, post) -> list[dict]:
    """The live answer of the 立项 form: every row as it stands on the page (empty ones too, so row N is the
    page's row N)."""
    content_rows, total = content_values(CONTENT_TABLE.rows_from(post, keep_empty=True))
    return [CONTENT_TABLE.live(content_rows, total), fund_live(unit, post, total)]


# ---- the requests' forms ---------------------------------------------------------------------------------------


def _held(project: Project) -> dict[int, Decimal]:
    return ledger.held(ledger.holder_key(project))


def _move_values(kind: str, moves: list[dict], held: dict, available: dict):
    """Fund moves with 项目占用 (what the project holds on the row's own indicator) and 可用金额 (the target's)."""
    rows, total = [], ZERO
    for m in moves:
        source = services.pk_of(m.get("from_indicator") if kind == ProjectRequest.KIND_FUND_REPLACE
                                else m.get("indicator"))
        target = services.pk_of(m.get("indicator"))
        rows.append({**m, "held": held.get(source), "room": available.get(target)})
        total += _amount(m.get("amount")) or ZERO
    return rows, total


def request_tables(project: Project, kind: str, *, lines=None, funds=None, moves=None, live: str = "") -> dict:
    """The tables of a request's form on `project` (None for a table the kind has not): 采购内容清单 (变更,
    追加, 回收), 项目资金构成 (变更: 可用金额 includes the project's own holding) and the fund moves."""
    held = _held(project)
    usable = list(services.usable_indicators(project.unit).order_by("-fiscal_year", "bgt_id"))
    out: dict = {"live": live}
    total = ZERO
    if lines is not None:
        rows, total = content_values(lines)
        table = CONTENT_TABLE.with_choices(category=category_choices(project.procurement_kind))
        out["content"] = {"table": table, "rows": rows, "total": total,
                          "subtitle": (f"（调整为{dict(ProjectRequest.KINDS)[kind]}后的清单，合计须等于调整后的项目金额）"
                                       if kind in FUND_KINDS else "")}
    if funds is not None:
        same_year = [i for i in usable if i.fiscal_year == project.fiscal_year]
        choices = []
        for i in same_year:
            own = held.get(i.pk, ZERO)
            extra = f"，含本项目占用 {format_yuan(own)} 元" if own else ""
            choices.append(Choice(str(i.pk), f"{_name(i)}（{i.bgt_id}，可用 {format_yuan(i.available + own)} 元{extra}）",
                                  (("available", i.available + own),)))
        rows, fund_total, note = fund_values(project.unit, funds, total, held=held)
        out["fund"] = {"table": replace(FUND_TABLE, help=CHANGE_FUND_HELP).with_choices(indicator=choices),
                       "rows": rows, "total": fund_total, "note": note}
    if moves is not None and kind in MOVE_TABLES:
        holders = list(budget_selectors.unit_indicators(project.unit).filter(pk__in=held).order_by("bgt_id"))
        held_choices = [Choice(str(i.pk), f"{_name(i)}（{i.bgt_id}）") for i in holders]
        table = MOVE_TABLES[kind]
        names = {c.name for c in table.columns}
        options = {"from_indicator": held_choices} if "from_indicator" in names else {}
        options["indicator"] = held_choices if kind == ProjectRequest.KIND_FUND_RECLAIM else indicator_choices(usable)
        rows, move_total = _move_values(kind, moves, held, {i.pk: i.available for i in usable})
        out["move"] = {"table": table.with_choices(**options), "rows": rows, "total": move_total}
    return out


def request_live(project: Project, kind: str, post) -> list[dict]:
    """The live answer of a request's form: the tables the kind has, every row as it stands on the page."""
    posted = {name: post.getlist(f"{prefix}-{column}")
              for name, prefix, column in (("lines", "line", "category"), ("funds", "fund", "indicator"),
                                           ("moves", "move", "amount"))}
    tables = request_tables(
        project, kind,
        lines=CONTENT_TABLE.rows_from(post, keep_empty=True) if posted["lines"] else None,
        funds=FUND_TABLE.rows_from(post, keep_empty=True) if posted["funds"] else None,
        moves=MOVE_TABLES[kind].rows_from(post, keep_empty=True) if posted["moves"] and kind in MOVE_TABLES else None)
    return [t["table"].live(t["rows"], t["total"], t.get("note")) for key in ("content", "fund", "move")
            if (t := tables.get(key))]
