from django import forms

from .models import RuleParameter


class ParameterFilterForm(forms.Form):
    name = forms.CharField(label="参数名/说明", required=False)
    region_code = forms.CharField(label="适用区划代码", required=False)


class ParameterForm(forms.Form):
    """A new edition of a parameter: existing rows are never edited, so history stays readable."""

    name = forms.CharField(label="参数名", max_length=64)
    label = forms.CharField(label="参数说明", max_length=128)
    region_code = forms.CharField(label="适用区划代码", max_length=6, required=False, help_text="留空表示全国")
    level = forms.ChoiceField(label="适用单位级次", required=False,
                              choices=[("", "所有级次"), ("province", "省级"), ("city", "市级"), ("county", "县级")])
    effective_from = forms.DateField(label="生效日期", widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label="类型", choices=RuleParameter.KINDS)
    value = forms.CharField(label="取值", max_length=200)
    unit = forms.CharField(label="单位", max_length=16, required=False)
    source = forms.CharField(label="依据", max_length=200, required=False)


class WorkdayForm(forms.Form):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    is_working_day = forms.TypedChoiceField(label="调整为", choices=[("1", "上班（调休工作日）"), ("0", "休息（节假日）")],
                                            coerce=lambda v: v == "1")
    reason = forms.CharField(label="说明", max_length=100)
