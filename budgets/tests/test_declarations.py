"""budgets subscribes to orgs' unit_registered and accepts only the ledger holders apps declare."""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from budgets import ledger
from budgets.models import BudgetIndicator
from budgets.platform import on_unit_registered
from budgets.tests.factories import IndicatorFactory
from integration import selectors as integration_selectors
from orgs import signals
from registry import services as org_services
from workflow import engine

pytestmark = pytest.mark.django_db


def _register(world):
    unit = world.fz_unit
    data = {"name": unit.name, "credit_code": unit.credit_code, "budget_code": unit.budget_code,
            "level": unit.level, "region": unit.region, "address": "福建省福州市鼓楼区东街100号",
            "legal_representative": "王五", "contact_name": "赵六", "contact_phone": "0591-83331234",
            "is_competent": unit.is_competent}
    reg = engine.submit(org_services.registration_save(actor=world.fz_clerk, data=data), world.fz_clerk)
    engine.approve(reg, world.fz_reg)


def _platform_indicator(world):
    # arrived from the platform under the unit's 单位预算编码 before the unit registered
    return IndicatorFactory(agency_code=world.fz_unit.budget_code, mof_div_code="350100")


def test_registering_a_unit_links_its_platform_indicators_through_the_subscriber(world):
    ind = _platform_indicator(world)
    _register(world)
    ind.refresh_from_db()
    assert ind.unit == world.fz_unit


def test_without_the_subscriber_orgs_links_nothing(world):
    ind = _platform_indicator(world)
    assert signals.unit_registered.disconnect(dispatch_uid="budgets.link_indicators")
    try:
        _register(world)
    finally:
        signals.unit_registered.connect(on_unit_registered, dispatch_uid="budgets.link_indicators")
    ind.refresh_from_db()
    assert ind.unit is None


def test_the_registration_review_asks_integration_through_the_provider(world):
    assert signals._providers["platform_record"] is integration_selectors.platform_record_for


def test_the_ledger_accepts_only_declared_holders(world):
    assert ledger.HOLDERS == {"projects.project", "projects.projectrequest"}
    ind = IndicatorFactory(unit=world.dept, amount="100")
    with pytest.raises(ImproperlyConfigured), transaction.atomic():
        ledger.reserve(actor=world.dept_clerk, holder="orgs.unit:1", amounts={ind.pk: Decimal("1")}, reason="x")
    with pytest.raises(ImproperlyConfigured):
        ledger.holder_key(world.dept)
    assert BudgetIndicator.objects.get(pk=ind.pk).reserved == 0
