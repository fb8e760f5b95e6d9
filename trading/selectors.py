"""Reads of 采购项目执行, always scoped: the purchaser's staff (and its competent unit, the regulator of its
region) through `unit`; the agency that runs it through `organizer`."""

from django.db.models import Exists, OuterRef, QuerySet

from access.scope import Acting, get_or_404, scoped
from plans import selectors as plan_selectors

from . import notices, panels
from .models import Announcement, Lot, LotLine, LotStatus, Procurement, ProcurementStatus, Registration
from .services import suspension_refusal  # noqa: F401  (a read other apps ask: may results go on?)

SCOPE = ("unit", Acting("organizer"))


def visible(user) -> QuerySet:
    return scoped(Procurement.objects.select_related("unit", "organizer"), user, SCOPE)


def get(user, pk) -> Procurement:
    """The scoped read: outside the user's scope is a 404, like a missing row."""
    return get_or_404(Procurement.objects.select_related("unit", "organizer", "plan"), user, SCOPE, pk=pk)


def awaiting(user) -> QuerySet:
    """待受理: the plans the user's unit executes that are not taken up yet."""
    return plan_selectors.awaiting_execution(user).exclude(
        pk__in=Procurement.objects.values("plan_id")).order_by("-approved_at", "-id")


def awaiting_plan(user, pk):
    return awaiting(user).filter(pk=pk).first()


def plan_lines(plan) -> list:
    return plan_selectors.plan_lines(plan)


def lots(procurement) -> list[Lot]:
    return list(procurement.lots.all())


def lot_lines(procurement) -> dict[int, list[LotLine]]:
    out: dict[int, list[LotLine]] = {}
    for ln in LotLine.objects.filter(lot__procurement=procurement).select_related("category").order_by("lot__seq",
                                                                                                     "seq"):
        out.setdefault(ln.lot_id, []).append(ln)
    return out


def open_lots(procurement) -> list[Lot]:
    return list(procurement.lots.filter(status=LotStatus.OPEN))


def locked(pk: int) -> Procurement:
    """The procurement row-locked in the caller's transaction (select_for_update; SQLite has one writer at a time
    anyway): a rule over its lots — one live result per lot and round — checked and written while it is held."""
    return Procurement.objects.select_for_update(of=("self",)).select_related("unit", "unit__region").get(pk=pk)


def of_plan(plan_id: int) -> Procurement | None:
    return Procurement.objects.filter(plan_id=plan_id).first()


def detail_panels(request, procurement) -> list[dict]:
    return panels.render_all(request, procurement)


def registered_supplier_ids(procurement, round_no: int | None = None) -> set[int]:
    """The suppliers registered (actively) in a round (the current one by default): who is told of answers."""
    return set(Registration.objects.filter(procurement=procurement, is_active=True,
                                           round=round_no or procurement.round).values_list("supplier_id", flat=True))


def is_registered(supplier_unit_id: int, procurement) -> bool:
    return supplier_unit_id in registered_supplier_ids(procurement)


def registered_procurements(user) -> QuerySet:
    """The procurements the user's supplier unit is actively registered for in their current round (what it
    may file a 质疑 on); nothing for a user without a unit."""
    if not user.unit_id:
        return Procurement.objects.none()
    mine = Registration.objects.filter(supplier_id=user.unit_id, is_active=True, procurement_id=OuterRef("pk"),
                                       round=OuterRef("round"))
    return (Procurement.objects.filter(Exists(mine)).select_related("unit", "unit__region")
            .order_by("-accepted_at", "-id"))


# ---- 采购公告 / 更正公告 and 供应商报名 -------------------------------------------------------------------------


def announceable(user) -> QuerySet:
    """The procurements whose announcements the user writes: organised by the user's unit (its agency staff, or
    its clerk when self-organised), accepted or in progress, not 自行采购 and not 单一来源."""
    from access import rights

    if not (rights.in_agency_unit(user) or rights.is_clerk(user)):
        return Procurement.objects.none()
    qs = Procurement.objects.filter(organizer_id=user.unit_id, self_purchase=False,
                                    status__in=[ProcurementStatus.ACCEPTED, ProcurementStatus.IN_PROGRESS]
                                    ).exclude(procurement_method=notices.SINGLE_SOURCE)
    if rights.in_agency_unit(user):
        return qs.filter(self_organized=False).order_by("-id")
    return qs.filter(self_organized=True).order_by("-id")


def announcement_files(doc) -> list:
    """The 采购文件 of an announcement, for whoever may read the announcement (the download checks it again)."""
    from django.contrib.contenttypes.models import ContentType

    from attachments.models import Attachment

    ct = ContentType.objects.get_for_model(Announcement)
    return list(Attachment.objects.filter(content_type=ct, object_id=doc.pk, is_deleted=False)
                .select_related("uploaded_by").order_by("uploaded_at", "id"))


def announcement_id_of_file(att_pk) -> int:
    """The announcement a 采购文件 belongs to (the caller checks that the user may read it), or 404."""
    from django.contrib.contenttypes.models import ContentType
    from django.http import Http404

    from attachments.models import Attachment

    ct = ContentType.objects.get_for_model(Announcement)
    found = Attachment.objects.filter(pk=att_pk, content_type=ct, is_deleted=False).values_list(
        "object_id", flat=True).first()
    if found is None:
        raise Http404("附件不存在")
    return found


def announcement_file(doc, att_pk):
    from django.http import Http404

    found = next((a for a in announcement_files(doc) if a.pk == att_pk), None)
    if found is None:
        raise Http404("附件不存在")
    return found


def announcement_form_context(user, doc) -> dict:
    return {"files": announcement_files(doc) if doc else [], "doc": doc}


def announcement_detail_context(user, doc) -> dict:
    from django.urls import reverse

    published = doc.stage == notices.PUBLISHED
    return {"files": announcement_files(doc), "corrections": list(doc.corrections.filter(stage=notices.PUBLISHED)),
            "public_url": reverse("trading_public:detail", args=[doc.pk]) if published else ""}


def announcements_of(procurement) -> list:
    return list(Announcement.objects.filter(procurement=procurement).exclude(last_action="discard")
                .order_by("round", "id"))


def announcement_panel(request, procurement) -> dict | None:
    """采购公告 on the 采购项目执行 page: the announcements of every round; 新增 for the organizer."""
    from access import rights

    if procurement.self_purchase:
        return None
    from django.urls import reverse

    may_write = rights.is_organizer_of(request.user, procurement)
    new = f"{reverse('announcements:new')}?procurement_id={procurement.pk}&kind="  # the kit's initial_from_query
    return {"announcements": announcements_of(procurement), "may_write": may_write,
            "purchase_url": new + "purchase", "correction_url": new + "correction",
            "purchase_refusal": notices.procurement_refusal(procurement, "purchase"),
            "correction_refusal": notices.procurement_refusal(procurement, "correction"),
            "deadline": notices.deadline_of(procurement)}


def registration_panel(request, procurement) -> dict | None:
    """供应商报名 on the 采购项目执行 page (the organizer, the purchaser and the regulator: whoever sees the page)."""
    if procurement.self_purchase:
        return None
    return {"registrations": list(Registration.objects.filter(procurement=procurement)
                                  .select_related("supplier", "lot", "registered_by").order_by("round", "id"))}


def open_announcements() -> QuerySet:
    """报名: published 采购公告 of the current round whose deadline in force has not passed."""
    return notices.open_for_registration()


def open_announcement(pk) -> Announcement:
    from django.http import Http404

    doc = open_announcements().filter(pk=pk).first() if str(pk).isdigit() else None
    if doc is None:
        raise Http404("公告不存在或已截止报名")
    return doc


def my_registrations(user) -> QuerySet:
    """A supplier's own registrations, nothing else."""
    return (Registration.objects.filter(supplier_id=user.unit_id if user.unit_id else -1)
            .select_related("procurement", "lot", "supplier").order_by("-id"))


def region_registrations(user) -> QuerySet:
    """JX 查询 → 供应商报名: the registrations of the procurements the user sees (a regulator: its region)."""
    return (Registration.objects.filter(procurement__in=visible(user).values("pk"))
            .select_related("procurement", "procurement__unit", "lot", "supplier").order_by("-id"))


def region_announcements(user) -> QuerySet:
    """JX 公告及文件查看: the announcements of the region (scope of the purchaser and the organizer), every stage."""
    from .docs import ANNOUNCEMENT

    return ANNOUNCEMENT.visible(user).exclude(last_action="discard")


# ---- public (no login) -------------------------------------------------------------------------------------


def published_announcements() -> QuerySet:
    return (Announcement.objects.filter(stage=notices.PUBLISHED, status="approved")
            .select_related("unit", "organizer", "procurement").order_by("-published_at", "-id"))


def published_announcement(pk) -> Announcement:
    from django.http import Http404

    doc = published_announcements().filter(pk=pk).first()
    if doc is None:
        raise Http404("记录不存在")
    return doc
