"""The pages the kit does not make: 新增 (the type, then 【+选择采购项目】), the agency's 采购计划接收 and the
regulator's 化整为零预警 and 计划管理 lists (one view per declaration of plans/lists.py)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from access import rights
from access.decorators import requires
from core.errors import BusinessError, FieldErrors
from core.listing import Column, ListSpec, render_list

from . import selectors, services
from .docs import PLAN
from .lists import RegionList
from .models import PlanType

TYPE_GROUPS = [("项目采购", [PlanType.GENERAL]), ("网上超市", [PlanType.MALL]),
               ("其他采购", [PlanType.RENEWAL, PlanType.SELF]), ("统招分签", [PlanType.JOINT])]
TYPE_LABEL = {PlanType.JOINT: "统招分签采购"}  # FJ 4.1.4: 统招分签 → 统招分签采购
TYPE_HELP = {PlanType.GENERAL: "一般项目采购：实施形式为一般项目采购的项目。",
             PlanType.MALL: "网上超市采购：选择项目采购内容清单中的一条明细，生成一笔订单。",
             PlanType.RENEWAL: "合同续签：服务类一签多年项目，须选择原合同。",
             PlanType.SELF: "自行采购：未达到分散采购限额的非政府采购项目。",
             PlanType.JOINT: "统招分签采购：选择本单位牵头、已归集的统招分签项目。"}


@requires(rights.may_start_plan)
def plan_new_choose(request):
    groups = [(g, [{"code": t, "label": TYPE_LABEL.get(t, PlanType(t).label.split("·")[-1]), "help": TYPE_HELP[t]}
                   for t in types]) for g, types in TYPE_GROUPS]
    return render(request, "plans/choose.html", {"groups": groups, "dt": PLAN})


def _posted_id(request, name) -> int | None:
    text = (request.POST.get(name) or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


@requires(rights.may_start_plan)
@require_http_methods(["GET", "POST"])
def plan_pick(request, plan_type):
    if plan_type not in PlanType.values:
        raise Http404("计划类型不存在")
    user = request.user
    error = ""
    is_joint = plan_type == PlanType.JOINT
    if request.method == "POST":
        pk = _posted_id(request, "project") or 0
        if is_joint:
            start = {"joint": selectors.pickable_joints(user).filter(pk=pk).first()}
        else:
            start = {"project": selectors.pickable_projects(user, plan_type).filter(pk=pk).first(),
                     "mall_line": _posted_id(request, "mall_line")}
        try:
            plan = services.plan_start(actor=user, plan_type=plan_type, **start)
        except BusinessError as exc:
            error = "；".join(exc.errors.values()) if isinstance(exc, FieldErrors) else exc.message
        else:
            messages.success(request, "已选择采购项目，请完善组织实施方案、执行相关政策和项目联系方式。")
            return redirect(PLAN.url("edit", plan.pk))
    if is_joint:
        projects = selectors.joint_summaries(user, selectors.pickable_joints(user)[:200])
    else:
        projects = list(selectors.pickable_projects(user, plan_type)[:200])
    if plan_type == PlanType.MALL:
        for p in projects:
            p.free_lines = selectors.free_mall_lines(p)
    return render(request, "plans/pick.html", {
        "dt": PLAN, "plan_type": plan_type, "type_label": PlanType(plan_type).label, "projects": projects,
        "error": error, "is_mall": plan_type == PlanType.MALL, "is_joint": is_joint})


def _plan_link(p):
    return PLAN.url("detail", p.pk)


ENTRUSTED = ListSpec(
    title="采购计划接收", breadcrumb=["采购计划管理", "采购计划接收"], export_name="委托采购计划",
    columns=[Column("计划编号", "number", link=_plan_link), Column("项目名称", "name"), Column("采购单位", "unit.name"),
             Column("计划金额（元）", "total_amount", kind="money"),
             Column("采购方式", lambda p: p.get_procurement_method_display()),
             Column("组织形式", lambda p: p.get_organization_form_display()),
             Column("状态", "status_text", kind="status"), Column("备案时间", "approved_at", kind="datetime")],
    # 受理 where the plan awaits it (not revoked, not taken up: trading holds a plan it took up)
    row_actions=lambda request, p: ([("受理", reverse("trading:accept", args=[p.pk]))]
                                    if p.revoked_at is None and services.holder_refusal(p) is None else []),
    ordering=("-id",))


@requires(rights.may_view_entrusted_plans)
def entrusted_list(request):
    return render_list(request, selectors.entrusted(request.user), ENTRUSTED)


SPLIT = ListSpec(
    title="化整为零预警", breadcrumb=["政府采购", "计划管理", "化整为零预警"], export_name="化整为零预警",
    columns=[Column("预警时间", "created_at", kind="datetime"), Column("采购单位", "unit.name"),
             Column("采购计划", "target_label",
                    link=lambda w: PLAN.url("detail", int(w.target.rsplit(":", 1)[1]))),
             Column("预警内容", "message"), Column("依据", "basis")],
    ordering=("-id",))


@requires(rights.may_supervise_plans)
def split_warning_list(request):
    return render_list(request, selectors.split_warnings(request.user), SPLIT)


def region_view(page: RegionList):
    """The page of one 计划管理 list: the region's submitted plans it covers, through the list pipeline."""
    spec = page.spec()

    @requires(rights.may_supervise_plans)
    def view(request):
        return render_list(request, selectors.region_plans(request.user).filter(page.base), spec,
                           extra={"help": page.help})

    view.__name__ = view.__qualname__ = f"region_{page.code}"
    return view
