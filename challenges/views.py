"""Pages of 质疑与投诉: the supplier's 质疑与投诉 (its own only) and 质疑答复通知, the organizer's and purchaser's
质疑答复, the regulator's 投诉处理 (region-scoped), and the detail pages whose forms post to the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_POST

from access import rights
from access.decorators import requires
from attachments import selectors as attachment_selectors
from core.errors import BusinessError, FieldErrors, NotAllowed
from core.listing import Column, ListSpec, Tab, render_list

from . import selectors, services
from .forms import (
    NOT_REGISTERED,
    AnswerForm,
    ChallengeForm,
    ComplaintFilterForm,
    ComplaintForm,
    DecideForm,
    SuspendForm,
    WithdrawForm,
    filter_complaints,
)
from .models import OPEN_COMPLAINT, ChallengeStatus, ComplaintStatus


def _challenge_url(ch):
    return reverse("challenges:detail", args=[ch.pk])


def _complaint_url(c):
    return reverse("challenges:complaint_detail", args=[c.pk])


def _complaint_text(ch):
    c = ch.complaint if hasattr(ch, "complaint") else None
    return f"{c.number}（{c.status_text}）" if c else ""


CHALLENGE_COLUMNS = [
    Column("质疑编号", "number", link=_challenge_url), Column("采购编号", "procurement.number"),
    Column("项目名称", "procurement.name"), Column("质疑事项", lambda c: c.get_subject_display()),
    Column("质疑时间", "filed_at", kind="datetime"), Column("答复期限", "answer_due", kind="date"),
    Column("状态", "status_text", kind="status")]
CHALLENGE_TABS = [Tab("submitted", "待答复", Q(status=ChallengeStatus.SUBMITTED)),
                  Tab("answered", "已答复", Q(status=ChallengeStatus.ANSWERED))]

MINE = ListSpec(
    title="质疑与投诉", breadcrumb=["供应商", "质疑与投诉"], export_name="质疑与投诉",
    columns=[*CHALLENGE_COLUMNS, Column("投诉", _complaint_text)],
    tabs=[*CHALLENGE_TABS, Tab("complained", "已投诉", Q(complaint__isnull=False)), Tab("all", "全部", Q())],
    toolbar=[("提出质疑", reverse_lazy("challenges:new"))], ordering=("-id",))

ANSWERS = ListSpec(
    title="质疑答复", breadcrumb=["采购执行", "质疑答复"], export_name="质疑答复",
    columns=[*CHALLENGE_COLUMNS[:3], Column("质疑供应商", "supplier.name"), *CHALLENGE_COLUMNS[3:]],
    tabs=[*CHALLENGE_TABS, Tab("all", "全部", Q())],
    row_actions=lambda request, ch: [("查看", _challenge_url(ch))]
    + ([("答复", _challenge_url(ch) + "#answer")] if ch.status == ChallengeStatus.SUBMITTED
       and rights.may_answer_challenge(request.user, ch) else []),
    ordering=("-id",))

NOTICES = ListSpec(
    title="质疑答复通知", breadcrumb=["供应商", "质疑答复通知"], export_name="质疑答复通知",
    columns=[Column("质疑编号", "challenge.number"), Column("采购编号", "challenge.procurement.number"),
             Column("项目名称", "challenge.procurement.name"),
             Column("质疑事项", lambda n: n.challenge.get_subject_display()), Column("答复内容", "challenge.answer"),
             Column("通知时间", "sent_at", kind="datetime")],
    ordering=("-id",))

COMPLAINTS = ListSpec(
    title="投诉处理", breadcrumb=["政府采购", "投诉处理"], export_name="投诉处理",
    columns=[Column("投诉编号", "number", link=_complaint_url), Column("采购编号", "procurement.number"),
             Column("项目名称", "procurement.name"), Column("采购单位", "unit.name"), Column("投诉人", "supplier.name"),
             Column("投诉时间", "filed_at", kind="datetime"), Column("处理期限", "decision_due", kind="date"),
             Column("暂停至", "suspended_until", kind="date"), Column("状态", "status_text", kind="status"),
             Column("处理结果", lambda c: c.get_outcome_display())],
    tabs=[Tab("todo", "待处理", Q(status__in=OPEN_COMPLAINT)),
          Tab("done", "已办结", Q(status__in=(ComplaintStatus.DECIDED, ComplaintStatus.WITHDRAWN))),
          Tab("all", "全部", Q())],
    form_class=ComplaintFilterForm, apply_filters=filter_complaints,
    row_actions=lambda request, c: [("办理" if c.is_open and rights.may_decide_complaint(request.user, c) else "查看",
                                     _complaint_url(c))],
    ordering=("-id",))


def _sees_challenges(user) -> bool:
    return (rights.may_file_challenges(user) or rights.may_view_challenge_answers(user)
            or rights.may_handle_complaints(user))


def _apply(request, form, call, done: str):
    """Run a service with the form's data: errors beside the fields, a refusal of the right is 403."""
    if not form.is_valid():
        return None
    try:
        result = call(form.cleaned_data)
    except FieldErrors as exc:
        form.add_service_errors(exc.errors)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except BusinessError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    else:
        messages.success(request, done)
        return result
    return None


# ---- lists ----------------------------------------------------------------------------------------------------


@requires(rights.may_file_challenges)
def mine(request):
    return render_list(request, selectors.filed_by_me(request.user), MINE)


@requires(rights.may_file_challenges)
def notices(request):
    return render_list(request, selectors.notices_for(request.user), NOTICES)


@requires(rights.may_view_challenge_answers)
def answers(request):
    return render_list(request, selectors.to_answer(request.user), ANSWERS)


@requires(rights.may_handle_complaints)
def complaints(request):
    return render_list(request, selectors.region_complaints(request.user), COMPLAINTS)


# ---- 质疑 ------------------------------------------------------------------------------------------------------


@requires(rights.may_file_challenges)
def new(request):
    form = ChallengeForm(request.POST or None, request.FILES or None, user=request.user,
                         initial={"procurement_number": request.GET.get("procurement", "")[:40]})
    if request.method == "POST" and form.is_valid():
        proc = selectors.procurement_for_filing(request.user, form.cleaned_data["procurement_number"])
        if proc is None:
            form.add_error("procurement_number", NOT_REGISTERED)
        else:
            ch = _apply(request, form, lambda d: services.challenge_create(
                actor=request.user, procurement=proc, subject=d["subject"], known_on=d["known_on"],
                claims=d["claims"], facts=d["facts"], files=[d["evidence"]] if d.get("evidence") else []),
                "质疑已提交。")
            if ch is not None:
                return redirect(_challenge_url(ch))
    return render(request, "challenges/new.html", {"form": form})


def _back(user) -> str:
    if rights.may_file_challenges(user):
        return reverse("challenges:mine")
    if rights.may_handle_complaints(user):
        return reverse("challenges:complaints")
    return reverse("challenges:answers")


def _challenge_page(request, ch, *, answer_form=None, status=200):
    ctx = {"back": _back(request.user), "ch": ch, "attachments": attachment_selectors.attachments_for(request.user, ch),
           "answer_form": answer_form or AnswerForm(), **selectors.challenge_actions(request.user, ch)}
    return render(request, "challenges/detail.html", ctx, status=status)


@login_required
def detail(request, pk: int):
    ch = selectors.get_challenge(request.user, pk)
    if not _sees_challenges(request.user):
        raise PermissionDenied
    return _challenge_page(request, ch)


@login_required
@require_POST
def answer(request, pk: int):
    ch = selectors.get_challenge(request.user, pk)
    form = AnswerForm(request.POST)
    done = _apply(request, form, lambda d: services.challenge_answer(
        actor=request.user, challenge=ch, answer=d["answer"], no_secrets=d["no_secrets"]),
        "已答复，并已通知质疑供应商和本轮全部报名供应商。")
    if done is not None:
        return redirect(_challenge_url(ch))
    return _challenge_page(request, ch, answer_form=form, status=422)


@login_required
def complain(request, pk: int):
    ch = selectors.get_challenge(request.user, pk)
    if not rights.is_challenger_of(request.user, ch):
        raise PermissionDenied
    form = ComplaintForm(request.POST or None)
    if request.method == "POST":
        c = _apply(request, form, lambda d: services.complaint_create(
            actor=request.user, challenge=ch, claims=d["claims"], facts=d["facts"]), "投诉已提交。")
        if c is not None:
            return redirect(_complaint_url(c))
    return render(request, "challenges/complain.html", {"ch": ch, "form": form,
                                                        "window": selectors.complaint_window(ch)})


# ---- 投诉 ------------------------------------------------------------------------------------------------------


def _complaint_page(request, c, forms=None, status=200):
    forms = forms or {}
    ctx = {"back": _back(request.user), "c": c, "ch": c.challenge, "suspend_form": forms.get("suspend") or SuspendForm(),
           "decide_form": forms.get("decide") or DecideForm(), "withdraw_form": forms.get("withdraw") or WithdrawForm(),
           **selectors.complaint_actions(request.user, c)}
    return render(request, "challenges/complaint_detail.html", ctx, status=status)


@login_required
def complaint_detail(request, pk: int):
    c = selectors.get_complaint(request.user, pk)
    if not _sees_challenges(request.user):
        raise PermissionDenied
    return _complaint_page(request, c)


def _complaint_post(request, pk, key, form_class, call, done):
    c = selectors.get_complaint(request.user, pk)
    form = form_class(request.POST)
    if _apply(request, form, lambda d: call(c, d), done) is not None:
        return redirect(_complaint_url(c))
    return _complaint_page(request, c, {key: form}, status=422)


@login_required
@require_POST
def complaint_accept(request, pk: int):
    c = selectors.get_complaint(request.user, pk)
    try:
        services.complaint_accept(actor=request.user, complaint=c)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已受理。")
    return redirect(_complaint_url(c))


@login_required
@require_POST
def complaint_suspend(request, pk: int):
    return _complaint_post(request, pk, "suspend", SuspendForm, lambda c, d: services.complaint_suspend(
        actor=request.user, complaint=c, until=d["until"], reason=d["reason"]), "已通知暂停采购活动。")


@login_required
@require_POST
def complaint_decide(request, pk: int):
    return _complaint_post(request, pk, "decide", DecideForm, lambda c, d: services.complaint_decide(
        actor=request.user, complaint=c, outcome=d["outcome"], reasons=d["reasons"]), "已作出处理决定。")


@login_required
@require_POST
def complaint_withdraw(request, pk: int):
    return _complaint_post(request, pk, "withdraw", WithdrawForm, lambda c, d: services.complaint_withdraw(
        actor=request.user, complaint=c, reason=d["reason"]), "投诉已撤回。")
