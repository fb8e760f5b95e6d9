"""Writes of 采购计划申报 (FJ 4.1) and the rules they apply, each number a rule parameter (RULES.md §B):

- SME (财库〔2020〕46号, 〔2022〕19号): up to `sme_small_project_goods` / `_works` a plan not wholly reserved for
  SMEs needs 未按政策预留的原因; above, a share below `sme_reserved_share_min` (or 小微 below
  `sme_micro_share_min` of it) needs one too.
- 集中采购目录 (法 18): a 品目 in the catalogue in force is 集中采购机构采购, or 部门集中采购 where it says so.
- review chain (docs.py): 省级 plans through the confirmed competent unit (`plan_competent_review_province`;
  other levels `plan_competent_review_other_levels`); a non-open method at or above `open_tender_threshold`
  through a regulator of city level or above (法 27); 单一来源 there waits for its publicity
  (`plan_single_source_publicity_gate`, 实施条例 38).
- 化整为零 (实施条例 28): checked at 提交 over the unit's plans in review or filed with non-open methods.

The project becomes used (projects.services.project_mark_used) when the plan is submitted, and is freed when
the plan goes back to the clerk (撤回, 审核不通过 to the clerk), is discarded or is revoked (采购计划撤销).

统招分签 plans (FJ 4.1.4) take the lead unit's collected JointProject instead of a project (its name, the total of
the approved responses that joined, the joint lines summed over them, every responder's fund lines), and mark
it planned (joint.services.joint_mark_planned: 取消归集 and 终止 refused) at the same moments. The rules apply as
to a project plan, on the lead's unit (its region's catalogue and thresholds, its review chain). 化整为零 counts
each responder's part under the responder and its own indicators' PRO_CODE: the money and the 预算项目 are the
responder's (实施条例 28 is about one 采购人's 预算项目), so a responder's other plans add up with its share.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from attachments import services as attachment_services
from attachments.models import Attachment
from audit import services as audit
from contracts import selectors as contract_selectors
from core import catalog, params
from core.errors import BusinessError, FieldErrors
from core.money import format_yuan
from core.validation import phone_problem
from joint import selectors as joint_selectors
from joint import services as joint_services
from orgs import scope_columns
from orgs.models import Unit
from projects import selectors as project_selectors
from projects import services as project_services
from supervision import services as supervision
from workflow.kit import editing
from workflow.models import Status

from .models import (
    NO_AGENCY,
    NON_OPEN,
    PROJECT_FORM,
    Method,
    OrganizationForm,
    Plan,
    PlanLine,
    PlanShare,
    PlanType,
)

PARAMS = params.of("plans")
ZERO, CENT, HUNDRED = Decimal("0"), Decimal("0.01"), Decimal("100")
KIND_LABELS = {"goods": "货物", "works": "工程", "services": "服务"}
AGENCY_KINDS = (Unit.KIND_AGENCY, Unit.KIND_CENTRAL)
SPLIT_KIND = "plan_split"
SPLIT_BASIS = "政府采购法实施条例第二十八条（化整为零）"
_money = format_yuan


def key(plan) -> str:
    return f"plans.plan:{plan.pk}"


# ---- rule parameters -----------------------------------------------------------------------------------------


def rule_date(plan) -> dt.date:
    created = getattr(plan, "created_at", None)
    return timezone.localdate(created) if created else timezone.localdate()


def _param(name: str, unit, on: dt.date):
    return getattr(PARAMS, name)(region_code=unit.rule_region_code, level=unit.level, on=on)


def open_tender_threshold(unit, on: dt.date | None = None) -> Decimal:
    return _param("open_tender_threshold", unit, on or timezone.localdate())


def needs_competent_review(plan) -> bool:
    """Node condition: the unit has a confirmed competent unit and its level's parameter says so."""
    unit = plan.unit
    if not unit.competent_id:
        return False
    name = "plan_competent_review_province" if unit.level == "province" else "plan_competent_review_other_levels"
    return bool(_param(name, unit, rule_date(plan)))


def needs_regulator_approval(plan) -> bool:
    """Node condition (法 27): a non-open method at or above the 公开招标数额."""
    return (plan.procurement_method in NON_OPEN
            and plan.total_amount >= open_tender_threshold(plan.unit, rule_date(plan)))


def publicity_done(plan) -> bool:
    """Has a 单一来源公示 of this plan run its full period? The notices issue answers; until then: no."""
    return False


def single_source_gate(plan) -> None:
    """Node check of the regulator's approval: 单一来源 at or above the 公开招标数额 only after its publicity."""
    method_gate(plan, plan.procurement_method, rule_date(plan))


def method_gate(plan, method: str, on: dt.date | None = None) -> None:
    """The same gate for a method the plan is to take (变更采购方式 of a 废标处理, on its date): a change to
    单一来源 waits for the plan's 单一来源公示 (the notices issue answers publicity_done)."""
    if method != Method.SINGLE_SOURCE:
        return
    on = on or timezone.localdate()
    if not _param("plan_single_source_publicity_gate", plan.unit, on) or publicity_done(plan):
        return
    days = _param("single_source_publicity_workdays", plan.unit, on)
    raise BusinessError(f"单一来源采购金额达到公开招标数额标准的，须在批准前公示不少于{days}个工作日"
                        f"（政府采购法实施条例第三十八条）；本计划尚无期满的单一来源公示，暂不能批准。",
                        code="publicity_required")


# ---- the rules of the plan's own fields ------------------------------------------------------------------------


def _pc(value: Decimal) -> str:
    return format(value.normalize(), "f")  # 40, 12.5 (never 4E+1)


def sme_problem(plan, *, oriented: bool, reserved: Decimal | None, micro: Decimal | None) -> str | None:
    """Why the SME policy is not met (then 未按政策预留的原因 is required), or None."""
    if plan.plan_type == PlanType.SELF:
        return None  # 自行采购 is not 政府采购
    unit, on, kind = plan.unit, rule_date(plan), plan.procurement_kind
    limit = _param("sme_small_project_works" if kind == "works" else "sme_small_project_goods", unit, on)
    share = HUNDRED if oriented else (reserved or ZERO)
    label = "工程" if kind == "works" else "货物、服务"
    if plan.total_amount <= limit:
        if share < HUNDRED:
            return (f"{label}项目金额 {_money(plan.total_amount)} 元未超过 {_money(limit)} 元，应专门面向中小企业采购；"
                    "不专门面向中小企业或预留比例未达到100%的，须填写未按政策预留的原因。")
        return None
    minimum, micro_min = _param("sme_reserved_share_min", unit, on), _param("sme_micro_share_min", unit, on)
    if share < minimum:
        return (f"{label}项目金额超过 {_money(limit)} 元的，预留中小企业份额应不低于{_pc(minimum)}%"
                f"（本计划 {_pc(share)}%）；未达到的，须填写未按政策预留的原因。")
    if (micro or ZERO) < micro_min:
        return (f"预留份额中小微企业比例应不低于{_pc(micro_min)}%（本计划 {_pc(micro or ZERO)}%）；"
                "未达到的，须填写未按政策预留的原因。")
    return None


def catalogue_form(plan) -> tuple[str, str] | None:
    """(组织形式 required, why) when a line's 品目 is in the 集中采购目录 in force for the unit's region."""
    items = catalog.catalogue(plan.unit.region.code, rule_date(plan))
    found = None
    for line in plan.lines.filter(is_active=True).select_related("category"):
        item = catalog.catalogue_item(items, line.category.code)
        if item is None:
            continue
        form = OrganizationForm.CENTRAL if item.kind == item.KIND_AGENCY else OrganizationForm.DEPARTMENT
        why = f"品目「{line.category.name}」属于集中采购目录（{item.get_kind_display()}）"
        if found is None or form == OrganizationForm.CENTRAL:
            found = (form, why)
    return found


def _pct(value, field: str, errors: dict) -> Decimal | None:
    if value in (None, ""):
        return None
    value = Decimal(value)
    if value < 0 or value > HUNDRED:
        errors[field] = "比例应在0至100之间。"
    return value


def _seqs(values, field: str, seqs: set[int], errors: dict) -> set[int]:
    out = set()
    for v in values or []:
        try:
            n = int(v)
        except (TypeError, ValueError):
            n = None
        if n not in seqs:
            errors[field] = "采购内容清单中没有该行，请刷新页面后重试。"
            continue
        out.add(n)
    return out


def _validated(plan: Plan, data: dict, actor=None) -> dict:
    """Every rule of the plan's own fields on the posted values (the copied ones are the plan's); FieldErrors."""
    errors: dict[str, str] = {}
    t = plan.plan_type
    org_form = data.get("organization_form") or ""
    method = data.get("procurement_method") or ""
    agency = data.get("agency")
    contract = None
    if t in NO_AGENCY:
        if agency is not None:
            errors["agency"] = f"{plan.get_plan_type_display()}计划不委托代理机构。"
        org_form, method, agency = "", "", None
    else:
        if not org_form:
            errors["organization_form"] = "请选择组织形式。"
        if not method:
            errors["procurement_method"] = "请选择采购方式。"
        if org_form == OrganizationForm.CENTRAL and (agency is None or agency.kind != Unit.KIND_CENTRAL):
            errors["agency"] = "组织形式为集中采购机构采购的，须选择集中采购机构。"
        elif org_form == OrganizationForm.ENTRUSTED and agency is None:
            errors["agency"] = "组织形式为分散采购委托代理的，须选择代理机构。"
        elif org_form == OrganizationForm.SELF_ORGANIZED and agency is not None:
            errors["agency"] = "组织形式为分散采购自行组织的，不委托代理机构。"
        elif agency is not None and agency.kind not in AGENCY_KINDS:
            errors["agency"] = "请选择代理机构或集中采购机构。"
        if org_form and "organization_form" not in errors and (required := catalogue_form(plan)):
            form, why = required
            if org_form != form:
                errors["organization_form"] = f"{why}，组织形式应为“{OrganizationForm(form).label}”。"
    if t == PlanType.RENEWAL:
        if plan.procurement_kind != "services":
            errors["original_contract_id"] = "合同续签仅适用于服务类项目。"
        cid = data.get("original_contract_id")
        contract = contract_selectors.filed_of_unit(plan.unit_id, cid) if cid else None
        if contract is None and "original_contract_id" not in errors:
            errors["original_contract_id"] = "请选择原合同（本单位已备案的合同）。"
        elif contract is not None and contract.procurement_kind != "services":
            errors["original_contract_id"] = "合同续签的原合同须为服务类合同。"
    oriented = bool(data.get("sme_oriented"))
    reserved = _pct(data.get("sme_reserved_pct"), "sme_reserved_pct", errors)
    micro = _pct(data.get("sme_micro_pct"), "sme_micro_pct", errors)
    reason = (data.get("sme_reason") or "").strip()
    if not any(k.startswith("sme_") for k in errors):
        problem = sme_problem(plan, oriented=oriented, reserved=reserved, micro=micro)
        if problem and not reason:
            errors["sme_reason"] = problem
        if not problem:
            reason = ""
    for field, label, limit in (("contact_name", "联系人", 30), ("contact_phone", "联系电话", 30)):
        value = (data.get(field) or "").strip()
        if not value:
            errors[field] = f"请填写{label}。"
        elif len(value) > limit:
            errors[field] = f"{label}不能超过{limit}个字。"
    if problem := phone_problem((data.get("contact_phone") or "").strip()):
        errors["contact_phone"] = problem
    seqs = set(plan.lines.filter(is_active=True).values_list("seq", flat=True))
    imports = _seqs(data.get("import_lines"), "import_lines", seqs, errors)
    services_ = _seqs(data.get("service_lines"), "service_lines", seqs, errors)
    attachments = _claim(actor, plan, data.get("attachment_ids"), errors) if actor is not None else []
    if errors:
        raise FieldErrors(errors)
    return {"fields": {"organization_form": org_form, "procurement_method": method, "agency": agency,
                       "original_contract": contract, "sme_oriented": oriented,
                       "sme_reserved_pct": HUNDRED if oriented else reserved, "sme_micro_pct": micro,
                       "sme_reason": reason, "split_explanation": (data.get("split_explanation") or "").strip(),
                       "contact_name": (data.get("contact_name") or "").strip(),
                       "contact_phone": (data.get("contact_phone") or "").strip()},
            "imports": imports, "services": services_, "attachments": attachments}


def _claim(actor, plan, ids, errors) -> list[Attachment]:
    wanted = [int(i) for i in ids or [] if str(i).isdigit()]
    found = Attachment.objects.filter(pk__in=wanted, unit_id=actor.unit_id, is_deleted=False).in_bulk()
    if len(found) != len(set(wanted)):
        errors["attachment_ids"] = "附件不存在或已删除，请重新上传。"
    return list(found.values())


SAVE_FIELDS = ["organization_form", "procurement_method", "agency_id", "original_contract_id", "sme_oriented",
               "sme_reserved_pct", "sme_micro_pct", "sme_reason", "split_explanation", "contact_name",
               "contact_phone"]


def _write(actor, plan: Plan, v: dict) -> None:
    for name, value in v["fields"].items():
        setattr(plan, name, value)
    for line in plan.lines.filter(is_active=True):
        flags = {"is_import": line.seq in v["imports"], "is_gov_service": line.seq in v["services"]}
        if any(getattr(line, k) != val for k, val in flags.items()):
            PlanLine.objects.filter(pk=line.pk).update(**flags)
    for att in v["attachments"]:
        try:
            attachment_services.attachment_link(actor=actor, attachment=att, target=plan)
        except BusinessError as exc:
            raise FieldErrors({"attachment_ids": exc.message}) from exc


# ---- 新增: the type and the project first ------------------------------------------------------------------


def open_plans_q() -> Q:
    """Plans that hold their project or line in hand: not discarded, not revoked, not ended (终止)."""
    return ~Q(last_action="discard") & Q(revoked_at__isnull=True, ended_at__isnull=True)


def holding_q() -> Q:
    """Plans that make the project used: in review or filed (and not revoked or ended)."""
    return Q(status=Status.PENDING) | Q(status=Status.APPROVED, revoked_at__isnull=True, ended_at__isnull=True)


def _taken(project_id, mall_line_id, qs_filter: Q, exclude_pk=None) -> Plan | None:
    qs = Plan.objects.filter(qs_filter, project_id=project_id)
    if mall_line_id is not None:
        qs = qs.filter(mall_line_id=mall_line_id)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("id").first()


def project_refusal(project, plan_type: str, unit_id: int) -> str | None:
    """Why this project cannot be planned under this type (None: it can)."""
    if project.unit_id != unit_id:
        return "只能选择本单位的采购项目。"
    if project.status != Status.APPROVED or project.revoked_at is not None:
        return "只能选择已审核通过且未撤销的采购项目。"
    if project.closed_at is not None:
        return "采购项目已结项。"
    if project.implementation_form != PROJECT_FORM[plan_type]:
        return f"所选项目的实施形式不是{PlanType(plan_type).label.split('·')[-1]}。"
    return None


def _copy_from_project(plan: Plan) -> None:
    """The plan's copy of the project: name, amount, lines (keeping the clerk's flags per project line) and
    funds (pro rata to the plan's share of the project)."""
    project = plan.project
    lines = list(project_selectors.content_lines(project))
    if plan.mall_line_id is not None:
        lines = [ln for ln in lines if ln.pk == plan.mall_line_id]
        if not lines:
            raise BusinessError("所选网上超市采购明细已不在项目的采购内容清单中。", code="mall_line_gone")
    old = {ln.source_line_id: ln for ln in plan.lines.filter(is_active=True)}
    plan.lines.filter(is_active=True).update(is_active=False)
    PlanLine.objects.bulk_create(
        PlanLine(plan=plan, seq=i, source_line_id=ln.pk, category=ln.category, item_name=ln.item_name,
                 quantity=ln.quantity, measure_unit=ln.measure_unit, unit_price=ln.unit_price, amount=ln.amount,
                 is_import=getattr(old.get(ln.pk), "is_import", False),
                 is_gov_service=getattr(old.get(ln.pk), "is_gov_service", False))
        for i, ln in enumerate(lines, 1))
    total = sum((ln.amount for ln in lines), ZERO)
    ratio = total / project.total_amount if project.total_amount else Decimal(1)
    plan.funds = [{"indicator": f.indicator_id, "bgt_id": f.indicator.bgt_id, "pro_code": f.indicator.pro_code,
                   "pro_name": f.indicator.pro_name, "amount": str((f.amount * ratio).quantize(CENT, ROUND_HALF_UP))}
                  for f in project_selectors.fund_lines(project)]
    plan.project_number, plan.name, plan.fiscal_year = project.number, project.name, project.fiscal_year
    plan.procurement_kind, plan.summary, plan.total_amount = project.procurement_kind, project.summary, total


def joint_refusal(joint, unit_id: int) -> str | None:
    """Why this joint project cannot be planned (None: it can): the lead's own, collected, not planned."""
    if joint.unit_id != unit_id:
        return "只能选择本单位牵头的统招分签项目。"
    if joint.terminated_at is not None:
        return "统招分签项目已终止。"
    if joint.status != Status.APPROVED or joint.stage != "collect_done":
        return "只有已归集的统招分签项目可以申报采购计划。"
    if joint.planned_by:
        return "统招分签项目已被其他采购计划使用。"
    return None


def _joint_taken(joint_id, qs_filter: Q, exclude_pk=None) -> Plan | None:
    qs = Plan.objects.filter(qs_filter, joint_project_id=joint_id)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("id").first()


def _copy_from_joint(plan: Plan, actor) -> None:
    """The plan's copy of the collected joint project: name, Σ of the approved responses that joined, the joint
    lines summed over them (keeping the clerk's flags per joint line) and every responder's fund lines."""
    collected = joint_selectors.get_collected(actor, plan.joint_project_id)
    old = {ln.source_line_id: ln for ln in plan.lines.filter(is_active=True)}
    plan.lines.filter(is_active=True).update(is_active=False)
    PlanLine.objects.bulk_create(
        PlanLine(plan=plan, seq=i, source_line_id=ln.line_id, category=ln.category, item_name=ln.item_name,
                 quantity=ln.quantity, measure_unit=ln.measure_unit, unit_price=ln.unit_price, amount=ln.amount,
                 is_import=getattr(old.get(ln.line_id), "is_import", False),
                 is_gov_service=getattr(old.get(ln.line_id), "is_gov_service", False))
        for i, ln in enumerate(collected.lines, 1))
    plan.funds = [{"indicator": f.indicator_id, "bgt_id": f.indicator.bgt_id, "pro_code": f.indicator.pro_code,
                   "pro_name": f.indicator.pro_name, "amount": str(f.amount.quantize(CENT)),
                   "unit": r.unit_id, "unit_name": r.unit.name}
                  for r in collected.responses for f in project_selectors.fund_lines(r.project)]
    joint = collected.joint
    plan.project_number, plan.name, plan.fiscal_year = joint.number, collected.name, collected.fiscal_year
    plan.procurement_kind, plan.summary = collected.procurement_kind, joint.summary or collected.demand_summary
    plan.total_amount = collected.total_amount


def _joint_start(actor, joint) -> Plan:
    if actor.unit_id is None or joint is None:
        raise FieldErrors({"joint_project_id": "请选择已归集的统招分签项目。"})
    if refusal := joint_refusal(joint, actor.unit_id):
        raise BusinessError(refusal, code="joint_refused", field="joint_project_id")
    if other := _joint_taken(joint.pk, open_plans_q()):
        raise BusinessError(f"该统招分签项目已有采购计划（{other.number}，{other.status_text}），不能重复申报。",
                            code="project_taken", field="joint_project_id")
    values = {"plan_type": PlanType.JOINT, "joint_project": joint, "contact_name": "", "contact_phone": "",
              **scope_columns.values_for(Plan, actor.unit)}
    return editing.create(Plan, actor=actor, unit=actor.unit, values=values,
                          fields=["plan_type", "joint_project_id"],
                          write=lambda plan: (_copy_from_joint(plan, actor), plan.save()))


@transaction.atomic
def plan_start(*, actor, plan_type: str, project=None, mall_line=None, joint=None) -> Plan:
    """【选择】 of 【+选择采购项目】: a draft plan of the type, with its copy of the project (统招分签: of the
    collected joint project `joint`)."""
    if plan_type not in PlanType.values:
        raise FieldErrors({"plan_type": "请选择计划类型。"})
    if plan_type == PlanType.JOINT:
        if project is not None or mall_line is not None:
            raise BusinessError("统招分签计划选择已归集的统招分签项目，不选择采购项目。", code="project_refused",
                                field="project_id")
        return _joint_start(actor, joint)
    if joint is not None:
        raise BusinessError("只有统招分签计划选择统招分签项目。", code="joint_refused", field="joint_project_id")
    if actor.unit_id is None or project is None:
        raise FieldErrors({"project_id": "请选择采购项目。"})
    if refusal := project_refusal(project, plan_type, actor.unit_id):
        raise BusinessError(refusal, code="project_refused", field="project_id")
    line_id = None
    if plan_type == PlanType.MALL:
        line_id = getattr(mall_line, "pk", mall_line)
        if line_id is None or not project_selectors.content_lines(project).filter(pk=line_id).exists():
            raise BusinessError("网上超市计划须选择项目采购内容清单中的一条明细（一个计划生成一笔订单）。",
                                code="mall_line_required", field="mall_line_id")
    elif mall_line is not None:
        raise BusinessError("只有网上超市计划选择单条采购内容明细。", code="mall_line_refused", field="mall_line_id")
    if other := _taken(project.pk, line_id, open_plans_q()):
        what = "该明细" if line_id else "该项目"
        raise BusinessError(f"{what}已有采购计划（{other.number}，{other.status_text}），不能重复申报。",
                            code="project_taken", field="project_id")
    values = {"plan_type": plan_type, "project": project, "mall_line_id": line_id,
              "contact_name": project.contact_name, "contact_phone": project.contact_phone,
              **scope_columns.values_for(Plan, actor.unit)}
    return editing.create(Plan, actor=actor, unit=actor.unit, values=values, fields=["plan_type", "project_id"],
                          write=lambda plan: (_copy_from_project(plan), plan.save()))


def plan_save(actor, plan: Plan | None, data: dict, version) -> Plan:
    """The DocumentType's save: 保存 of the clerk's fields (a new plan — through the API — starts from
    plan_type, project_id and, for 网上超市, mall_line_id; 统招分签 from joint_project_id)."""
    if plan is None:
        project = (project_selectors.visible(actor).filter(pk=data["project_id"]).first()
                   if data.get("project_id") else None)
        joint = (joint_selectors.visible(actor).filter(pk=data["joint_project_id"]).first()
                 if data.get("joint_project_id") else None)
        plan = plan_start(actor=actor, plan_type=data.get("plan_type") or "", project=project,
                          mall_line=data.get("mall_line_id"), joint=joint)
        version = plan.version
    else:
        for name in ("plan_type", "project_id", "mall_line_id", "joint_project_id"):
            if data.get(name) not in (None, "") and str(data[name]) != str(getattr(plan, name)):
                raise FieldErrors({name: "计划类型和采购项目在新增时选定，不能修改；如需更换请放弃本计划后重新新增。"})

    def write(locked):
        _write(actor, locked, _validated(locked, data, actor))

    return editing.edit(plan, actor=actor, version=version, write=write, fields=SAVE_FIELDS)


# ---- engine hooks ------------------------------------------------------------------------------------------


def _stored_data(plan: Plan) -> dict:
    return {"organization_form": plan.organization_form, "procurement_method": plan.procurement_method,
            "agency": plan.agency, "original_contract_id": plan.original_contract_id,
            "sme_oriented": plan.sme_oriented, "sme_reserved_pct": plan.sme_reserved_pct,
            "sme_micro_pct": plan.sme_micro_pct, "sme_reason": plan.sme_reason,
            "split_explanation": plan.split_explanation, "contact_name": plan.contact_name,
            "contact_phone": plan.contact_phone, "import_lines": plan.import_lines,
            "service_lines": plan.service_lines}


def _pro_rata(lines: list[tuple[str, Decimal]], funds: list[tuple[str, Decimal]], out: dict, *prefix) -> None:
    """Each (品目编码, amount) line under each paying (PRO_CODE, amount) fund, pro rata, added into `out`."""
    fund_total = sum((a for _, a in funds), ZERO)
    for code, line_amount in lines:
        for pro_code, amount in funds:
            part = (line_amount * amount / fund_total).quantize(CENT, ROUND_HALF_UP) if fund_total else ZERO
            out[(*prefix, code, pro_code)] += part


def shares_of(plan: Plan) -> dict[tuple[str, str], Decimal]:
    """{(品目编码, PRO_CODE): amount}: each line under each paying indicator's PRO_CODE, pro rata."""
    out: dict = defaultdict(lambda: ZERO)
    _pro_rata([(ln.category.code, ln.amount) for ln in plan.lines.filter(is_active=True).select_related("category")],
              [(f["pro_code"] or "", Decimal(f["amount"])) for f in plan.funds or []], out)
    return dict(out)


def unit_shares(plan: Plan) -> dict[tuple[int, str, str], Decimal]:
    """{(unit id, 品目编码, PRO_CODE): amount}: `shares_of` under the plan's unit; a 统招分签 plan's under each
    responder: what its response took of each joint line, paid by its own fund lines (in the plan's copy)."""
    if plan.plan_type != PlanType.JOINT:
        return {(plan.unit_id, c, p): a for (c, p), a in shares_of(plan).items()}
    collected = joint_selectors.summary(plan.joint_project)  # the joint the plan took (checked when taken)
    codes = {ln.line_id: ln.category.code for ln in collected.lines}
    out: dict = defaultdict(lambda: ZERO)
    for r in collected.responses:
        taken = [(codes[jl], rl.amount) for jl, rl in joint_selectors.response_lines(r).items() if jl in codes]
        funds = [(f["pro_code"] or "", Decimal(f["amount"])) for f in plan.funds or [] if f.get("unit") == r.unit_id]
        _pro_rata(taken, funds, out, r.unit_id)
    return dict(out)


def split_findings(plan: Plan, shares: dict | None = None) -> list[str]:
    """化整为零 (实施条例 28): per (采购单位, 品目, 预算项目) of this plan, the year's cumulative amount of that
    unit's non-open plans (and 统招分签 shares) in review or filed, when it exceeds the unit's 公开招标数额 — as
    sentences for the warning."""
    if plan.procurement_method not in NON_OPEN:
        return []
    shares = unit_shares(plan) if shares is None else shares
    others = PlanShare.objects.filter(
        plan__fiscal_year=plan.fiscal_year, plan__procurement_method__in=NON_OPEN,
        plan__status__in=(Status.PENDING, Status.APPROVED), plan__revoked_at__isnull=True).exclude(plan=plan)
    units = Unit.objects.in_bulk({u for u, _, _ in shares})
    on, findings = rule_date(plan), []
    for (unit_id, code, pro_code), amount in sorted(shares.items()):
        if not pro_code:
            continue
        unit = units[unit_id]
        threshold = open_tender_threshold(unit, on)
        before = (others.filter(unit_id=unit_id, category_code=code, pro_code=pro_code)
                  .aggregate(s=Sum("amount"))["s"] or ZERO)
        if before > 0 and before + amount > threshold:  # one plan alone above it is for the regulator (法 27)
            who = f"{unit.name}：" if unit_id != plan.unit_id else ""
            findings.append(f"{who}品目 {code}、预算项目 {pro_code}：{plan.fiscal_year}年度非公开招标方式采购计划累计 "
                            f"{_money(before + amount)} 元（含本计划 {_money(amount)} 元），超过公开招标数额标准 "
                            f"{_money(threshold)} 元")
    return findings


def submitted(plan: Plan, actor) -> None:
    """提交: the copy taken again (frozen from now on), every rule again, the project marked used (its row
    lock orders two plans racing for it), the 化整为零 check and its 监督预警. A 统招分签 plan marks its joint
    project planned instead (refused unless it is still collected and unplanned)."""
    if plan.joint_project_id is not None:
        if refusal := joint_refusal(plan.joint_project, plan.unit_id):
            raise BusinessError(refusal, code="joint_refused")
        joint_services.joint_mark_planned(joint=plan.joint_project, by=key(plan), actor=actor)
        _copy_from_joint(plan, actor)
    if plan.project is not None:
        project_services.project_mark_used(project=plan.project, by=key(plan), actor=actor)
        if other := _taken(plan.project_id, plan.mall_line_id, holding_q(), exclude_pk=plan.pk):
            what = "该明细" if plan.mall_line_id else "该项目"
            raise BusinessError(f"{what}已有采购计划（{other.number}，{other.status_text}），不能重复申报。",
                                code="project_taken")
        _copy_from_project(plan)
    Unit.objects.select_for_update().filter(pk=plan.unit_id).first()  # one unit's submits in turn: the sums
    v = _validated(plan, _stored_data(plan))
    _write(actor, plan, v)
    plan.save()
    shares = unit_shares(plan)
    PlanShare.objects.filter(plan=plan).delete()  # derived rows of the last submit
    PlanShare.objects.bulk_create(PlanShare(plan=plan, unit_id=u, category_code=c, pro_code=p, amount=a)
                                  for (u, c, p), a in shares.items())
    findings = split_findings(plan, shares)
    if findings and not plan.split_explanation:
        raise FieldErrors({"split_explanation": "；".join(findings) + "。可能构成化整为零（政府采购法实施条例第二十八条），"
                           "请填写化整为零情况说明后再提交。"})
    if findings:
        supervision.warning_raise(kind=SPLIT_KIND, unit=plan.unit, target=key(plan),
                                  target_label=f"{plan.name}（{plan.number}）",
                                  message="；".join(findings) + f"。单位说明：{plan.split_explanation}",
                                  basis=SPLIT_BASIS, once=True)


def returned(plan: Plan, actor) -> None:
    """撤回, 审核不通过 to the clerk, 放弃: the project (or joint project) is no longer used by this plan."""
    _release(plan, actor)


def _release(plan: Plan, actor) -> None:
    if plan.project is not None:
        project_services.project_unmark_used(project=plan.project, by=key(plan), actor=actor)
    if plan.joint_project is not None:
        joint_services.joint_unmark_planned(joint=plan.joint_project, by=key(plan), actor=actor)


def filed(plan: Plan, actor) -> None:
    """Final approval: 已备案; the entrusted agency receives it."""
    plan.filed_agency_id = plan.agency_id
    plan.save(update_fields=["filed_agency", "updated_at"])
    audit.record(actor=actor, action="plan.file", obj=plan, after={"filed_agency": plan.agency_id})


# apps that take a filed plan up (trading's 受理) say why it may no longer be revoked: fn(plan) -> str | None,
# registered in their AppConfig.ready()
HOLDERS: list = []


def register_holder(fn) -> None:
    if fn not in HOLDERS:
        HOLDERS.append(fn)


def holder_refusal(plan: Plan) -> str | None:
    return next((why for fn in HOLDERS if (why := fn(plan))), None)


def plan_revoke(plan: Plan, actor) -> None:
    """采购计划撤销 approved: the plan is 已撤销 and its project (or joint project) free to be planned again."""
    if plan.revoked_at is not None:
        raise BusinessError("采购计划已撤销。", code="plan_revoked")
    if why := holder_refusal(plan):
        raise BusinessError(why, code="plan_in_execution")
    plan.revoked_at = timezone.now()
    _release(plan, actor)


# ---- 废标处理 (the failures app): 采购计划终止 (FJ 4.3) and 采购方式变更录入 (FJ 4.4) -------------------------------


def _lock_filed(plan) -> Plan:
    locked = Plan.objects.select_for_update(of=("self",)).select_related("unit", "project").get(pk=plan.pk)
    if locked.status != Status.APPROVED or locked.revoked_at is not None:
        raise BusinessError("只有已备案且未撤销的采购计划可以终止或变更采购方式。", code="plan_not_filed")
    return locked


@transaction.atomic
def plan_end(*, actor, plan, reason: str) -> Plan:
    """采购计划终止 approved (a 废标处理 that ends the procurement): the plan is 已终止 and its project (or joint
    project) free again, to be revoked or planned anew."""
    plan = _lock_filed(plan)
    if plan.ended_at is not None:
        raise BusinessError("采购计划已终止。", code="plan_ended")
    plan.ended_at, plan.end_reason = timezone.now(), (reason or "").strip()
    plan.save(update_fields=["ended_at", "end_reason", "updated_at"])
    _release(plan, actor)
    audit.record(actor=actor, action="plan.end", obj=plan, after={"ended_at": plan.ended_at,
                                                                   "end_reason": plan.end_reason})
    return plan


def plan_end_refusal(plan) -> str | None:
    """Why an ended plan cannot be restored (回第一步 of its 终止): the project was planned again or revoked."""
    if plan.ended_at is None:
        return None
    if plan.project_id is not None:
        if plan.project.revoked_at is not None:
            return "采购项目已撤销，不能恢复已终止的采购计划。"
        if other := _taken(plan.project_id, plan.mall_line_id, open_plans_q(), exclude_pk=plan.pk):
            return f"采购项目已重新申报采购计划（{other.number}），不能恢复已终止的采购计划。"
    if plan.joint_project_id is not None and _joint_taken(plan.joint_project_id, open_plans_q(), exclude_pk=plan.pk):
        return "统招分签项目已重新申报采购计划，不能恢复已终止的采购计划。"
    return None


@transaction.atomic
def plan_end_undo(*, actor, plan) -> Plan:
    """回第一步 of an approved 终止: the plan is filed again and holds its project again — refused once the
    project was planned anew or revoked."""
    plan = Plan.objects.select_for_update(of=("self",)).select_related("project").get(pk=plan.pk)
    if plan.ended_at is None:
        return plan
    if why := plan_end_refusal(plan):
        raise BusinessError(why, code="project_planned_again")
    before = {"ended_at": plan.ended_at, "end_reason": plan.end_reason}
    if plan.project is not None:
        project_services.project_mark_used(project=plan.project, by=key(plan), actor=actor,
                                           label=f"{plan.number} {plan.name}")
    if plan.joint_project is not None:
        joint_services.joint_mark_planned(joint=plan.joint_project, by=key(plan), actor=actor)
    plan.ended_at, plan.end_reason = None, ""
    plan.save(update_fields=["ended_at", "end_reason", "updated_at"])
    audit.record(actor=actor, action="plan.end_undo", obj=plan, before=before, after={"ended_at": None})
    return plan


@transaction.atomic
def plan_method_change(*, actor, plan, method: str, reason: str) -> Plan:
    """采购方式变更录入 approved: the filed plan's 采购方式 becomes `method` (the procurement's next round uses it);
    also its undo (回第一步) with the old method."""
    if method not in Method.values:
        raise FieldErrors({"procurement_method": "请选择采购方式。"})
    plan = _lock_filed(plan)
    before = {"procurement_method": plan.procurement_method}
    plan.procurement_method = method
    plan.save(update_fields=["procurement_method", "updated_at"])
    audit.record(actor=actor, action="plan.method_change", obj=plan, before=before,
                 after={"procurement_method": method, "reason": (reason or "").strip()})
    return plan
