from django import forms

from core.forms import DateField, FiscalYearField, Form

from .models import InboundMessage
from .wire import ACTIONS

ACTION_CHOICES = [("", "全部")] + list(ACTIONS.items()) + [("batch", "批量（多种操作）")]


class IndicatorMessageFilterForm(Form):
    fiscal_year = FiscalYearField(required=False)
    agency_code = forms.CharField(label="单位预算编码", required=False, max_length=32)
    action = forms.ChoiceField(label="操作", choices=ACTION_CHOICES, required=False)
    message_id = forms.CharField(label="消息ID", required=False, max_length=64)


class MessageFilterForm(Form):
    kind = forms.ChoiceField(label="消息类型", choices=[("", "全部")] + InboundMessage.KINDS, required=False)
    agency_code = forms.CharField(label="单位预算编码", required=False, max_length=32)
    message_id = forms.CharField(label="消息ID", required=False, max_length=64)
    client_label = forms.CharField(label="客户端标识", required=False, max_length=40)
    received_from = DateField(label="接收日期自", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    received_to = DateField(label="至", required=False, widget=forms.DateInput(attrs={"type": "date"}))


class PlatformUnitFilterForm(Form):
    agency_name = forms.CharField(label="单位名称", required=False, max_length=100)
    agency_code = forms.CharField(label="单位预算编码", required=False, max_length=32)
    credit_code = forms.CharField(label="统一社会信用代码", required=False, max_length=18)
    fiscal_year = FiscalYearField(required=False)


class PlatformSubordinationFilterForm(Form):
    agency_code = forms.CharField(label="单位预算编码", required=False, max_length=32)
    super_agency_code = forms.CharField(label="上级单位预算编码", required=False, max_length=32)


class RematchSearchForm(Form):
    q = forms.CharField(label="单位名称/单位预算编码/统一社会信用代码", required=False, max_length=100)
