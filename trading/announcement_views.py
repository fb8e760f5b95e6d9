"""Pages around 采购公告 that the kit does not make: the suppliers' 采购公告报名 and 我的报名, the regulator's
公告及文件查看 and 查询 → 供应商报名, the 采购文件 downloads, and the public page /portal/trading/ (no login)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from access import rights
from access.decorators import requires
from attachments.views import file_response
from core.errors import BusinessError, FieldErrors, NotAllowed
from core.forms import Form
from core.listing import Column, ListSpec, Tab, render_list

from . import notices, selectors, services
from .docs import ANNOUNCEMENT
from .models import AnnouncementKind


def _doc_url(d):
    return ANNOUNCEMENT.url("detail", d.pk)


def _public_url(d):
    return reverse("trading_public:detail", args=[d.pk])


class TextFilter(Form):
    q = forms.CharField(label="项目名称或采购编号", required=False, max_length=100)


def _search(qs, data, prefix="procurement__"):
    text = (data.get("q") or "").strip()
    if text:
        qs = qs.filter(Q(**{f"{prefix}name__contains": text}) | Q(**{f"{prefix}number__startswith": text}))
    return qs


# ---- 供应商: 采购公告报名, 我的报名 -----------------------------------------------------------------------------

OPEN = ListSpec(
    title="采购公告报名", breadcrumb=["供应商", "采购公告报名"], export_name="可报名采购公告",
    columns=[Column("采购编号", "procurement.number"), Column("公告标题", "title", link=_public_url),
             Column("采购单位", "unit.name"), Column("组织单位", "organizer.name"), Column("采购方式", "method_text"),
             Column("采购文件获取", lambda d: f"{d.docs_start:%Y-%m-%d} 至 {d.docs_end:%Y-%m-%d}" if d.docs_start else ""),
             Column("投标（响应）截止", "deadline", kind="datetime")],
    form_class=TextFilter, apply_filters=_search,
    row_actions=lambda request, d: [("报名", reverse("trading:register", args=[d.pk]))],
    ordering=("-published_at", "-id"))


@requires(rights.in_supplier_unit)
def open_announcements(request):
    return render_list(request, selectors.open_announcements(), OPEN)


class RegistrationForm(Form):
    lot = forms.ChoiceField(label="报名采购包", required=False, choices=[])
    contact_name = forms.CharField(label="联系人", max_length=30)
    contact_phone = forms.CharField(label="联系电话", max_length=30)

    def __init__(self, *args, lots=(), **kwargs):
        super().__init__(*args, **kwargs)
        if len(lots) > 1:
            self.fields["lot"].choices = [("", "请选择"), *((str(lot.pk), str(lot)) for lot in lots)]
            self.fields["lot"].required = True
        else:
            del self.fields["lot"]


@requires(rights.in_supplier_unit)
def register(request, pk: int):
    doc = selectors.open_announcement(pk)
    proc = doc.procurement
    lots = selectors.open_lots(proc)
    form = RegistrationForm(request.POST or None, lots=lots,
                            initial={"contact_name": request.user.get_full_name() or request.user.username})
    if request.method == "POST" and form.is_valid():
        lot = next((lt for lt in lots if str(lt.pk) == form.cleaned_data.get("lot")), None)
        try:
            services.registration_create(actor=request.user, procurement=proc, lot=lot,
                                         contact_name=form.cleaned_data["contact_name"],
                                         contact_phone=form.cleaned_data["contact_phone"])
        except FieldErrors as exc:
            form.add_service_errors(exc.errors)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except BusinessError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已报名：{proc.name}。")
            return redirect("trading:my_registrations")
    return render(request, "trading/register.html", {"doc": doc, "procurement": proc, "form": form, "lots": lots,
                                                     "deadline": notices.deadline_of(proc)})


MINE = ListSpec(
    title="我的报名", breadcrumb=["供应商", "我的报名"], export_name="我的报名",
    columns=[Column("采购编号", "procurement.number"), Column("项目名称", "procurement.name"),
             Column("采购包", lambda r: str(r.lot) if r.lot_id else "全部包"), Column("轮次", "round"),
             Column("联系人", "contact_name"), Column("联系电话", "contact_phone"),
             Column("报名时间", "registered_at", kind="datetime")],
    form_class=TextFilter, apply_filters=_search, ordering=("-id",))


@requires(rights.in_supplier_unit)
def my_registrations(request):
    return render_list(request, selectors.my_registrations(request.user), MINE)


# ---- 政府采购: 公告及文件查看, 查询 → 供应商报名 ---------------------------------------------------------------------


class RegionFilter(Form):
    q = forms.CharField(label="项目名称或采购编号", required=False, max_length=100)
    unit_name = forms.CharField(label="采购单位", required=False, max_length=100)
    organizer_name = forms.CharField(label="组织单位", required=False, max_length=100)


def _region_search(qs, data):
    qs = _search(qs, data)
    if text := (data.get("unit_name") or "").strip():
        qs = qs.filter(procurement__unit__name__contains=text)
    if text := (data.get("organizer_name") or "").strip():
        qs = qs.filter(procurement__organizer__name__contains=text)
    return qs


REGION_ANNOUNCEMENTS = ListSpec(
    title="采购公告及更正公告", breadcrumb=["政府采购", "公告及文件查看", "采购公告及更正公告"],
    export_name="采购公告及更正公告",
    columns=[Column("公告编号", "number", link=_doc_url), Column("公告类型", "kind_text"), Column("公告标题", "title"),
             Column("采购编号", "procurement.number"), Column("采购单位", "unit.name"),
             Column("组织单位", "organizer.name"), Column("采购方式", "method_text"),
             Column("投标（响应）截止", "bid_deadline", kind="datetime"), Column("状态", "status_text", kind="status"),
             Column("发布时间", "published_at", kind="datetime")],
    tabs=[Tab("purchase", "采购公告", Q(kind=AnnouncementKind.PURCHASE, stage=notices.PUBLISHED)),
          Tab("correction", "更正公告", Q(kind=AnnouncementKind.CORRECTION, stage=notices.PUBLISHED)),
          Tab("unpublished", "未发布", ~Q(stage=notices.PUBLISHED)), Tab("all", "全部", Q())],
    form_class=RegionFilter, apply_filters=_region_search, ordering=("-id",))


@requires(rights.may_supervise_trading)
def region_announcements(request):
    return render_list(request, selectors.region_announcements(request.user), REGION_ANNOUNCEMENTS)


REGION_REGISTRATIONS = ListSpec(
    title="供应商报名", breadcrumb=["政府采购", "查询", "供应商报名"], export_name="供应商报名",
    columns=[Column("采购编号", "procurement.number", link=lambda r: reverse("trading:detail", args=[r.procurement_id])),
             Column("项目名称", "procurement.name"), Column("采购单位", "procurement.unit.name"),
             Column("供应商", "supplier.name"), Column("采购包", lambda r: str(r.lot) if r.lot_id else "全部包"),
             Column("轮次", "round"), Column("联系人", "contact_name"), Column("联系电话", "contact_phone"),
             Column("报名时间", "registered_at", kind="datetime")],
    tabs=[Tab("active", "有效报名", Q(is_active=True)), Tab("inactive", "已撤回", Q(is_active=False)),
          Tab("all", "全部", Q())],
    form_class=RegionFilter, apply_filters=_region_search, ordering=("-id",))


@requires(rights.may_supervise_trading)
def region_registrations(request):
    return render_list(request, selectors.region_registrations(request.user), REGION_REGISTRATIONS)


# ---- 采购文件 ------------------------------------------------------------------------------------------------


@login_required
@require_GET
def announcement_file(request, att_pk: int):
    """A 采购文件 for whoever sees its announcement (the purchaser confirming it, the regulator, the organizer)."""
    doc = ANNOUNCEMENT.get(request.user, selectors.announcement_id_of_file(att_pk))
    return file_response(selectors.announcement_file(doc, att_pk))


@require_GET
def public_file(request, att_pk: int):
    """The 采购文件 of a published announcement, for everyone."""
    doc = selectors.published_announcement(selectors.announcement_id_of_file(att_pk))
    return file_response(selectors.announcement_file(doc, att_pk))


# ---- public: /portal/trading/ ----------------------------------------------------------------------------------


class PublicSearch(Form):
    q = forms.CharField(label="项目名称或采购单位", required=False, max_length=100)
    kind = forms.ChoiceField(label="公告类型", required=False, choices=[("", "全部"), *AnnouncementKind.choices])


def _public_search(qs, data):
    if text := (data.get("q") or "").strip():
        qs = qs.filter(Q(title__contains=text) | Q(unit__name__contains=text))
    if data.get("kind"):
        qs = qs.filter(kind=data["kind"])
    return qs


PUBLIC_SPEC = ListSpec(
    title="采购公告", breadcrumb=["政府采购信息公开", "采购公告"],
    columns=[Column("公告标题", "title", link=_public_url), Column("公告类型", "kind_text"),
             Column("采购单位", "unit.name"), Column("组织单位", "organizer.name"), Column("采购方式", "method_text"),
             Column("发布时间", "published_at", kind="datetime")],
    form_class=PublicSearch, apply_filters=_public_search,
    row_actions=lambda request, d: [("查看", _public_url(d))], ordering=("-published_at", "-id"))


def public_list(request):
    if request.GET.get("export"):  # the public reads pages; exports are for signed-in users
        raise Http404
    return render_list(request, selectors.published_announcements(), PUBLIC_SPEC,
                       template="trading/public_list.html")


def public_detail(request, pk: int):
    doc = selectors.published_announcement(pk)
    proc = doc.procurement
    return render(request, "trading/public_detail.html", {
        "doc": doc, "procurement": proc, "lots": selectors.lots(proc), "files": selectors.announcement_files(doc),
        "corrections": list(selectors.published_announcements().filter(corrects=doc).order_by("published_at")),
        "deadline": notices.deadline_of(proc) if doc.round == proc.round else doc.bid_deadline})
