"""Forms of 采购项目立项: the query forms and the parsing of the form page (whose fields are validated by
projects.services.project_save, the one place that knows the rules)."""

from django import forms

from core.forms import FiscalYearField, Form
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


LINE_FIELDS = ("category", "item_name", "quantity", "measure_unit", "unit_price")
FUND_FIELDS = ("indicator", "amount")


def _rows(post, prefix: str, names: tuple[str, ...]) -> list[dict]:
    """Inline table rows posted as parallel lists `<prefix>-<field>`; fully empty rows are dropped."""
    columns = {n: post.getlist(f"{prefix}-{n}") for n in names}
    count = max((len(v) for v in columns.values()), default=0)
    rows = []
    for i in range(count):
        row = {n: (columns[n][i] if i < len(columns[n]) else "").strip() for n in names}
        if any(row.values()):
            rows.append(row)
    return rows


def content_lines_from(post) -> list[dict]:
    return _rows(post, "line", LINE_FIELDS)


def fund_lines_from(post) -> list[dict]:
    return _rows(post, "fund", FUND_FIELDS)


def ids_from(post, name: str) -> list[str]:
    return [v for v in post.getlist(name) if v.strip()]


VALUE_FIELDS = ("name", "fiscal_year", "procurement_kind", "summary", "demand_summary", "expected_month",
                "contact_name", "contact_phone", "cumulative_reason")


def values_from(post) -> dict:
    """The form page's plain fields as posted (kept as typed, so the page can show them back on error)."""
    values = {n: post.get(n, "").strip() for n in VALUE_FIELDS}
    values["is_gov_procurement"] = post.get("is_gov_procurement") == "1"
    return values
