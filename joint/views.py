"""The invited unit's pages (FJ 2.1.3): the popup on 采购项目立项 → 新增, 不响应, the 响应 form, the invitation.
The lead's pages are the kit's (docs.JOINT)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from access import rights
from attachments.selectors import attachments_for
from core.errors import BusinessError, FieldErrors, NotAllowed
from projects import selectors as project_selectors
from workflow.kit import editing

from . import selectors, services
from .forms import RespondForm


def chooser(request) -> str:
    """The §2.1.3 popup's HTML, drawn into projects' 新增 page (projects.services calls it through the hook)."""
    return render_to_string("joint/_popup.html", {"invitations": selectors.open_invitations(request.user)},
                            request=request)


@login_required
def invitation(request, pk):
    """The invited unit reads the joint project it is asked to answer, and its own answer."""
    r = selectors.get_response(request.user, pk)
    return render(request, "joint/invitation.html", {
        "r": r, "joint": r.joint, "lines": selectors.lines(r.joint), "state": selectors.response_state(r),
        "attachments": attachments_for(request.user, r.joint) if r.joint.unit_id == request.user.unit_id else [],
        "may_answer": rights.is_clerk(request.user) and r.unit_id == request.user.unit_id and r.joint.is_open})


@login_required
@require_POST
def decline(request, pk):
    r = selectors.get_response(request.user, pk)
    try:
        services.joint_decline(actor=request.user, response=r, reason=request.POST.get("reason", ""))
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except FieldErrors as exc:
        messages.error(request, "；".join(exc.errors.values()))
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已选择不响应「{r.joint.name}」。")
    return redirect("projects:new_choose")


def _values(r):
    p = r.project
    if p is not None:
        return ({"name": p.name, "summary": p.summary, "demand_summary": p.demand_summary,
                 "contact_name": p.contact_name, "contact_phone": p.contact_phone},
                {ln.joint_line_id: (f"{ln.quantity.normalize():f}" if ln.joint_line.category.kind == "goods"
                                    else f"{ln.amount:f}") for ln in selectors.response_lines(r).values()},
                [{"indicator": str(f.indicator_id), "amount": f"{f.amount:f}"} for f in project_selectors.fund_lines(p)])
    return ({"name": r.joint.name, "demand_summary": r.joint.demand_summary}, {}, [{}])


def _own_invitation(request, pk):
    """The invitation the user's unit answers: its clerk only."""
    user = request.user
    r = selectors.get_response(user, pk)
    if not (rights.is_clerk(user) and r.unit_id == user.unit_id):
        raise PermissionDenied
    return r


def _takes(r, post) -> dict:
    return {ln.pk: post.get(f"take-{ln.pk}", "") for ln in selectors.lines(r.joint)}


@login_required
def respond(request, pk):
    """响应: the unit's 统招分签采购 project — the joint's lines (goods: 数量; services, works: 总价), its own
    指标 in projects' 项目资金构成 table (live, as on 立项); 保存 or 保存并提交 (both or neither)."""
    user = request.user
    r = _own_invitation(request, pk)
    if r.project is not None and not r.project.is_editable:
        return redirect("projects:detail", pk=r.project.pk)
    errors: dict = {}
    if request.method == "POST":
        form = RespondForm(request.POST)
        takes = _takes(r, request.POST)
        funds = project_selectors.posted_fund_lines(request.POST)
        submit = bool(request.POST.get("submit"))
        if form.is_valid():
            try:
                project = editing.save_and_submit(lambda: services.joint_respond(
                    actor=user, response=r, data=form.cleaned_data, takes=takes, fund_lines=funds,
                    version=request.POST.get("version") or None), actor=user, submit=submit)
            except FieldErrors as exc:
                errors = exc.errors
                form.add_service_errors({k: v for k, v in exc.errors.items() if k in form.fields})
            except NotAllowed as exc:
                raise PermissionDenied(exc.message) from exc
            except BusinessError as exc:
                errors = {"__all__": exc.message}
            else:
                messages.success(request, "已提交，等待审核岗审核。" if submit else "已保存。")
                return redirect("projects:detail", pk=project.pk)
    else:
        values, takes, funds = _values(r)
        form = RespondForm(initial={"contact_name": user.full_name, "contact_phone": user.phone or "", **values})
    return render(request, "joint/respond.html", {
        "r": r, "joint": r.joint, "form": form, "errors": errors, "summary": list(errors.values()),
        "lines": [{"ln": ln, "value": takes.get(ln.pk, ""), "error": errors.get(f"take.{ln.pk}", ""),
                   "goods": ln.category.kind == "goods"} for ln in selectors.lines(r.joint)],
        "fund": project_selectors.fund_table(user.unit, funds or [{}], services.takes_total(r, takes))})


@login_required
@require_POST
def respond_money_check(request, pk):
    """htmx: the computed cells of the posted 响应 form's 项目资金构成 — 可用金额, 使用后剩余 (over-use with the
    save's message), 资金合计 against the 项目金额 of the typed lines — by projects' own computation, as on 立项."""
    r = _own_invitation(request, pk)
    total = services.takes_total(r, _takes(r, request.POST))
    return render(request, "partials/line_cells.html",
                  {"tables": [project_selectors.fund_live(request.user.unit, request.POST, total)]})
