from django import forms

from core.forms import Form
from orgs.models import Region, Unit
from orgs.selectors import region_choices


class RegistrationForm(Form):
    name = forms.CharField(label="单位名称", max_length=100)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=18)
    budget_code = forms.CharField(label="单位预算编码", max_length=32,
                                  help_text="须与预算管理一体化平台的单位预算编码一致")
    level = forms.ChoiceField(label="单位级次", choices=Unit.LEVELS)
    region = forms.ModelChoiceField(label="所属区划", queryset=Region.objects.none())
    address = forms.CharField(label="单位地址", max_length=200)
    legal_representative = forms.CharField(label="法定代表人", max_length=30)
    contact_name = forms.CharField(label="联系人", max_length=30)
    contact_phone = forms.CharField(label="联系电话", max_length=30)
    is_competent = forms.BooleanField(label="是否主管预算单位", required=False)

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        province = unit.region.province_code
        self.fields["region"].queryset = Region.objects.filter(path__startswith=f"/{province}/")


class UnitFilterForm(Form):
    name = forms.CharField(label="单位名称", required=False)
    credit_code = forms.CharField(label="统一社会信用代码", required=False)
    region = forms.ModelChoiceField(label="所属区划", queryset=Region.objects.none(), required=False,
                                    error_messages={"invalid_choice": "请从列表中选择所属区划。"})
    level = forms.ChoiceField(label="单位级次", choices=[("", "全部")] + Unit.LEVELS, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # only the user's scope is offered; a value from outside it is an invalid choice
        self.fields["region"].queryset = region_choices(user)


class RegistrationFilterForm(Form):
    name = forms.CharField(label="单位名称", required=False)
    number = forms.CharField(label="单据编号", required=False)


class SubordinationFilterForm(Form):
    unit_name = forms.CharField(label="下级单位", required=False)
    competent_name = forms.CharField(label="主管预算单位", required=False)


class SubordinationRequestForm(Form):
    competent_unit = forms.ModelChoiceField(label="主管预算单位", queryset=Unit.objects.none(),
                                            empty_label="请选择主管预算单位")
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competent_unit"].queryset = candidates
