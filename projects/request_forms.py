"""Forms of the requests on a project and of 实施形式变更. They only parse: every rule lives in
projects.request_kinds (and projects.services for the line rules), whose FieldErrors come back beside the fields."""

from dataclasses import replace

from django import forms

from budgets.selectors import budget_office_names
from core.forms import Form
from core.lines import LineColumn, LineTable

from .forms import CONTENT_TABLE, FUND_TABLE
from .models import ImplementationForm, ProjectRequest

OFFICE_NOT_OFFERED = "请从列表中选择指标管理处室。"


class OfficeForm(Form):
    """资金追加's 指标管理处室: the region's offices (budgets), for the project unit's region and above."""

    budget_office = forms.ChoiceField(label="指标管理处室", required=False, choices=[("", "请选择")],
                                      error_messages={"invalid_choice": OFFICE_NOT_OFFERED})

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        names = budget_office_names(project.unit.region)
        self.fields["budget_office"].choices = [("", "请选择")] + [(o, o) for o in names]


class ChangeForm(Form):
    """The plain fields of a 变更 (the lines are inline tables)."""

    name = forms.CharField(label="项目名称", required=False, max_length=200)
    summary = forms.CharField(label="项目概况", required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    contact_name = forms.CharField(label="联系人", required=False, max_length=30)
    contact_phone = forms.CharField(label="联系电话", required=False, max_length=30)


MOVE_TABLE = LineTable("move", "资金调整明细", (LineColumn("from_indicator", "原指标", required=False),
                                                LineColumn("indicator", "指标"), LineColumn("amount", "金额", "money")),
                       error_key="moves")


def _move_table(label: str, amount: str, *columns: LineColumn, help: str = "") -> LineTable:
    """MOVE_TABLE as one kind's form shows it (the options from projects/line_tables.py); a row's message
    (moves.<i>) beside its amount."""
    return replace(MOVE_TABLE, label=label, help=help, total_label="合计", total_column="amount",
                   row_error_column="amount", dom="move", columns=(
                       *columns, LineColumn("amount", amount, "money", header=f"{amount}（元）", css="move-amount")))


def _pick(name: str, label: str, empty: str = "请选择指标") -> LineColumn:
    return LineColumn(name, label, "select", choices=None, css="pick-indicator", empty_label=empty)


HELD = LineColumn("held", "项目占用", "money", header="项目占用（元）", css="show-held", computed=True)
ROOM = LineColumn("room", "可用金额", "money", header="可用金额（元）", css="show-room", computed=True)
MOVE_TABLES = {
    ProjectRequest.KIND_FUND_ADD: _move_table("追加指标", "本次追加金额", _pick("indicator", "指标"), ROOM),
    ProjectRequest.KIND_FUND_RECLAIM: _move_table("本次回收资金", "本次回收资金", _pick("indicator", "指标"), HELD,
                                                  help="只填写需要回收的指标；不回收的行留空。"),
    ProjectRequest.KIND_FUND_REPLACE: _move_table("指标替换", "替换金额", _pick("from_indicator", "原指标", "请选择原指标"), HELD,
                                                  _pick("indicator", "替换为指标"), ROOM),
}


def lines_from(post) -> list[dict]:
    """采购内容清单 rows of a 变更 (`line-*`, as on the 立项 form); fully empty rows dropped."""
    return CONTENT_TABLE.rows_from(post)


def funds_from(post) -> list[dict]:
    """项目资金构成 rows of a 变更 (`fund-*`); fully empty rows dropped."""
    return FUND_TABLE.rows_from(post)


def moves_from(post, kind: str) -> list[dict]:
    """The fund table as posted (`move-<field>` parallel lists). Rows with nothing to move are dropped: fully
    empty ones, and for 回收 / 替换 (whose rows are prefilled with the project's indicators) rows without an amount
    or a target. The page shows back exactly these rows, so errors keyed by row number land on the right row."""
    rows = []
    for row in MOVE_TABLE.rows_from(post, keep_empty=True):
        if kind == ProjectRequest.KIND_FUND_RECLAIM and not row["amount"]:
            continue
        if kind == ProjectRequest.KIND_FUND_REPLACE and not (row["indicator"] or row["amount"]):
            continue
        if kind != ProjectRequest.KIND_FUND_REPLACE:
            row["from_indicator"] = ""
        if any(row.values()):
            rows.append(row)
    return rows


class FormChangeForm(Form):
    implementation_form = forms.ChoiceField(
        label="实施形式", choices=[(v, label) for v, label in ImplementationForm.choices
                                   if v != ImplementationForm.JOINT_RESPONSE])


class FormChangeFilterForm(Form):
    name = forms.CharField(label="项目名称", required=False, max_length=200)
    number = forms.CharField(label="项目编号", required=False, max_length=40)
    implementation_form = forms.ChoiceField(label="实施形式", required=False,
                                            choices=[("", "全部")] + ImplementationForm.choices)
