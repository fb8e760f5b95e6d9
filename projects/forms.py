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


# the inline tables of the 立项 form and of the requests' forms (core.lines: one parser, one error layout, one
# component drawing them). Their select options come from the view (projects/line_tables.py); the computed
# cells (金额, 可用金额, 使用后剩余) and the totals from the server (services.line_amounts / services.fund_use).
CONTENT_TABLE = LineTable("line", "采购内容清单", (
    LineColumn("category", "政府采购品目", "select", choices=None, css="line-category", empty_label="请选择品目",
               filter_by="procurement-kind"),
    LineColumn("item_name", "标的名称"),
    LineColumn("quantity", "数量", "number", css="line-quantity"),
    LineColumn("measure_unit", "计量单位", max_length=20, css="short-input"),
    LineColumn("unit_price", "单价", "money", header="单价（元）", css="line-price"),
    LineColumn("amount", "金额", "money", header="金额（元）", css="line-amount", computed=True, placeholder="0.00")),
    error_key="content_lines", dom="content", total_label="项目金额合计（元）", total_column="amount",
    help="金额 = 数量 × 单价，保存时由系统计算；品目须为所选采购类别的末级品目。")
FUND_TABLE = LineTable("fund", "项目资金构成", (
    LineColumn("indicator", "指标", "select", choices=None, header="选择指标", css="fund-indicator",
               empty_label="请选择指标"),
    LineColumn("available", "可用金额", "money", header="可用金额（元）", css="fund-available", computed=True),
    LineColumn("amount", "本次使用金额", "money", header="本次使用金额（元）", css="fund-amount"),
    LineColumn("remaining", "使用后剩余", "money", header="使用后剩余（元）", css="fund-remaining", computed=True)),
    error_key="fund_lines", dom="fund", add_label="选择指标（新增一行）", total_label="资金合计（元）",
    total_column="amount", help="只列出本单位有效、可执行的指标；提交时按可用金额占用，退回或撤回时释放。")


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
