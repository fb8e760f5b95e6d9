"""Forms of 采购项目立项: the query forms and the parsing of the form page (whose fields are validated by
projects.services.project_save, the one place that knows the rules)."""

from django import forms

from core.forms import FiscalYearField, Form
from core.lines import LineColumn, LineTable
from core.models import Category

from .models import ImplementationForm


class ProjectFilterForm(Form):
    name = forms.CharField(label="项目名称", required=False, max_length=200)
    number = forms.CharField(label="项目编号", required=False, max_length=40)
    fiscal_year = FiscalYearField(required=False, widget=forms.NumberInput(attrs={"style": "width:90px;min-width:90px"}))
    implementation_form = forms.ChoiceField(label="实施形式", required=False,
                                            choices=[("", "全部")] + ImplementationForm.choices)


class RegionProjectFilterForm(ProjectFilterForm):
    unit_name = forms.CharField(label="采购单位", required=False, max_length=100)
    procurement_kind = forms.ChoiceField(label="采购类别", required=False, choices=[("", "全部")] + Category.KINDS)


# the inline tables of the 立项 form (core.lines: one parser and one error layout; the rows are drawn by
# projects' own row templates, whose cells are richer than the component's default)
CONTENT_TABLE = LineTable("line", "采购内容清单", (
    LineColumn("category", "政府采购品目"), LineColumn("item_name", "标的名称"), LineColumn("quantity", "数量", "number"),
    LineColumn("measure_unit", "计量单位"), LineColumn("unit_price", "单价", "money")), error_key="content_lines")
FUND_TABLE = LineTable("fund", "项目资金构成", (LineColumn("indicator", "指标"), LineColumn("amount", "本次使用金额", "money")),
                       error_key="fund_lines")


def content_lines_from(post) -> list[dict]:
    return CONTENT_TABLE.rows_from(post)


def fund_lines_from(post) -> list[dict]:
    return FUND_TABLE.rows_from(post)


def ids_from(post, name: str) -> list[str]:
    return [v for v in post.getlist(name) if v.strip()]


VALUE_FIELDS = ("name", "fiscal_year", "procurement_kind", "summary", "demand_summary", "expected_month",
                "contact_name", "contact_phone", "cumulative_reason")


def values_from(post) -> dict:
    """The form page's plain fields as posted (kept as typed, so the page can show them back on error)."""
    values = {n: post.get(n, "").strip() for n in VALUE_FIELDS}
    values["is_gov_procurement"] = post.get("is_gov_procurement") == "1"
    return values
