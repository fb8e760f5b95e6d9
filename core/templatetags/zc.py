from decimal import Decimal

from django import template
from django.utils import timezone

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
def line_table(table, rows, errors=None):
    """`{% line_table table rows errors %}`: a core.lines.LineTable with its rows as typed and the errors of the
    last save ({'<key>.<row>.<column>': message})."""
    errors = errors or {}
    return {"table": table, "rows": table.bound(rows, errors), "blank": table.bound([{}])[0],
            "table_error": errors.get(table.key, "")}


@register.filter
def get(mapping, key):
    """`row|get:name`: a dict's value in a template."""
    return mapping.get(key) if hasattr(mapping, "get") else None
