from django.http import QueryDict

from core.errors import FieldErrors
from core.lines import LineColumn, LineTable

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
