"""Pages of 采购项目执行: 待受理 plans, 受理 (with 分包), the execution list and its detail page, on which the
announcement, result, failure and challenge apps add their panels (trading.panels)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from access import rights
from access.decorators import requires
from core.errors import BusinessError, FieldErrors, NotAllowed
from core.listing import Column, ListSpec, Tab, render_list

from . import selectors, services
from .forms import LOT_TABLE, lot_groups
from .models import ProcurementStatus


def _detail(p):
    return reverse("trading:detail", args=[p.pk])


def _plan_link(p):
    return reverse("plans:detail", args=[p.pk])


AWAITING = ListSpec(
    title="采购计划受理", breadcrumb=["采购执行", "采购计划受理"], export_name="待受理采购计划",
    columns=[Column("计划编号", "number", link=_plan_link), Column("项目名称", "name"), Column("采购单位", "unit.name"),
             Column("计划金额（元）", "total_amount", kind="money"),
             Column("计划类型", lambda p: p.get_plan_type_display()),
             Column("采购方式", lambda p: p.get_procurement_method_display()),
             Column("组织形式", lambda p: p.get_organization_form_display()),
             Column("备案时间", "approved_at", kind="datetime")],
    row_actions=lambda request, p: [("受理", reverse("trading:accept", args=[p.pk]))],
    ordering=("-id",))

PROCUREMENTS = ListSpec(
    title="采购项目执行", breadcrumb=["采购执行", "采购项目执行"], export_name="采购项目执行",
    columns=[Column("采购编号", "number", link=_detail), Column("项目名称", "name"), Column("采购单位", "unit.name"),
             Column("组织单位", "organizer.name"), Column("预算金额（元）", "budget", kind="money"),
             Column("采购方式", "method_text"), Column("轮次", "round"),
             Column("状态", "status_text", kind="status"), Column("受理时间", "accepted_at", kind="datetime")],
    # 全部 first: an agency whose projects are all finished does not open on an empty tab
    tabs=[Tab("all", "全部", Q()),
          Tab("accepted", "已受理", Q(status=ProcurementStatus.ACCEPTED)),
          Tab("in_progress", "采购中", Q(status=ProcurementStatus.IN_PROGRESS)),
          Tab("failed", "流标/废标", Q(status=ProcurementStatus.FAILED)),
          Tab("finished", "已完成", Q(status=ProcurementStatus.FINISHED)),
          Tab("terminated", "已终止", Q(status=ProcurementStatus.TERMINATED))],
    ordering=("-id",))


@requires(rights.may_accept_plans)
def awaiting_list(request):
    return render_list(request, selectors.awaiting(request.user), AWAITING)


@requires(rights.may_accept_plans)
def accept(request, plan_id: int):
    plan = selectors.awaiting_plan(request.user, plan_id)
    if plan is None:
        raise Http404("记录不存在或不在您的权限范围内")
    lines = selectors.plan_lines(plan)
    rows = ([{"name": plan.name, "lines": ",".join(str(ln.seq) for ln in lines)}] if request.method != "POST"
            else LOT_TABLE.rows_from(request.POST))
    errors: dict = {}
    if request.method == "POST":
        try:
            groups = lot_groups(LOT_TABLE.clean(rows))
            proc = services.procurement_accept(actor=request.user, plan=plan, lots=groups)
        except FieldErrors as exc:
            errors = exc.errors
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except BusinessError as exc:
            errors = {"lots": exc.message}
        else:
            messages.success(request, f"已受理，采购编号 {proc.number}。")
            return redirect(_detail(proc))
    return render(request, "trading/accept.html", {"plan": plan, "lines": lines, "table": LOT_TABLE, "rows": rows,
                                                   "errors": errors})


@requires(rights.may_view_procurements)
def procurement_list(request):
    return render_list(request, selectors.visible(request.user), PROCUREMENTS)


@requires(rights.may_view_procurements)
def procurement_detail(request, pk: int):
    proc = selectors.get(request.user, pk)
    return render(request, "trading/detail.html", {
        "procurement": proc, "lots": selectors.lots(proc), "lot_lines": selectors.lot_lines(proc),
        "suspension": services.suspension_refusal(proc), "is_organizer": rights.is_organizer_of(request.user, proc),
        "panels": selectors.detail_panels(request, proc)})
