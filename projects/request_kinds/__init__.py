"""Requests on an approved project (DESIGN §5): 撤销, 变更, 资金替换/追加/回收, 结项 — one RequestType of the kit
(workflow.kit.requests) and one class per kind. Each request goes clerk → 需求领导 (or 审核岗) through the engine;
its approval applies the change to the project.

The rules of a kind are checked when the request is saved, again when it is submitted and again when it is
approved (the kit runs them): the project may have been used, closed or had its contract filed in between.
Money: what a kind holds while pending is reserved under the request itself (`hold`), given back on 撤回,
审核不通过 or 放弃 (`release`), and moved to the project on approval (`apply`), always through budgets.ledger.
"""

from __future__ import annotations

from django.utils import timezone

from access import rights
from attachments import services as attachment_services
from budgets import ledger
from budgets.selectors import budget_office_names
from core.errors import FieldErrors
from workflow.kit.requests import RequestKind, RequestType, Target

from .. import selectors, services
from ..flows import PROJECT, PROJECT_REQUEST
from ..forms import CONTENT_TABLE, FUND_TABLE
from ..models import ProjectRequest
from ..request_forms import (
    MOVE_TABLE,
    OFFICE_NOT_OFFERED,
    ChangeForm,
    OfficeForm,
    funds_from,
    lines_from,
    moves_from,
)
from . import effects, pages, rules
from .pages import change_initial, project_state, stored_change
from .rules import FUND_KINDS, KINDS, active_fund_lines, change_diff, project_held

# read by the pages, other modules and tests through this module
__all__ = ["FUND_KINDS", "KINDS", "change_diff", "change_initial", "project_state", "stored_change"]

CLOSED_FUNDS = "项目已结项，不能进行资金操作。"
# the API's examples (ids are illustrative: a 品目 of the project's 采购类别, the unit's indicators, uploads)
EXAMPLE_LINES = [{"category": 1, "item_name": "台式计算机", "quantity": "10", "measure_unit": "台",
                  "unit_price": "6000.00"}]


def request_attachments(req: ProjectRequest, purpose: str | None = None):
    return services.linked_attachments(req, purpose)


class ProjectKind(RequestKind):
    """What every kind on a project shares: a revoked project takes no request; uploads posted with the form
    are linked to the request (`attachment`: the one the kind must carry)."""

    attachment = ""
    id_lists = (("attachment_ids", "本次上传的附件（已上传附件的 id）"),)

    def refusal(self, project):
        if project.revoked_at is not None:
            return "项目已撤销，不能再发起申请。"
        return self.rule(project)

    def rule(self, project) -> str | None:
        return None

    def make_form(self, post, project, req):
        return None

    def parse(self, post, form, project, req) -> dict:
        return {"attachment_ids": post.getlist("attachment_ids"), **self.parse_own(post, form, project)}

    def parse_own(self, post, form, project) -> dict:
        return {}

    def clean_for(self, project, data, *, final, actor=None, req=None, approving=False) -> dict:
        errors: dict = {}
        new = []
        if final:  # 提交 / 审核通过: what the request carries now
            have = request_attachments(req, self.attachment).count() if self.attachment else 1
        else:
            new = services.claim_attachments(actor, data.get("attachment_ids"), self.attachment, req, errors,
                                             "attachments", model=ProjectRequest)
            have = (request_attachments(req, self.attachment).count() if req is not None and self.attachment
                    else 0) + len(new)
        if self.attachment and have < 1 and "attachments" not in errors:
            errors["attachments"] = f"{self.label}申请须上传{self.attachment}。"
        out = {"proposed": {}, "moves": [], "budget_office": "", "attachments": new}
        try:
            self.clean_own(project, data, out, errors, final=final, approving=approving)
        except FieldErrors as exc:
            errors = {**exc.errors, **errors}
        if errors:
            raise FieldErrors(errors)
        return out

    def clean_own(self, project, data, out, errors, *, final, approving) -> None:
        """Fill `out` (proposed, moves, budget_office) from `data`; errors into `errors` or FieldErrors."""

    def data_of(self, req) -> dict:
        return {"proposed": req.proposed or {}, "moves": rules.moves_of(req), "budget_office": req.budget_office}

    def stored(self, cleaned):
        return cleaned["proposed"]

    def persist(self, req, cleaned, actor):
        if req.budget_office != cleaned["budget_office"]:
            req.budget_office = cleaned["budget_office"]
            req.save(update_fields=["budget_office"])
        for att in cleaned["attachments"]:
            attachment_services.attachment_link(actor=actor, attachment=att, target=req)

    def snapshot(self, req):
        return {"budget_office": req.budget_office, "moves": rules.moves_of(req)}

    def hold(self, req, project, actor):
        amounts = rules.request_reservation(req, project)
        if amounts:
            ledger.reserve(actor=actor, holder=ledger.holder_key(req), amounts=amounts,
                           reason=f"{self.label}申请提交")

    def release(self, req, project, actor):
        reason = "放弃申请" if req.last_action == "discard" else f"{self.label}申请退回"
        effects.release_request(req, actor, reason)


class UnusedOnly(ProjectKind):
    """撤销 and 变更: only while nothing uses the project and it is not closed."""

    def rule(self, project):
        if project.is_used:
            return f"项目已被使用，不能{self.label}；使用后只能进行资金替换、追加、回收。"
        if project.closed_at is not None:
            return f"项目已结项，不能{self.label}。"
        return None


class Revoke(UnusedOnly):
    code, label, attachment = ProjectRequest.KIND_REVOKE, "撤销", "项目撤销说明附件"
    example = {"attachment_ids": [1]}
    api_note = "须附项目撤销说明附件（先上传，再在 attachment_ids 中给出其 id）。"

    def apply(self, req, project, actor):
        if project_held(project):
            ledger.release(actor=actor, holder=ledger.holder_key(project), reason=f"项目撤销 {req.number}")
        project.revoked_at = timezone.now()  # the fund lines stay as the record of what it held


class Change(UnusedOnly):
    code, label = ProjectRequest.KIND_CHANGE, "变更"
    form, lines = ChangeForm, (CONTENT_TABLE, FUND_TABLE)
    example = {"name": "教学用计算机采购", "summary": "更新机房计算机", "contact_name": "张三",
               "contact_phone": "0591-88888888", "content_lines": EXAMPLE_LINES,
               "fund_lines": [{"indicator": 1, "amount": "60000.00"}]}
    api_note = ("与页面相同，提交变更后的完整内容：项目名称、项目概况、联系人、联系电话与采购内容清单、项目资金构成都须提交"
                "（未改的照原样提交）；只保留与原项目不同的部分。")

    def make_form(self, post, project, req):
        return ChangeForm(post, initial=stored_change(req)[0] if req else change_initial(project)[0])

    def parse_own(self, post, form, project):
        return {"proposed": {**{n: form.cleaned_data.get(n, "") for n in ChangeForm.base_fields},
                             "content_lines": lines_from(post), "fund_lines": funds_from(post)}}

    def clean_own(self, project, data, out, errors, *, final, approving):
        out["proposed"] = rules.clean_proposed(project, data.get("proposed"), check_available=not final)

    def apply(self, req, project, actor):
        effects.apply_change(req, project, actor)


class FundKind(ProjectKind):
    """资金替换 / 追加 / 回收: only on a used project that is not closed; the lines are FundMove rows."""

    lines = (MOVE_TABLE,)

    def rule(self, project):
        if project.closed_at is not None:
            return CLOSED_FUNDS
        if not project.is_used:
            return "项目尚未被使用，不能进行资金替换、追加、回收；未使用的项目请通过「变更」调整项目资金构成。"
        return None

    def parse_own(self, post, form, project):
        return {"moves": moves_from(post, self.code)}

    def clean_own(self, project, data, out, errors, *, final, approving):
        out["moves"] = rules.clean_moves(project, self.code, data.get("moves"), check_available=not final)

    def persist(self, req, cleaned, actor):
        super().persist(req, cleaned, actor)
        req.fund_moves.update(is_active=False)  # a draft's replaced lines are kept, never deleted
        for m in cleaned["moves"]:
            req.fund_moves.create(from_indicator_id=m["from_indicator"], indicator_id=m["indicator"],
                                  amount=m["amount"])

    def apply(self, req, project, actor):
        effects.apply_funds(req, project, actor)


class FundReplace(FundKind):
    code, label = ProjectRequest.KIND_FUND_REPLACE, "资金替换"
    example = {"moves": [{"from_indicator": 1, "indicator": 2, "amount": "10000.00"}]}
    api_note = "每行：from_indicator 本项目占用的原指标，indicator 替换后的本单位指标，amount 替换金额。"


class LinesFollow(FundKind):
    """追加 / 回收 change the 项目金额: the 采购内容清单 is adjusted in the same request."""

    lines = (MOVE_TABLE, CONTENT_TABLE)

    def parse_own(self, post, form, project):
        return {**super().parse_own(post, form, project), "proposed": {"content_lines": lines_from(post)}}

    def clean_own(self, project, data, out, errors, *, final, approving):
        super().clean_own(project, data, out, errors, final=final, approving=approving)
        out["proposed"] = rules.clean_fund_content(project, self.code, out["moves"], data.get("proposed"), errors)


class FundAdd(LinesFollow):
    code, label = ProjectRequest.KIND_FUND_ADD, "资金追加"
    form = OfficeForm
    example = {"budget_office": "预算处", "moves": [{"indicator": 2, "amount": "10000.00"}],
               "content_lines": EXAMPLE_LINES}
    api_note = ("每行：indicator 本单位指标，amount 追加金额；budget_office 为项目所在区划的指标管理处室；"
                "content_lines 为调整后的采购内容清单，合计须等于追加后的项目金额。")

    def make_form(self, post, project, req):
        return OfficeForm(post, project=project, initial={"budget_office": req.budget_office} if req else None)

    def parse_own(self, post, form, project):
        return {**super().parse_own(post, form, project), "budget_office": form.cleaned_data.get("budget_office", "")}

    def clean_own(self, project, data, out, errors, *, final, approving):
        office = (data.get("budget_office") or "").strip()
        if not office:
            errors["budget_office"] = "资金追加须选择指标管理处室。"
        elif not approving and office not in budget_office_names(project.unit.region):
            errors["budget_office"] = OFFICE_NOT_OFFERED  # deactivated after 提交: the request stands
        out["budget_office"] = office
        super().clean_own(project, data, out, errors, final=final, approving=approving)


class FundReclaim(LinesFollow):
    code, label = ProjectRequest.KIND_FUND_RECLAIM, "资金回收"
    example = {"moves": [{"indicator": 1, "amount": "10000.00"}], "content_lines": EXAMPLE_LINES}
    api_note = ("每行：indicator 本项目占用的指标，amount 回收金额；content_lines 为调整后的采购内容清单，"
                "合计须等于回收后的项目金额。")


class Close(ProjectKind):
    code, label, attachment = ProjectRequest.KIND_CLOSE, "结项", "项目结项附件"
    example = {"attachment_ids": [1]}
    api_note = "项目合同备案后方可结项；须附项目结项附件（attachment_ids）。"

    def rule(self, project):
        if project.closed_at is not None:
            return "项目已结项，不能重复结项。"
        if project.contract_filed_at is None:
            return "项目合同尚未备案，不能结项。"
        return None

    def apply(self, req, project, actor):
        project.closed_at = timezone.now()


KIND_CLASSES = (Revoke(), Change(), FundReplace(), FundAdd(), FundReclaim(), Close())
REQUIRED_ATTACHMENTS = {k.code: k.attachment for k in KIND_CLASSES if k.attachment}


def _target_snapshot(project) -> dict:
    return {"fund_lines": {str(k): v for k, v in active_fund_lines(project).items()}}


REQUESTS = RequestType(
    flow=PROJECT_REQUEST, target_field="project", kinds=KIND_CLASSES, may_request=rights.is_clerk_of,
    not_approved="只有已审核通过的项目可以发起撤销、变更、资金调整或结项申请。",
    open_message="该项目已有未办结的{label}申请（{number}），请先办结或放弃该申请。",
    not_allowed="只有项目所属单位的经办岗可以发起申请。",
    form_template="projects/request_form.html", refused_template="projects/request_refused.html",
    detail_template="projects/request_detail.html", form_context=pages.form_context, detail_context=pages.detail_context,
    target_snapshot=_target_snapshot, new_path="requests/new/<int:target_pk>/<str:kind>/")
REQUESTS.bind(Target(flow=PROJECT, namespace="projects", title="采购项目立项", section="采购项目管理",
                     get=selectors.get_project))


# ---- the requests as services (other modules, tests, the demo data) -------------------------------------------


def allowed_requests(user, project) -> list[str]:
    """The kinds this user may start on the project now: the buttons shown and the service agree."""
    return [k.code for k in REQUESTS.allowed(user, project)]


def open_request(project, exclude_pk=None):
    return REQUESTS.open_request(project, exclude_pk=exclude_pk)


def _data(budget_office, proposed, moves, attachment_ids) -> dict:
    return {"budget_office": budget_office or "", "proposed": proposed, "moves": moves or [],
            "attachment_ids": attachment_ids or []}


def request_create(*, actor, project, kind: str, reason: str, budget_office: str = "", proposed=None, moves=None,
                   attachment_ids=None) -> ProjectRequest:
    """A draft request (编辑中) on an approved project, by the project unit's clerk."""
    return REQUESTS.create(actor=actor, target=project, kind=kind, reason=reason,
                           data=_data(budget_office, proposed, moves, attachment_ids))


def request_update(*, actor, request: ProjectRequest, reason: str, budget_office: str = "", proposed=None,
                   moves=None, version=None, attachment_ids=None) -> ProjectRequest:
    """保存 of a draft, returned or withdrawn request (`attachment_ids`: uploads to add)."""
    return REQUESTS.update(actor=actor, req=request, reason=reason, version=version,
                           data=_data(budget_office, proposed, moves, attachment_ids))

