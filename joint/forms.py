"""Forms of 统招分签: the lead's form (the kit renders it), the 终止 request's upload ids, the response's own
fields (its 项目资金构成 is projects' table: projects.selectors.fund_table)."""

from django import forms
from django.utils import timezone

from core.forms import DateField, FiscalYearField, Form
from core.lines import LineColumn, LineTable
from core.models import Category

from . import selectors


class IdsField(forms.Field):
    """Ids posted under one name (the upload widget adds one hidden input per uploaded file)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        values = value if isinstance(value, list | tuple) else [value] if value not in (None, "") else []
        out = []
        for v in values:
            try:
                out.append(int(v))
            except (TypeError, ValueError):
                raise forms.ValidationError("附件标识不正确。") from None
        return out


def category_choices():
    return [(c.pk, f"{c.code} {c.name}") for c in selectors.leaf_categories()]


LINE_TABLE = LineTable("line", "采购内容清单", (
    LineColumn("category_id", "政府采购品目", "select", choices=category_choices),
    LineColumn("item_name", "标的名称"), LineColumn("quantity", "数量", "number"),
    LineColumn("measure_unit", "计量单位", max_length=20), LineColumn("unit_price", "单价（元）", "money")),
    error_key="line")


class JointForm(Form):
    name = forms.CharField(label="项目名称", max_length=200)
    fiscal_year = FiscalYearField()
    procurement_kind = forms.ChoiceField(label="采购类别", choices=Category.KINDS)
    summary = forms.CharField(label="项目概况", required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    demand_summary = forms.CharField(label="采购需求概况", required=False, max_length=2000,
                                     widget=forms.Textarea(attrs={"rows": 3}))
    expected_month = DateField(label="预计采购时间", required=False, input_formats=["%Y-%m", "%Y-%m-%d"],
                               widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))
    deadline = forms.DateTimeField(label="响应截止时间",
                                   widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    execution_plan = forms.CharField(label="项目执行方案", max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    invited_units = forms.ModelMultipleChoiceField(
        label="项目归集范围（受邀单位）", queryset=selectors.invitable_units(None),
        widget=forms.CheckboxSelectMultiple, help_text="默认包含本单位（牵头单位），不参与的可取消勾选；可邀请本区划及下级区划的采购单位。")
    attachment_ids = IdsField(label="项目相关附件", required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invited_units"].queryset = selectors.invitable_units(user)
        if user is not None and not self.is_bound and not self.initial.get("invited_units"):
            self.initial["invited_units"] = [user.unit_id]  # the lead takes part unless removed (FJ 2.1.1 注)
            self.initial.setdefault("fiscal_year", timezone.localdate().year)


def form_kwargs(user) -> dict:
    return {"user": user}


class TerminateForm(Form):
    attachment_ids = IdsField(label="项目终止说明附件", required=False)


class RespondForm(Form):
    """The response project's own fields; its year and kind are the joint project's."""

    name = forms.CharField(label="项目名称", max_length=200)
    summary = forms.CharField(label="项目概况", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    demand_summary = forms.CharField(label="采购需求概况", required=False, max_length=2000,
                                     widget=forms.Textarea(attrs={"rows": 3}))
    contact_name = forms.CharField(label="联系人", required=False, max_length=30)
    contact_phone = forms.CharField(label="联系电话", required=False, max_length=30)
