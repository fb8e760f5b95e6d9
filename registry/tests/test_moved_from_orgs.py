"""The documents came from orgs (registry 0001): their rows live in registry's tables under registry's content
types, and their audit chains keep the keys they began under (a key is part of each row's hash)."""

import pytest
from django.contrib.contenttypes.models import ContentType

from audit import services as audit
from audit.models import AuditLog
from registry import services
from registry.models import Subordination, UnitRegistration
from workflow import engine
from workflow.models import ReviewRecord, WorkItem

from .test_services import save

pytestmark = pytest.mark.django_db


def test_tables_and_content_types_are_registrys():
    assert UnitRegistration._meta.db_table == "registry_unitregistration"
    assert Subordination._meta.db_table == "registry_subordination"
    assert ContentType.objects.get_for_model(UnitRegistration).app_label == "registry"


def test_review_records_and_work_items_point_at_the_document(world):
    reg = engine.submit(save(world.fz_clerk), world.fz_clerk)
    ct = ContentType.objects.get_for_model(UnitRegistration)
    assert set(ReviewRecord.objects.filter(object_id=reg.pk, doc_type="registration")
               .values_list("content_type", flat=True)) == {ct.pk}
    assert WorkItem.objects.filter(content_type=ct, object_id=reg.pk, kind=WorkItem.REVIEW).exists()


def test_audit_chains_keep_their_orgs_keys(world):
    reg = save(world.fz_clerk)
    sub = services.subordination_request(actor=world.fz_clerk, competent_unit=world.dept)
    assert audit.object_key(reg) == f"orgs.unitregistration:{reg.pk}"
    assert audit.object_key(sub) == f"orgs.subordination:{sub.pk}"
    engine.approve(sub, world.dept_competent)
    rows = list(AuditLog.objects.filter(object_key=f"orgs.subordination:{sub.pk}").order_by("id"))
    assert len(rows) >= 3 and rows[0].prev_hash == ""
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(rows, rows[1:], strict=False))
    assert not AuditLog.objects.filter(object_key__startswith="registry.").exists()
    assert audit.verify() == []
