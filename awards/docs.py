"""评审结果 on the document kit: the organizer records it (代理机构, or the purchaser's clerk when it organises the
procurement itself) → the purchaser's reviewer confirms the winner → stages 中标/成交通知书 (待发出 → 已发出) and
结果公告 (待发布 → 已发布; none for 自行采购). 预中标（成交）异常处理 is its request: organizer → purchaser's reviewer
(→ competent unit where the plan's chain has it) → the region's regulator when the change is substantive."""

from django import forms
from django.db.models import Q

from access import rights
from access.scope import Acting
from core.forms import DateField, Form
from core.lines import LineColumn, LineTable
from core.listing import Column, Tab
from orgs.models import Role
from workflow.engine import COMPETENT, OWN_UNIT, REGULATOR, Flow, Node, Stage, register
from workflow.kit.documents import DocumentType, LineSpec, inbox_tabs
from workflow.kit.requests import RequestKind, RequestType

from . import selectors, services
from .models import Candidate, Result, ResultRequest

S = "awards.services"
FLOW = register(Flow(
    doc_type=Result.doc_type, label="评审结果", model=Result, discardable=True,
    submit_role_of=f"{S}.organizer_role", submit_unit_field="organizer", submit_label="组织单位录入",
    nodes=(Node("reviewer", "采购人确认中标（成交）供应商", Role.REVIEWER, OWN_UNIT, check=f"{S}.confirm_check"),),
    on_submit=f"{S}.result_submitted", on_approve=f"{S}.result_confirmed",
    stages=(Stage("notice", "通知书待发出", "issue_notice", "发出通知书", "通知书已发出", Role.AGENCY,
                  unit_field="organizer", role_of=f"{S}.organizer_role", on_done=f"{S}.notice_issued"),
            Stage("publish", "结果公告待发布", "publish", "发布结果公告", "结果公告已发布", Role.AGENCY,
                  unit_field="organizer", role_of=f"{S}.organizer_role", on_done=f"{S}.result_published",
                  condition=f"{S}.is_public"))))
REQUEST_FLOW = register(Flow(
    doc_type=ResultRequest.doc_type, label="预中标（成交）异常处理", model=ResultRequest,
    submit_role_of=f"{S}.organizer_role", submit_unit_field="organizer", submit_label="组织单位申请",
    nodes=(Node("reviewer", "采购人审核", Role.REVIEWER, OWN_UNIT),
           Node("competent", "主管预算单位审核", Role.COMPETENT, COMPETENT, condition=f"{S}.exception_needs_competent"),
           # the regulator of the purchaser's region (JX 异常处理 is each level's 监管部门), only for substantive changes
           Node("regulator", "监管部门审核", Role.REGULATOR, REGULATOR, condition=f"{S}.is_substantive"))))


def supplier_choices():
    return selectors.supplier_choices()


CANDIDATES = LineTable("candidate", "中标（成交）候选人（按名次）", (
    LineColumn("supplier_id", "供应商库", "select", required=False, choices=supplier_choices, empty_label="（手工填写）"),
    LineColumn("supplier_name", "供应商名称", required=False),
    LineColumn("credit_code", "统一社会信用代码", required=False, max_length=18),
    LineColumn("amount", "报价", "money", header="报价（元）"),
    LineColumn("score", "评审得分", "number", required=False),
    LineColumn("rank", "名次", "number")), error_key="candidate",
    help="从供应商库选择，或不选而手工填写供应商名称和统一社会信用代码。")


class ResultForm(Form):
    lot_id = forms.TypedChoiceField(label="采购包", coerce=int, choices=[])
    report_date = DateField(label="评审报告日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    expert_names = forms.CharField(label="评审专家", required=False, max_length=1000,
                                   widget=forms.Textarea(attrs={"rows": 2}), help_text="多名专家以顿号分隔。")
    hide_experts = forms.BooleanField(label="结果公告不公开评审专家名单", required=False)
    attachment_ids = forms.TypedMultipleChoiceField(label="评审报告", required=False, coerce=int,
                                                    widget=forms.MultipleHiddenInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot_id"].choices = [("", "请选择"), *selectors.lot_choices(user)]
        self.fields["attachment_ids"].valid_value = lambda v: True  # the service checks the uploads


def _form_kwargs(user):
    return {"user": user}


class AwardException(RequestKind):
    """预中标（成交）异常处理: a new ranking, winner or method (re-publication, or after a 质疑)."""

    code, label = "exception", "预中标（成交）异常处理"
    lines = (CANDIDATES,)
    # the kit's builders and the OpenAPI example: one candidate within any lot's budget
    example = {"candidate": [{"supplier_id": None, "supplier_name": "示例供应商有限公司", "credit_code": "91350100MA2YAW0019",
                              "amount": "1000.00", "score": "90", "rank": 1}], "winner_rank": 1}
    api_note = "candidate：调整后的全部候选人（按名次）；winner_rank：确认的中标（成交）候选人名次。"

    class form(Form):  # noqa: N801  (the kit reads `form` as the kind's form class)
        procurement_method = forms.ChoiceField(label="采购方式", required=False, choices=[])
        winner_rank = forms.IntegerField(label="中标（成交）候选人名次", min_value=1, max_value=99, required=False)
        winner_reason = forms.CharField(label="未确定排名第一的候选人的理由", required=False, max_length=2000,
                                        widget=forms.Textarea(attrs={"rows": 2}))

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["procurement_method"].choices = [("", "不变"), *selectors.method_choices()]

    def refusal(self, result):
        return services.exception_refusal(result)

    def make_form(self, post, result, req):
        initial = req.proposed if req else services.load_for_exception(result)
        return self.form(post, initial=initial)

    def parse(self, post, form, result, req):
        # the rows as typed: cleaned in `clean`, whose messages the kit puts beside the cells
        return {**form.cleaned_data, "candidate_rows": CANDIDATES.rows_from(post)}

    def clean(self, result, data, *, final):
        if final:  # stored already cleaned: check the rows again as they are
            data = {**data, "candidate": [{**r, "amount": _dec(r["amount"]), "score": _dec(r["score"])}
                                          for r in data.get("candidates") or []]}
        else:
            data = {**data, "candidate": CANDIDATES.clean(data.pop("candidate_rows", None) or [])}
        return services.exception_clean(result, data)

    def apply(self, req, result, actor):
        services.exception_apply(req, result, actor)

    def diff(self, req, result):
        return selectors.exception_diff(req, result)


def _dec(v):
    from decimal import Decimal

    return None if v in (None, "") else Decimal(str(v))


def _detail_context(request, doc):
    return selectors.detail_context(request.user, doc)


def _request_form_context(request, ctx):
    return selectors.exception_form_context(request, ctx, CANDIDATES)


def _request_detail_context(request, ctx):
    return selectors.exception_detail_context(request.user, ctx)


def _example(organizer_user):
    from . import demo

    return demo.example_result(organizer_user)


RESULT = DocumentType(
    flow=FLOW, namespace="awards", title="评审结果", section="采购执行", form=ResultForm, form_kwargs=_form_kwargs,
    columns=[Column("采购项目", "procurement.name"), Column("采购包", lambda r: f"第{r.lot.seq}包 {r.lot.name}"),
             Column("组织单位", "organizer.name"), Column("中标（成交）供应商", "winner_name"),
             Column("中标（成交）金额（元）", "winner_amount", kind="money")],
    may_list=rights.may_view_results, may_create=rights.may_record_results,
    tabs=inbox_tabs(FLOW, Tab("notice", "通知书待发出", Q(status="approved", stage="notice")),
                    Tab("publish", "结果公告待发布", Q(status="approved", stage="publish")),
                    Tab("published", "已发布", Q(status="approved", stage__in=("publish_done", "notice_done")))),
    select_related=("unit", "created_by", "procurement", "lot", "organizer"), scope_fields=("unit", Acting("organizer")),
    save=services.result_save, detail_template="awards/detail.html", form_template="awards/form.html",
    detail_fields=["report_date", "expert_names"], lines=(LineSpec(CANDIDATES, Candidate, "result"),),
    extra_context=_detail_context, initial_from_query=("lot_id",), example=_example,
    requests=RequestType(flow=REQUEST_FLOW, target_field="result", kinds=(AwardException(),),
                         number_type="award_exception", scope_fields=("unit", Acting("organizer")),
                         not_approved="只有采购人已确认的评审结果可以进行异常处理。",
                         not_allowed="只有组织该采购项目的代理机构可以发起异常处理。",
                         form_template="awards/request_form.html", detail_template="awards/request_detail.html",
                         form_context=_request_form_context, detail_context=_request_detail_context))
