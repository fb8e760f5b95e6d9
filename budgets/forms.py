import re

from django import forms
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.forms import FiscalYearField, Form, MoneyField, YesNoField
from orgs.models import Unit

from .models import BudgetIndicator
from .selectors import FUND_TYPES, VIRTUAL_SCENARIOS
from .services import UNIT_NOT_FOUND

SMALL = {"style": "min-width:90px;width:90px"}


class DefaultCheckbox(forms.CheckboxInput):
    """A checkbox of a GET query form whose "not sent" differs from "unchecked".

    A hidden "0" goes before the box, so a submitted form always carries the field: absent means the
    page's default (e.g. 包含下级单位 on for 采购预算查询), "0" alone means unchecked.
    """

    def __init__(self, default: bool, attrs=None):
        super().__init__({"style": "min-width:0;width:16px;height:16px", **(attrs or {})})
        self.default = default

    def value_from_datadict(self, data, files, name):
        if name not in data:
            return None
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        return any(v not in (None, "", "0", "false", "False") for v in values)

    def format_value(self, value):
        return "1"

    def get_context(self, name, value, attrs):
        return super().get_context(name, self.default if value is None else value, attrs)

    def render(self, name, value, attrs=None, renderer=None):
        hidden = format_html('<input type="hidden" name="{}" value="0">', name)
        return mark_safe(hidden + super().render(name, value, attrs, renderer))


def include_subordinates(form_class, data) -> bool:
    """The 包含下级单位 choice of a query string (the form's default when it was not sent)."""
    widget = form_class.base_fields["include_sub"].widget
    value = widget.value_from_datadict(data, {}, "include_sub")
    return widget.default if value is None else value


class _QueryForm(Form):
    advanced: tuple[str, ...] = ()

    def basic_fields(self):
        return [f for f in self if f.name not in self.advanced]

    def advanced_fields(self):
        return [f for f in self if f.name in self.advanced]

    def advanced_used(self) -> bool:
        return self.is_bound and any(self.data.get(n) not in (None, "") for n in self.advanced)


class IndicatorFilterForm(_QueryForm):
    fiscal_year = FiscalYearField(required=False, widget=forms.NumberInput(attrs=SMALL))
    unit_name = forms.CharField(label="单位", required=False, max_length=100)
    pro_code = forms.CharField(label="预算项目编码", required=False, max_length=40)
    fund_type = forms.ChoiceField(label="资金性质", required=False, choices=[("", "全部")] + FUND_TYPES)
    is_gov_pur = YesNoField(label="是否政府采购")
    include_sub = forms.NullBooleanField(label="包含下级单位", required=False, widget=DefaultCheckbox(default=False))


class BudgetFilterForm(IndicatorFilterForm):
    advanced = ("exp_func_code", "eco_code", "source_type_code", "source", "amount_min", "amount_max")

    include_sub = forms.NullBooleanField(label="包含下级单位", required=False, widget=DefaultCheckbox(default=True))
    exp_func_code = forms.CharField(label="功能分类", required=False, max_length=20,
                                    widget=forms.TextInput(attrs={"placeholder": "如 205 教育"}))
    eco_code = forms.CharField(label="经济分类", required=False, max_length=20,
                               widget=forms.TextInput(attrs={"placeholder": "政府或部门经济分类编码"}))
    source_type_code = forms.CharField(label="指标来源", required=False, max_length=10)
    source = forms.ChoiceField(label="来源", required=False, choices=[("", "全部")] + BudgetIndicator.SOURCES)
    amount_min = MoneyField(label="金额从", required=False, min_value=0,
                            widget=forms.NumberInput(attrs={**SMALL, "step": "0.01"}))
    amount_max = MoneyField(label="至", required=False, min_value=0,
                            widget=forms.NumberInput(attrs={**SMALL, "step": "0.01"}))

    def clean(self):
        return _amount_range(self, super().clean())


def _amount_range(form, data):
    low, high = data.get("amount_min"), data.get("amount_max")
    if low is not None and high is not None and low > high:
        form.add_error("amount_max", "金额上限不能小于下限。")
    return data


class RegionIndicatorFilterForm(_QueryForm):
    """一体化预算指标 (regulator): the region's indicators; 单位 and 预算项目 by name, the rest by code."""

    advanced = ("pro_code", "fund_type", "is_gov_pur", "amount_min", "amount_max")

    fiscal_year = FiscalYearField(required=False, widget=forms.NumberInput(attrs=SMALL))
    unit_name = forms.CharField(label="预算单位", required=False, max_length=100)
    pro_name = forms.CharField(label="预算项目名称", required=False, max_length=200)
    pro_code = forms.CharField(label="预算项目编码", required=False, max_length=40)
    fund_type = forms.ChoiceField(label="资金性质", required=False, choices=[("", "全部")] + FUND_TYPES)
    is_gov_pur = YesNoField(label="是否政府采购")
    amount_min = MoneyField(label="指标金额从", required=False, min_value=0,
                            widget=forms.NumberInput(attrs={**SMALL, "step": "0.01"}))
    amount_max = MoneyField(label="至", required=False, min_value=0,
                            widget=forms.NumberInput(attrs={**SMALL, "step": "0.01"}))

    def clean(self):
        return _amount_range(self, super().clean())


class VirtualFilterForm(_QueryForm):
    fiscal_year = FiscalYearField(required=False, widget=forms.NumberInput(attrs=SMALL))
    unit_name = forms.CharField(label="单位", required=False, max_length=100)
    scenario = forms.ChoiceField(label="场景", required=False, choices=[("", "全部")] + VIRTUAL_SCENARIOS)


def unit_option(unit: Unit) -> str:
    """How a unit is written in the picker: 单位名称（单位预算编码）."""
    return f"{unit.name}（{unit.budget_code}）" if unit.budget_code else unit.name


_OPTION = re.compile(r"^(?P<name>.+)（(?P<code>[0-9A-Za-z]+)）$")


class VirtualBudgetForm(Form):
    """新增预算 (虚拟预算). The unit is typed into a searchable field listing the region's registered units;
    the service decides whether the unit may be chosen."""

    unit = forms.CharField(label="采购单位", max_length=140, widget=forms.TextInput(
        attrs={"list": "unit-options", "autocomplete": "off", "placeholder": "输入单位名称或单位预算编码搜索"}))
    scenario = forms.ChoiceField(label="虚拟预算场景", choices=[("", "请选择")] + VIRTUAL_SCENARIOS)
    fiscal_year = FiscalYearField()
    pro_name = forms.CharField(label="预算项目名称", max_length=200)
    pro_code = forms.CharField(label="预算项目编码", max_length=40, required=False)
    amount = MoneyField(label="金额（元）", widget=forms.NumberInput(attrs={"step": "0.01"}))
    fund_type_code = forms.ChoiceField(label="资金性质", choices=[("", "请选择")] + FUND_TYPES)
    is_gov_pur = forms.TypedChoiceField(label="是否政府采购", choices=[("1", "是"), ("0", "否")], initial="1",
                                        coerce=lambda v: v == "1",
                                        widget=forms.RadioSelect(attrs={"style": "width:auto;height:auto"}))
    note = forms.CharField(label="备注", max_length=200, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, purchasers, **kwargs):
        """`purchasers`: the units the typed text may name (the regulator's region only)."""
        kwargs.setdefault("initial", {}).setdefault("fiscal_year", timezone.localdate().year)
        super().__init__(*args, **kwargs)
        self.purchasers = purchasers

    def clean_unit(self) -> Unit:
        """Resolve the typed text to a purchaser unit of the region (the service says why it may not be chosen).
        Units elsewhere are never looked at: they answer exactly like a missing one."""
        text = self.cleaned_data["unit"].strip()
        purchasers = self.purchasers
        m = _OPTION.match(text)
        found = []
        if m:
            found = list(purchasers.filter(name=m["name"].strip(), budget_code=m["code"])[:2])
        if not found:
            found = list(purchasers.filter(name=text)[:2]) or list(purchasers.filter(budget_code=text)[:2])
        if not found:
            raise forms.ValidationError(UNIT_NOT_FOUND)
        if len(found) > 1:
            raise forms.ValidationError("有多个同名单位，请从列表中选择带单位预算编码的一项。")
        return found[0]


class BudgetOfficeForm(forms.Form):
    """新增指标管理处室. Only parses: budgets.services.budget_office_add checks the values."""

    name = forms.CharField(label="处室名称", max_length=200, widget=forms.TextInput(attrs={"placeholder": "如 教科文处"}))
    order = forms.CharField(label="排序", required=False, max_length=20, help_text="数字小的排在前面；留空排在最后",
                            widget=forms.TextInput(attrs={**SMALL, "inputmode": "numeric"}))
