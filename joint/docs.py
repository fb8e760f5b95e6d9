"""统招分签项目 on the document kit (FJ 2.1): lead clerk → lead reviewer; after approval the 归集 stage (待归集 →
已归集, refused by its hook until the rules of 2.1.4 hold), 取消归集 as a direct action, 终止 as a request."""

from django.db.models import Q

from access import rights
from attachments import services as attachment_services
from attachments.selectors import attachments_for
from core.errors import FieldErrors
from core.listing import Column, Tab
from orgs.models import Role
from projects import services as projects
from workflow.engine import DirectAction, Flow, Node, Stage, register
from workflow.kit.documents import DocumentType, LineSpec
from workflow.kit.requests import RequestKind, RequestType
from workflow.models import Status

from . import selectors, services
from .forms import LINE_TABLE, JointForm, TerminateForm, form_kwargs
from .models import JointLine, JointProject, JointRequest

FLOW = register(Flow(
    doc_type=JointProject.doc_type, label="统招分签项目", model=JointProject,
    nodes=(Node("reviewer", "审核岗审核", Role.REVIEWER, check="joint.services.joint_check_deadline"),),
    on_submit="joint.services.joint_check_deadline",
    stages=(Stage("collect", "待归集", "collect", "归集", "已归集", Role.CLERK, on_done="joint.services.joint_collect"),),
    direct_actions=(DirectAction("uncollect", "取消归集", right=rights.is_clerk_of, allowed=services.may_uncollect,
                                 effect="joint.services.joint_uncollect", done_message="已取消归集。"),)))
REQUEST_FLOW = register(Flow(
    doc_type=JointRequest.doc_type, label="统招分签项目终止", model=JointRequest,
    nodes=(Node("reviewer", "审核岗审核", Role.REVIEWER),)))


class Terminate(RequestKind):
    """终止 (FJ 2.1.2): a reason and the 项目终止说明附件; while no plan is filed."""

    code, label, form = "terminate", "终止", TerminateForm

    @staticmethod
    def example(clerk):
        """An uploaded 项目终止说明附件 (the kit's builders call it)."""
        from django.core.files.uploadedfile import SimpleUploadedFile

        pdf = SimpleUploadedFile("终止说明.pdf", b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",
                                 content_type="application/pdf")
        att = attachment_services.attachment_upload(actor=clerk, file=pdf, purpose=services.TERMINATE_PURPOSE)
        return {"attachment_ids": [att.pk]}

    def refusal(self, joint):
        return services.terminate_refusal(joint)

    def clean_for(self, joint, data, *, final, actor=None, req=None, approving=False):
        errors: dict = {}
        have = projects.linked_attachments(req, services.TERMINATE_PURPOSE).count() if req is not None else 0
        new = [] if final else projects.claim_attachments(actor, data.get("attachment_ids"), services.TERMINATE_PURPOSE,
                                                         req, errors, "attachment_ids", model=JointRequest)
        if not errors and have + len(new) < 1:
            errors["attachment_ids"] = f"终止申请须上传{services.TERMINATE_PURPOSE}。"
        if errors:
            raise FieldErrors(errors)
        return {"attachments": new}

    def stored(self, cleaned):
        return {}

    def persist(self, req, cleaned, actor):
        for att in cleaned["attachments"]:
            attachment_services.attachment_link(actor=actor, attachment=att, target=req)

    def apply(self, req, joint, actor):
        services.joint_terminate(req, joint, actor)


def _detail_context(request, doc):
    rows = list(selectors.responses(doc))
    return {"line_tables": [], "lines": list(selectors.lines(doc)), "responses": [
        {"r": r, "state": selectors.response_state(r), "amount": selectors.response_amount(r),
         "own": r.unit_id == request.user.unit_id} for r in rows],
        "attachments": attachments_for(request.user, doc)}


def _request_form_context(request, ctx):
    return {"purpose": services.TERMINATE_PURPOSE,
            "attachments": projects.linked_attachments(ctx["req"]) if ctx.get("req") else []}


def _request_detail_context(request, ctx):
    return {"attachments": attachments_for(request.user, ctx["req"])}


def _example(clerk):
    """A valid draft for the kit's builders and the scope matrix."""
    import datetime as dt

    from django.utils import timezone

    cat = selectors.leaf_categories().filter(kind="goods").first()
    return services.joint_save(clerk, None, {
        "name": "统招分签示例", "fiscal_year": timezone.localdate().year, "procurement_kind": "goods",
        "summary": "", "demand_summary": "", "expected_month": None, "execution_plan": "统一招标，分别签约。",
        "deadline": timezone.now() + dt.timedelta(days=7), "invited_units": [clerk.unit],
        "line": [{"category_id": str(cat.pk), "item_name": "计算机", "quantity": 10, "measure_unit": "台",
                  "unit_price": 5000}]}, None)


JOINT = DocumentType(
    flow=FLOW, namespace="joint", title="统招分签项目", section="采购项目管理", form=JointForm, form_kwargs=form_kwargs,
    columns=[Column("项目名称", "name"), Column("预算金额（元）", "total_amount", kind="money"),
             Column("响应截止时间", "deadline", kind="datetime")],
    may_list=rights.may_view_joint_projects, may_create=rights.is_clerk, save=services.joint_save,
    tabs=[Tab("todo", "待处理", Q(status__in=(Status.DRAFT, Status.PENDING, Status.WITHDRAWN)) & ~Q(last_action="discard")),
          Tab("done", "已办结", Q(status=Status.APPROVED)), Tab("all", "全部", Q())],
    detail_fields=["name", "fiscal_year", "procurement_kind", "total_amount", "summary", "demand_summary",
                   "expected_month", "deadline", "execution_plan"],
    lines=(LineSpec(LINE_TABLE, JointLine, "joint"),),
    form_template="joint/form.html", detail_template="joint/detail.html", extra_context=_detail_context,
    example=_example,
    requests=RequestType(flow=REQUEST_FLOW, target_field="joint", kinds=(Terminate(),),
                         not_approved="只有已办结的统招分签项目可以终止。", form_template="joint/request_form.html",
                         detail_template="joint/request_detail.html", form_context=_request_form_context,
                         detail_context=_request_detail_context))
