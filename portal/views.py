from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from access import rights
from access.decorators import requires
from core.errors import FieldErrors
from core.forms import Form
from core.listing import Column, ListSpec, render_list
from orgs import services as orgs_services
from orgs.forms import PasswordChangeForm
from workflow.selectors import inbox_counts

from . import selectors, services


@requires(rights.is_authenticated)
def workbench(request):
    return render(request, "portal/workbench.html", {
        "inbox": inbox_counts(request.user),
        "todo": selectors.todo_items(request.user),
        "bulletins": selectors.bulletins_for(request.user)[:8],
    })


@requires(rights.is_authenticated)
def bulletin(request, pk):
    item = selectors.bulletins_for(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404("记录不存在或不在您的权限范围内")
    return render(request, "portal/bulletin.html", {"item": item})


class BulletinForm(Form):  # core's base form: Chinese messages
    title = forms.CharField(label="标题", max_length=100)
    body = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 8}))


@requires(rights.may_publish_bulletins)
def bulletin_list(request):
    spec = ListSpec(
        title="通知公告", breadcrumb=["系统管理", "通知公告"], export_name="通知公告",
        columns=[Column("标题", "title", link=lambda b: reverse("portal:bulletin", args=[b.pk])),
                 Column("发布范围", "region.name"), Column("发布人", "published_by"),
                 Column("发布时间", "published_at", kind="datetime")],
        toolbar=[("发布通知", reverse("portal:bulletin_new"))], ordering=("-published_at", "-id"),
    )
    qs = selectors.bulletins_for(request.user).select_related("region")
    return render_list(request, qs, spec)


@requires(rights.may_publish_bulletins)
def bulletin_new(request):
    form = BulletinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.bulletin_publish(actor=request.user, **form.cleaned_data)
        except FieldErrors as exc:
            for k, v in exc.errors.items():
                form.add_error(k, v)
        else:
            messages.success(request, "通知已发布。")
            return redirect("portal:bulletin_list")
    return render(request, "portal/bulletin_form.html", {"form": form})


@requires(rights.is_authenticated)
def password_change(request):
    """修改密码 (orgs.services.password_change: a wrong old password counts as a login failure)."""
    form = PasswordChangeForm(request.POST or None)
    errors = {}
    if request.method == "POST" and form.is_valid():
        try:
            orgs_services.password_change(actor=request.user, ip=request.META.get("REMOTE_ADDR"),
                                          **form.cleaned_data)
        except FieldErrors as exc:
            errors = exc.errors
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, "密码已修改。")
            return redirect("portal:workbench")
    return render(request, "portal/password_change.html", {"form": form, "errors": errors})
