"""Forms of the requests on a project and of 实施形式变更. They only parse: every rule lives in
projects.request_kinds (and projects.services for the line rules), whose FieldErrors come back beside the fields."""

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


def row_errors(errors: dict, prefix: str, count: int) -> list[dict]:
    """Per-row messages of one of the request form's tables (core.lines)."""
    table = {t.key: t for t in (CONTENT_TABLE, FUND_TABLE, MOVE_TABLE)}[prefix]
    return table.row_errors(errors, count)


class FormChangeForm(Form):
    implementation_form = forms.ChoiceField(
        label="实施形式", choices=[(v, label) for v, label in ImplementationForm.choices
                                   if v != ImplementationForm.JOINT_RESPONSE])


class FormChangeFilterForm(Form):
    name = forms.CharField(label="项目名称", required=False, max_length=200)
    number = forms.CharField(label="项目编号", required=False, max_length=40)
    implementation_form = forms.ChoiceField(label="实施形式", required=False,
                                            choices=[("", "全部")] + ImplementationForm.choices)
