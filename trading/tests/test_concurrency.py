"""Races on real concurrent PostgreSQL connections (core.testing.race): the row locks of 受理 (the plan), of the
announcements and of 报名 (the procurement) let exactly one of two simultaneous calls through; the other is
refused with its reason, and nothing is written twice."""

import pytest

from core.testing import postgres_only, race
from trading import selectors, services
from trading.docs import ANNOUNCEMENT
from trading.models import Announcement, Procurement, Registration
from workflow.kit import editing

from .announcing import announcement_data, entrusted_procurement, published
from .support import filed_plan, reload

pytestmark = [pytest.mark.pg, pytest.mark.django_db(transaction=True)]


def test_two_acceptances_of_one_plan(tr):
    postgres_only()
    plan = filed_plan(tr.clerk, tr.reviewer, entrusted=tr.agency)
    ok, refused = race([lambda: services.procurement_accept(actor=tr.agency_user, plan=plan)] * 2)
    assert len(ok) == 1 and refused == [(1 - ok[0], "already_accepted")], (ok, refused)
    assert Procurement.objects.filter(plan_id=plan.pk).count() == 1


def test_two_announcements_of_one_round(tr):
    postgres_only()
    proc = entrusted_procurement(tr)

    def save():  # as the 新增 page does: 保存并提交 in one transaction
        return editing.save_and_submit(
            lambda: ANNOUNCEMENT.save_doc(tr.agency_user, None, announcement_data(proc), None),
            actor=tr.agency_user, submit=True)

    ok, refused = race([save, save])
    assert len(ok) == 1 and refused == [(1 - ok[0], "invalid")], (ok, refused)
    [doc] = Announcement.objects.filter(procurement=proc, round=1)
    assert doc.status == "pending"


def test_one_supplier_registering_twice_at_once(tr):
    postgres_only()
    proc = entrusted_procurement(tr)
    published(tr, proc)
    proc = reload(proc)
    call = lambda: services.registration_create(actor=tr.supplier_user, procurement=proc,  # noqa: E731
                                                contact_name="张三", contact_phone="13800000000")
    ok, refused = race([call, call])
    assert len(ok) == 1 and refused == [(1 - ok[0], "already_registered")], (ok, refused)
    assert Registration.objects.filter(procurement=proc, supplier=tr.supplier, is_active=True).count() == 1
    assert selectors.registered_supplier_ids(proc) == {tr.supplier.pk}
