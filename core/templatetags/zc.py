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
