import datetime as dt

from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from .models import RuleParameter
from .money import AMOUNT_NOT_NUMBER, AMOUNT_PLACES, MAX_AMOUNT, MAX_AMOUNT_MESSAGE
from .validation import FISCAL_YEAR_MAX, FISCAL_YEAR_MESSAGE, FISCAL_YEAR_MIN

# Plain Chinese instead of Django's defaults ("确保该值小于或等于…", "选择一个有效的选项…", "Enter a whole number").
MESSAGES = {
    "required": "此项为必填项。",
    "invalid_choice": "请从列表中选择。",
    "invalid_list": "请从列表中选择。",
    "max_length": "不能超过%(limit_value)d个字。",
    "min_length": "不能少于%(limit_value)d个字。",
    "max_value": "不能大于%(limit_value)s。",
    "min_value": "不能小于%(limit_value)s。",
    "step_size": "数值不正确。",
    "max_digits": "数字位数过多。",
    "max_whole_digits": "数字位数过多。",
    "max_decimal_places": "最多保留%(max)s位小数。",
}
INVALID = {
    forms.IntegerField: "请填写整数。",
    forms.DecimalField: "请填写数字。",
    forms.FloatField: "请填写数字。",
    forms.DateTimeField: "请填写正确的日期时间，如 2026-01-31 09:30。",
    forms.DateField: "请填写正确的日期，如 2026-01-31。",
    forms.TimeField: "请填写正确的时间，如 09:30。",
    forms.EmailField: "请填写正确的电子邮箱。",
    forms.ModelChoiceField: "请从列表中选择。",
}
NULL_CHARACTERS = "不能包含空字符。"
DATE_MIN, DATE_MAX = dt.date(1900, 1, 1), dt.date(2999, 12, 31)
DATE_RANGE_MESSAGE = f"日期应在{DATE_MIN:%Y-%m-%d}至{DATE_MAX:%Y-%m-%d}之间。"
MAX_DATE_TEXT = 40  # a date typed longer than this is not a date (a 400-digit "timestamp")


def chinese_messages(field: forms.Field) -> forms.Field:
    """Give a field our Chinese messages; a field's own (`own_messages`, e.g. MoneyField's) win."""
    messages = dict(MESSAGES)
    for kind, text in INVALID.items():
        if isinstance(field, kind):
            messages["invalid"] = text
            break
    # messages the form passed for this field (error_messages=...) differ from Django's defaults: they win too
    defaults = {}
    for cls in reversed(type(field).__mro__):
        defaults.update(getattr(cls, "default_error_messages", {}))
    declared = {k: v for k, v in field.error_messages.items() if k not in defaults or str(v) != str(defaults[k])}
    field.error_messages = {**field.error_messages, **messages, **getattr(field, "own_messages", {}), **declared}
    for validator in field.validators:  # a CharField's own validator, with an English message
        if isinstance(validator, ProhibitNullCharactersValidator):
            validator.message = NULL_CHARACTERS
    return field


class MoneyField(forms.DecimalField):
    """An amount in yuan: exact, two decimals, within core.money.MAX_AMOUNT (the message names the bound)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_value", MAX_AMOUNT)
        kwargs.setdefault("min_value", -MAX_AMOUNT)
        kwargs.setdefault("decimal_places", 2)
        kwargs["max_digits"] = None  # the bound says it; a digit count would repeat it in Django's words
        super().__init__(**kwargs)
        self.own_messages = {"invalid": AMOUNT_NOT_NUMBER, "max_value": MAX_AMOUNT_MESSAGE,
                              "min_value": MAX_AMOUNT_MESSAGE if kwargs["min_value"] == -MAX_AMOUNT
                              else "金额不能小于%(limit_value)s元。",
                              "max_decimal_places": AMOUNT_PLACES, **(kwargs.get("error_messages") or {})}


class FiscalYearField(forms.IntegerField):
    """预算年度 within the system's bounds (core.validation)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "预算年度")
        kwargs.setdefault("min_value", FISCAL_YEAR_MIN)
        kwargs.setdefault("max_value", FISCAL_YEAR_MAX)
        super().__init__(**kwargs)
        self.own_messages = {"min_value": FISCAL_YEAR_MESSAGE, "max_value": FISCAL_YEAR_MESSAGE,
                              "invalid": "请填写四位年份。"}


class DateField(forms.DateField):
    """A date within DATE_MIN..DATE_MAX: 9999-12-31 plus one day (a range's end) would overflow."""

    def to_python(self, value):
        if isinstance(value, str) and len(value) > MAX_DATE_TEXT:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)

    def validate(self, value):
        super().validate(value)
        if value and not DATE_MIN <= value <= DATE_MAX:
            raise forms.ValidationError(DATE_RANGE_MESSAGE, code="date_range")


class Form(forms.Form):
    """The base of every form: Chinese messages on every field (apps' forms inherit it)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            chinese_messages(field)

    def add_service_errors(self, errors: dict, *, prefix_unknown: bool = True) -> None:
        """Errors a service found ({field: message}), beside their fields, after the form's own: a field
        that already has an error keeps it (the user sees every problem once, in one round)."""
        for name, message in errors.items():
            field = name if name in self.fields else None
            if field is not None and field in self.errors:
                continue
            self.add_error(field, message)


class YesNoField(forms.TypedChoiceField):
    """是 / 否 / 全部 of a query form: "1" / "0" / "" from the page, true / false from the API; cleans to
    True / False / None."""

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", [("", "全部"), ("1", "是"), ("0", "否")])
        kwargs.setdefault("required", False)
        super().__init__(coerce=lambda v: v == "1", empty_value=None, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return {"true": "1", "false": "0"}.get(value.strip().lower(), value) if isinstance(value, str) else value


class ParameterFilterForm(Form):
    name = forms.CharField(label="参数名/说明", required=False)
    region_code = forms.CharField(label="适用区划代码", required=False)


class ParameterForm(Form):
    """A new edition of a parameter: existing rows are never edited, so history stays readable."""

    name = forms.CharField(label="参数名", max_length=64)
    label = forms.CharField(label="参数说明", max_length=128)
    region_code = forms.CharField(label="适用区划代码", max_length=6, required=False, help_text="留空表示全国")
    level = forms.ChoiceField(label="适用单位级次", required=False,
                              choices=[("", "所有级次"), ("province", "省级"), ("city", "市级"), ("county", "县级")])
    effective_from = DateField(label="生效日期", widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label="类型", choices=RuleParameter.KINDS)
    value = forms.CharField(label="取值", max_length=200)
    unit = forms.CharField(label="单位", max_length=16, required=False)
    source = forms.CharField(label="依据", max_length=200, required=False)


class WorkdayForm(Form):
    date = DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    is_working_day = forms.TypedChoiceField(label="调整为", choices=[("1", "上班（调休工作日）"), ("0", "休息（节假日）")],
                                            coerce=lambda v: v == "1")
    reason = forms.CharField(label="说明", max_length=100)
