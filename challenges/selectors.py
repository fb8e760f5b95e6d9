"""Reads of 质疑与投诉, always scoped (access.scope):

- the supplier sees the challenges and complaints it filed (its unit = `supplier`), and the answers sent to it;
- the purchaser's staff (and its competent unit) through `unit`, the organizer's staff through `organizer`;
- a regulator through the purchaser's region only (not the supplier's or the agency's region).

Outside that a row is a 404, like a missing one."""

from django.db.models import QuerySet
from django.http import Http404

from access import rights
from access.scope import NOT_FOUND, Acting, is_admin, region_q, scoped, unit_side_q
from trading import selectors as trading_selectors

from .models import Challenge, ChallengeNotice, ChallengeStatus, Complaint, ComplaintStatus
from .services import complaint_window, suspension_limit  # noqa: F401  (reads the pages show)

# the purchaser side and the regulator's region through `unit`; the supplier's and the organizer's own staff
SCOPE = ("unit", Acting("supplier"), Acting("organizer"))


def challenges(user) -> QuerySet:
    return scoped(Challenge.objects.select_related("procurement", "unit", "organizer", "supplier"), user, SCOPE)


def get_challenge(user, pk) -> Challenge:
    try:
        return challenges(user).get(pk=pk)
    except Challenge.DoesNotExist as exc:
        raise Http404(NOT_FOUND) from exc


def filed_by_me(user) -> QuerySet:
    """供应商 → 质疑与投诉: the challenges of the user's supplier unit only."""
    return Challenge.objects.select_related("procurement", "unit", "supplier").filter(supplier_id=user.unit_id)


def to_answer(user) -> QuerySet:
    """采购执行 → 质疑答复: the challenges on what the user's unit buys (its tree for a competent unit) or
    organises."""
    qs = Challenge.objects.select_related("procurement", "unit", "organizer", "supplier")
    return qs.filter(unit_side_q(user, unit_field="unit") | Acting("organizer").q(user))


def notices_for(user) -> QuerySet:
    """质疑答复通知: answers to other suppliers' challenges sent to the user's supplier unit (the answer only)."""
    return (ChallengeNotice.objects.select_related("challenge", "challenge__procurement")
            .filter(supplier_id=user.unit_id).exclude(challenge__supplier_id=user.unit_id))


def complaints(user) -> QuerySet:
    return scoped(Complaint.objects.select_related("procurement", "unit", "supplier", "challenge", "regulator_region"),
                  user, SCOPE)


def get_complaint(user, pk) -> Complaint:
    try:
        return complaints(user).get(pk=pk)
    except Complaint.DoesNotExist as exc:
        raise Http404(NOT_FOUND) from exc


def complaints_filed_by_me(user) -> QuerySet:
    return Complaint.objects.select_related("procurement", "unit", "supplier").filter(supplier_id=user.unit_id)


def region_complaints(user) -> QuerySet:
    """政府采购 → 投诉处理: the complaints about the purchasers of the regulator's region."""
    qs = Complaint.objects.select_related("procurement", "unit", "supplier", "regulator_region")
    return qs if is_admin(user) else qs.filter(region_q(user, Complaint, unit_field="unit"))


def procurement_for_filing(user, number: str):
    """The procurement a supplier picked by its 采购编号 on the 质疑 form: one its unit is registered for in the
    current round (anything else reads as 'not found')."""
    number = (number or "").strip()
    if not number or len(number) > 40:
        return None
    return trading_selectors.registered_procurements(user).filter(number=number).first()


def challenge_actions(user, ch: Challenge) -> dict:
    """What the detail page offers the user, from the same rights the services check."""
    window = complaint_window(ch)
    has_complaint = hasattr(ch, "complaint")
    return {"may_answer": ch.status == ChallengeStatus.SUBMITTED and rights.may_answer_challenge(user, ch),
            "may_complain": (not has_complaint and window[2] is None and rights.is_challenger_of(user, ch)),
            "complaint_window": window, "complaint": ch.complaint if has_complaint else None,
            "is_challenger": rights.is_challenger_of(user, ch)}


def complaint_actions(user, c: Complaint) -> dict:
    decide = rights.may_decide_complaint(user, c) and c.is_open
    return {"may_accept": decide and c.status == ComplaintStatus.SUBMITTED, "may_suspend": decide,
            "may_decide": decide, "may_withdraw": c.is_open and rights.is_challenger_of(user, c),
            "suspension_limit": suspension_limit(c) if decide else None}


def panel_context(request, procurement) -> dict | None:
    """The 质疑与投诉 panel of the 采购项目执行 page: the procurement's challenges the user may see."""
    rows = list(challenges(request.user).filter(procurement_id=procurement.pk).order_by("-id")[:50])
    if not rows and not rights.may_view_challenge_answers(request.user):
        return None
    return {"challenges": rows}
