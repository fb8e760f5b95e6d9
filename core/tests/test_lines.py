from decimal import Decimal

from django.http import QueryDict
from django.template import Context, Template
from django.template.loader import render_to_string

from core.errors import FieldErrors
from core.lines import Choice, Computed, LineColumn, LineTable

TABLE = LineTable("fund", "资金构成", (LineColumn("kind", "类型", "select", choices=(("a", "甲"),)),
                                      LineColumn("amount", "金额", "money")), error_key="fund_lines")


def test_rows_as_typed_drop_empty_rows_and_clean_every_cell():
    post = QueryDict("fund-kind=a&fund-kind=&fund-kind=b&fund-amount=1.5&fund-amount=&fund-amount=0")
    rows = TABLE.rows_from(post)
    assert rows == [{"kind": "a", "amount": "1.5"}, {"kind": "b", "amount": "0"}]
    try:
        TABLE.clean(rows)
    except FieldErrors as exc:
        assert exc.errors == {"fund_lines.1.kind": "第2行：请从列表中选择类型。", "fund_lines.1.amount": "第2行：金额必须大于0。"}
    else:
        raise AssertionError("a bad row was accepted")
    assert TABLE.clean(rows[:1])[0]["amount"] == TABLE.clean([{"kind": "a", "amount": "1.50"}])[0]["amount"]
    try:
        TABLE.clean([])
    except FieldErrors as exc:
        assert exc.errors == {"fund_lines": "资金构成至少需要填写1行。"}


def test_bound_rows_carry_their_messages_and_at_least_one_row():
    bound = TABLE.bound([], {})
    assert len(bound) == 1 and [c["value"] for c in bound[0]["cells"]] == ["", ""]
    bound = TABLE.bound([{"kind": "a", "amount": "x"}], {"fund_lines.0.amount": "第1行：金额应为数字。"})
    assert [c["error"] for c in bound[0]["cells"]] == ["", "第1行：金额应为数字。"]


def test_hidden_and_month_columns():
    import datetime as dt

    table = LineTable("line", "意向", (LineColumn("project_id", "项目", "hidden", required=False),
                                        LineColumn("month", "预计采购时间", "month")))
    assert [c.name for c in table.shown] == ["month"]
    assert table.clean([{"project_id": "12", "month": "2026-05"}]) == [{"project_id": 12, "month": dt.date(2026, 5, 1)}]
    assert table.clean([{"project_id": "", "month": "2026-05-01"}])[0] == {"project_id": None,
                                                                          "month": dt.date(2026, 5, 1)}
    try:
        table.clean([{"project_id": "x1", "month": "2026-13"}])
    except FieldErrors as exc:
        assert exc.errors == {"line.0.project_id": "第1行：项目不正确。",
                              "line.0.month": "第1行：预计采购时间请填写年月，如 2026-05。"}
    else:
        raise AssertionError("a bad row was accepted")
    bound = table.bound([{"project_id": 7, "month": dt.date(2026, 5, 1)}])
    assert [c["value"] for c in bound[0]["cells"]] == ["2026-05"]
    assert [(h["column"].name, h["value"]) for h in bound[0]["hidden"]] == [("project_id", 7)]


# ---- what a page adds: the view's options, computed cells, a totals row, live cells (issue 7 item 6) ----------

PRICED = LineTable("fund", "资金构成", (
    LineColumn("indicator", "指标", "select", choices=None, css="pick", empty_label="请选择指标", filter_by="kind"),
    LineColumn("left", "可用金额", "money", header="可用金额（元）", computed=True),
    LineColumn("amount", "金额", "money", header="金额（元）")),
    dom="funds", total_label="合计", total_column="amount", row_error_column="amount")


def test_computed_columns_are_neither_posted_nor_cleaned_and_view_choices_are_the_services_to_check():
    post = QueryDict("fund-indicator=7&fund-left=999&fund-amount=5")
    assert PRICED.rows_from(post) == [{"indicator": "7", "amount": "5"}]  # a posted `left` is ignored
    assert PRICED.clean(PRICED.rows_from(post)) == [{"indicator": "7", "amount": Decimal("5.00")}]
    picked = PRICED.with_choices(indicator=[Choice("7", "甲")])
    assert picked.columns[0].options() == [Choice("7", "甲")] and PRICED.columns[0].choices is None
    try:
        picked.clean([{"indicator": "8", "amount": "1"}])
    except FieldErrors as exc:
        assert exc.errors == {"fund.0.indicator": "第1行：请从列表中选择指标。"}
    else:
        raise AssertionError("a value outside the offered choices was accepted")


def test_a_rows_own_message_shows_beside_its_column():
    row = PRICED.bound([{"indicator": "7", "amount": "5"}], {"fund.0": "第1行：超出占用金额。"})[0]
    assert row["error"] == "" and [c["error"] for c in row["cells"]] == ["", "", "第1行：超出占用金额。"]
    assert isinstance(row["cells"][1]["value"], Computed)


def render(table, rows, **kw):
    args = " ".join(f"{k}={k}" for k in kw)
    return Template("{% load zc %}{% line_table table rows errors " + args + " %}").render(
        Context({"table": table, "rows": rows, "errors": {}, **kw}))


def test_the_tag_draws_options_with_data_and_groups_computed_cells_and_the_totals_row():
    table = PRICED.with_choices(indicator=[Choice("7", "甲", (("available", "10.00"),), "货物", "goods"),
                                           Choice("8", "乙", (), "工程", "works")])
    html = render(table, [{"indicator": "7", "left": Computed(Decimal("-1"), note="（超出）", css="over"),
                           "amount": "11"}], live="/x/", total=Decimal("11"), note=Computed("不一致", css="bad"))
    assert '<select name="fund-indicator" aria-label="指标" class="pick" data-filter-by="kind">' in html
    assert '<optgroup label="货物" data-filter="goods"><option value="7" data-available="10.00" selected>甲' in html
    assert '<td class="col-money over" data-col="left">-1.00（超出）</td>' in html
    assert 'hx-post="/x/"' in html and 'hx-swap="none"' in html
    assert '<td colspan="3" class="total-label">合计</td><td class="col-money"><b id="funds-total">11.00</b>' in html
    assert '<td colspan="1" id="funds-check" class="bad">不一致</td>' in html
    assert 'id="funds-lines"' in html and '<template id="funds-row">' in html


def test_live_cells_are_out_of_band_swaps_into_each_rows_place():
    live = PRICED.live([{"left": Decimal("3")}, {"left": None}], Decimal("4"))
    html = render_to_string("partials/line_cells.html", {"tables": [live]})
    assert ('<template><td class="col-money" data-col="left" hx-swap-oob="outerHTML:#funds-lines &gt; tbody &gt; '
            'tr:nth-child(2) &gt; td[data-col=left]">—</td></template>') in html
    assert "tr:nth-child(1) &gt; td[data-col=left]\">3.00</td>" in html
    assert '<b id="funds-total" hx-swap-oob="true">4.00</b>' in html
