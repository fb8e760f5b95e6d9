"""The pages the kit does not make: 流标/废标 from the 采购项目执行 page, the purchaser's step (采购计划终止 /
采购方式变更录入, FJ 4.3–4.4) and its lists, and the regulator's 招标方式 / 非招标方式（废标）处理 (JX 异常处理) with
回第一步 for the rows ticked."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from access import rights
from access.decorators import requires
from core.errors import BusinessError, FieldErrors, NotAllowed
from core.forms import Form
from core.listing import Column, ListSpec, Tab, render_list
from trading import selectors as trading_selectors
from workflow import engine
from workflow.kit.documents import inbox_tabs
from workflow.models import Status

from . import selectors, services
from .docs import FLOW, HANDLING
from .models import HandlingKind


def _detail(doc) -> str:
    return HANDLING.url("detail", doc.pk)


def _node(doc) -> str:
    return FLOW.node(doc.current_node).label if doc.status == Status.PENDING and doc.current_node else ""


# ---- 流标/废标 (from the 采购项目执行 page) ------------------------------------------------------------------------


@require_POST
def declare(request, pk: int):
    proc = trading_selectors.get(request.user, pk)  # outside the user's scope: 404
    if not rights.is_organizer_of(request.user, proc):
        raise PermissionDenied
    try:
        services.failure_declare(actor=request.user, procurement=proc, lot_ids=request.POST.getlist("lot_ids"),
                                 reason=request.POST.get("reason") or "",
                                 explanation=request.POST.get("explanation") or "", file=request.FILES.get("file"))
    except FieldErrors as exc:
        for msg in exc.errors.values():
            messages.error(request, msg)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已登记流标/废标。请发起废标处理（重新招标、终止或变更采购方式）。")
    return redirect(reverse("trading:detail", args=[proc.pk]) + "#panel-failures")


# ---- the purchaser's step ------------------------------------------------------------------------------------------


class PurchaserForm(Form):
    purchaser_note = forms.CharField(label="情况说明", max_length=2000, required=False,
                                     widget=forms.Textarea(attrs={"rows": 4}))
    contact_name = forms.CharField(label="联系人", max_length=30, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=30, required=False)


@requires(rights.may_enter_plan_failures)
@require_http_methods(["GET", "POST"])
def purchaser_step(request, pk: int):
    doc = selectors.get(request.user, pk)
    may_fill = services.at_purchaser_step(request.user, doc)
    initial = {n: getattr(doc, n) for n in services.PURCHASER_FIELDS}
    form = PurchaserForm(request.POST or None, initial=initial)
    form.fields["purchaser_note"].label = services._note_label(doc.kind)
    if request.method == "POST":
        if not may_fill:
            raise PermissionDenied
        submit = bool(request.POST.get("submit"))
        if form.is_valid():
            try:
                services.purchaser_save(actor=request.user, handling=doc, data=form.cleaned_data,
                                        version=request.POST.get("version"), submit=submit)
            except FieldErrors as exc:
                form.add_service_errors(exc.errors)
            except NotAllowed as exc:
                raise PermissionDenied(exc.message) from exc
            except BusinessError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "已提交，等待采购单位审核岗审核。" if submit else "已保存。")
                return redirect(_detail(doc) if submit else reverse("failures:purchaser_step", args=[doc.pk]))
    title = selectors.KIND_PAGES.get(doc.kind, "废标处理")
    return render(request, "failures/purchaser_step.html", {
        "doc": doc, "form": form, "may_fill": may_fill, "title": title, "dt": HANDLING,
        "failures": selectors.detail_context(request.user, doc)["failures"],
        "action_url": HANDLING.url("detail", doc.pk)})


def _purchaser_spec(kind: str, user) -> ListSpec:
    title = selectors.KIND_PAGES[kind]

    def ops(request, doc):
        out = [("查看", _detail(doc))]
        if services.at_purchaser_step(request.user, doc):
            out.insert(0, ("办理", reverse("failures:purchaser_step", args=[doc.pk]), "btn-link strong"))
        elif "approve" in engine.available_actions(request.user, doc):
            out.insert(0, ("审核", _detail(doc)))
        return out

    return ListSpec(
        title=title, breadcrumb=["采购计划管理", title], export_name=title, ordering=("-id",),
        columns=[Column("单据编号", "number", link=_detail), Column("项目名称", "procurement.name"),
                 Column("计划编号", "procurement.plan_number"), Column("组织单位", "organizer.name"),
                 Column("原采购方式", "method_before_text"),
                 *([Column("变更后采购方式", "new_method_text")] if kind == HandlingKind.CHANGE_METHOD else []),
                 Column("预算金额（元）", "amount", kind="money"), Column("当前环节", _node),
                 Column("状态", "status_text", kind="status"), Column("提交时间", "submitted_at", kind="datetime")],
        tabs=inbox_tabs(FLOW)(user), form_class=RegionFilterForm, apply_filters=_filter, row_actions=ops)


def purchaser_list(kind: str):
    help_text = {HandlingKind.TERMINATE: "代理机构已在【流标重招】-【终止】发起申请：请完善终止情况说明和项目联系方式后提交，"
                                         "审核岗审核通过后采购计划终止，采购项目可重新申报或撤销。",
                 HandlingKind.CHANGE_METHOD: "代理机构已在【流标重招】-【变更采购方式】发起申请：请完善变更情况说明和项目联系方式后"
                                             "提交，审核岗审核；达到公开招标数额的须经财政部门确认。"}[kind]

    @requires(rights.may_enter_plan_failures)
    def view(request):
        return render_list(request, selectors.purchaser_rows(request.user, kind), _purchaser_spec(kind, request.user),
                           extra={"help": help_text})

    view.__name__ = view.__qualname__ = f"purchaser_{kind}"
    return view


# ---- the regulator's 异常处理 lists ---------------------------------------------------------------------------------


class RegionFilterForm(Form):
    number = forms.CharField(label="单据编号", required=False, max_length=40)
    name = forms.CharField(label="项目名称", required=False, max_length=200)
    unit_name = forms.CharField(label="采购单位", required=False, max_length=100)
    kind = forms.ChoiceField(label="处理方式", required=False, choices=[("", "全部"), *HandlingKind.choices])


def _filter(qs, data):
    for name, lookup in (("number", "number__startswith"), ("name", "procurement__name__contains"),
                         ("unit_name", "unit__name__contains")):
        if value := (data.get(name) or "").strip():
            qs = qs.filter(**{lookup: value})
    if data.get("kind"):
        qs = qs.filter(kind=data["kind"])
    return qs


REGION_TITLES = {True: "招标方式（废标）处理", False: "非招标方式（废标）处理"}


def _region_spec(tender: bool, user) -> ListSpec:
    title = REGION_TITLES[tender]
    todo = inbox_tabs(FLOW)(user)[0]  # 待处理: the handlings waiting for this user
    return ListSpec(
        title=title, breadcrumb=["政府采购", "异常处理", title], export_name=title, ordering=("-id",),
        columns=[Column("单据编号", "number", link=_detail), Column("项目名称", "procurement.name"),
                 Column("采购编号", "procurement.number"), Column("采购单位", "unit.name"),
                 Column("组织单位", "organizer.name"), Column("原采购方式", "method_before_text"),
                 Column("处理方式", lambda d: d.get_kind_display()), Column("变更后采购方式", "new_method_text"),
                 Column("预算金额（元）", "amount", kind="money"), Column("当前环节", _node),
                 Column("状态", "status_text", kind="status"), Column("办结时间", "approved_at", kind="datetime")],
        tabs=[todo, Tab("approved", "已办结", Q(status=Status.APPROVED)),
              Tab("returned", "已回第一步", Q(last_action="direct", status=Status.DRAFT)), Tab("all", "全部", Q())],
        form_class=RegionFilterForm, apply_filters=_filter, row_actions=_region_ops)


def _region_ops(request, doc):
    ops = [("查看", _detail(doc))]
    if "back_to_first" in engine.available_actions(request.user, doc):  # the template ticks rows marked "back"
        ops.append(("回第一步", _detail(doc) + "#direct-back_to_first", "back"))
    return ops


def region_list(tender: bool):
    @requires(rights.may_supervise_trading)
    def view(request):
        user = request.user
        return render_list(request, selectors.region_rows(user, tender), _region_spec(tender, user),
                           template="failures/region_list.html",
                           extra={"help": "项目废标后的处理：变更采购方式且金额达到公开招标数额标准的，须经财政部门确认后方可重新采购；"
                                          "已办结的废标处理在下一轮采购公告发布前可勾选后“回第一步”，退回组织单位编辑。"})

    view.__name__ = view.__qualname__ = f"region_{'tender' if tender else 'non_tender'}"
    return view


@requires(rights.may_supervise_trading)
@require_POST
def back_many(request):
    """回第一步 of the rows ticked on a 异常处理 list: each through the kit's direct action (scope, right, rule)."""
    reason = (request.POST.get("reason") or "").strip()
    back = request.POST.get("next") or reverse("failures:region_tender")
    if not back.startswith("/failures/"):
        back = reverse("failures:region_tender")
    ids = [int(t) for t in request.POST.getlist("ids") if t.isascii() and t.isdigit() and len(t) < 10]
    if not ids:
        messages.error(request, "请勾选要回第一步的废标处理。")
        return redirect(back)
    if not reason:
        messages.error(request, "请填写回第一步原因。")
        return redirect(back)
    for doc in selectors.visible(request.user).filter(pk__in=ids[:100]):
        if "back_to_first" not in engine.available_actions(request.user, doc):
            messages.error(request, f"{doc.number}：您不能对此单据执行回第一步。")
            continue
        try:
            engine.direct(doc, request.user, "back_to_first", reason=reason)
        except BusinessError as exc:
            messages.error(request, f"{doc.number}：{exc.message}")
        else:
            messages.success(request, f"{doc.number}：已回第一步，退回组织单位编辑。")
    return redirect(back)
