"""The forms of 质疑与投诉 (the page and the API clean through the same forms)."""

from django import forms

from core.forms import DateField, Form
from trading import selectors as trading_selectors

from .models import Outcome, Subject

TEXT = {"max_length": 5000}


def _area(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 4}), help_text=help_text, **TEXT)


NOT_REGISTERED = "未找到您本轮已报名的该采购编号项目。"


class ChallengeForm(Form):
    """`user`: the supplier filing; the 采购项目 is one of its unit's registered procurements of the current round
    (trading.selectors.registered_procurements), named by its 采购编号 (the API's `procurement_number`)."""

    procurement_number = forms.ChoiceField(label="采购项目", choices=[],
                                           error_messages={"invalid_choice": NOT_REGISTERED},
                                           help_text="本单位本轮已报名的采购项目。")
    subject = forms.ChoiceField(label="质疑事项", choices=[("", "请选择")] + Subject.choices)
    known_on = DateField(label="知道或应知权益受损之日", help_text="所质疑事项的公告、采购文件或结果的发布日期（政府采购法第五十二条）。",
                         widget=forms.DateInput(attrs={"type": "date"}))
    claims = _area("质疑请求", "明确的请求（实施条例第五十五条）。")
    facts = _area("事实依据", "事实、理由及必要的证明材料说明。")
    evidence = forms.FileField(label="证明材料", required=False, help_text="可选；PDF、图片、Office 文件。")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        rows = trading_selectors.registered_procurements(user)[:500] if user is not None else []
        self.fields["procurement_number"].choices = [("", "请选择"), *((p.number, f"{p.number} {p.name}")
                                                                    for p in rows)]


class AnswerForm(Form):
    answer = _area("答复内容", "答复将书面通知质疑供应商和本轮全部报名供应商。")
    no_secrets = forms.BooleanField(label="我确认答复内容不涉及商业秘密", required=False)


class ComplaintForm(Form):
    claims = _area("投诉请求", "投诉事项不得超出已质疑事项的范围（实施条例第五十五条）。")
    facts = _area("事实依据")


class SuspendForm(Form):
    until = DateField(label="暂停至", widget=forms.DateInput(attrs={"type": "date"}))
    reason = _area("暂停原因")


class DecideForm(Form):
    outcome = forms.ChoiceField(label="处理结果", choices=[("", "请选择")] + Outcome.choices)
    reasons = _area("处理理由")


class WithdrawForm(Form):
    reason = _area("撤回理由")


class ComplaintFilterForm(Form):
    number = forms.CharField(label="投诉编号", max_length=40, required=False)
    procurement = forms.CharField(label="项目名称/采购编号", max_length=200, required=False)
    supplier = forms.CharField(label="投诉人", max_length=200, required=False)
    filed_from = DateField(label="投诉日期从", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    filed_to = DateField(label="至", required=False, widget=forms.DateInput(attrs={"type": "date"}))


def filter_complaints(qs, data: dict):
    from django.db.models import Q

    if data.get("number"):
        qs = qs.filter(number__icontains=data["number"])
    if data.get("procurement"):
        qs = qs.filter(Q(procurement__name__icontains=data["procurement"])
                       | Q(procurement__number__icontains=data["procurement"]))
    if data.get("supplier"):
        qs = qs.filter(supplier__name__icontains=data["supplier"])
    if data.get("filed_from"):
        qs = qs.filter(filed_at__date__gte=data["filed_from"])
    if data.get("filed_to"):
        qs = qs.filter(filed_at__date__lte=data["filed_to"])
    return qs
