"""采购意向公开发布 (the clerk's list of approved intentions: 发布 / 撤销) and the public pages (no login)."""

from django import forms
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from access import rights
from access.decorators import requires
from core.forms import Form
from core.listing import Column, ListSpec, Tab, render_list
from workflow import engine
from workflow.models import Status

from . import selectors
from .docs import INTENTION


class TitleFilter(Form):
    title = forms.CharField(label="标题", required=False, max_length=100)


def _title(qs, data):
    return qs.filter(title__contains=data["title"].strip()) if data.get("title") else qs


def _ops(request, doc):
    ops = [("查看", INTENTION.url("detail", doc.pk), "")]
    can = engine.available_actions(request.user, doc)
    if "publish" in can:
        ops.append(("发布", INTENTION.url("action", doc.pk, "publish"), "post"))
    if "revoke" in can:
        ops.append(("撤销", INTENTION.url("action", doc.pk, "revoke"), "reason"))
    return ops


@requires(rights.may_publish_intentions)
def publish_list(request):
    """采购意向公开发布: tabs 待发布 / 已发布, with 发布 and 撤销 on each 待发布 row."""
    spec = ListSpec(
        title="采购意向公开发布", breadcrumb=["采购意向公开", "采购意向公开发布"], export_name="采购意向公开发布",
        columns=[Column("单据编号", "number", link=lambda d: INTENTION.url("detail", d.pk)), Column("标题", "title"),
                 Column("单位", "unit.name"), Column("办结时间", "approved_at", kind="datetime"),
                 Column("发布时间", "published_at", kind="datetime")],
        tabs=[Tab("publish", "待发布", Q(stage="publish")), Tab("published", "已发布", Q(stage=selectors.PUBLISHED))],
        form_class=TitleFilter, apply_filters=_title, row_actions=_ops, ordering=("-id",))
    qs = INTENTION.visible(request.user).filter(status=Status.APPROVED)
    return render_list(request, qs, spec, template="intentions/publish_list.html")


# ---- public: published intentions only, no login ----------------------------------------------------------


class PublicSearch(Form):
    q = forms.CharField(label="项目名称或采购单位", required=False, max_length=100)


def _public_url(line) -> str:
    return reverse("intentions_public:detail", args=[line.intention_id])


PUBLIC_SPEC = ListSpec(
    title="采购意向公开", breadcrumb=["政府采购信息公开", "采购意向公开"],
    columns=[Column("采购项目名称", "name", link=_public_url), Column("采购单位", "intention.unit.name"),
             Column("预算金额（元）", "budget_amount", kind="money"),
             Column("预计采购时间", lambda ln: f"{ln.expected_month:%Y-%m}"),
             Column("发布时间", "intention.published_at", kind="datetime")],
    form_class=PublicSearch, apply_filters=selectors.search_published,
    row_actions=lambda request, line: [("查看", _public_url(line))],
    ordering=("-intention__published_at", "-id"))


def public_list(request):
    if request.GET.get("export"):  # the public reads pages; exports are for signed-in users
        raise Http404
    return render_list(request, selectors.published_lines(), PUBLIC_SPEC, template="intentions/public_list.html")


def public_detail(request, pk):
    doc = selectors.published_intention(pk)
    return render(request, "intentions/public_detail.html", {"doc": doc, "lines": selectors.lines_of(doc)})
