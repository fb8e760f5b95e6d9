from decimal import Decimal

from django import template
from django.utils import timezone

from core.lines import Computed

register = template.Library()


@register.filter
def yuan(value):
    """¥ amounts: thousands separators, two decimals."""
    if value in (None, ""):
        return ""
    return f"{Decimal(value):,.2f}"


@register.filter
def minute(value):
    if not value:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


@register.filter
def field_error(errors, name):
    return (errors or {}).get(name, "")


@register.inclusion_tag("partials/line_table.html")
def line_table(table, rows, errors=None, live="", total=None, note=None, subtitle="", warning=""):
    """`{% line_table table rows errors %}`: a core.lines.LineTable with its rows as typed and the errors of the
    last save ({'<key>.<row>.<column>': message}). Options: `live` (a URL the form is posted to on input, whose
    answer swaps the computed cells in), `total` and `note` (the totals row), `subtitle` (after the heading),
    `warning` (beside 新增一行)."""
    errors = errors or {}
    return {"table": table, "rows": table.bound(rows, errors), "blank": table.bound([{}])[0],
            "table_error": errors.get(table.key, ""), "live": live,
            "total": total if total is not None else Decimal("0"), "note": note or Computed(),
            "span": table.total_span, "subtitle": subtitle, "warning": warning}


@register.filter
def get(mapping, key):
    """`row|get:name`: a dict's value in a template."""
    return mapping.get(key) if hasattr(mapping, "get") else None
