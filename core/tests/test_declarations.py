"""What each app declares on its AppConfig instead of a kernel registry: number prefixes and typed rule
parameters (read through PARAMS, checked at start-up)."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured

from core import numbers, params
from core.errors import BusinessError
from core.models import RuleParameter


def test_number_prefixes_come_from_the_apps():
    assert numbers.PREFIXES == {"project": "ZC", "registration": "DJ", "subordination": "LS", "joint_project": "TZ",
                                "joint_request": "TZSQ", "intention": "YX", "plan": "JH", "plan_request": "JHCX",
                                "procurement": "CG", "challenge": "ZY", "complaint": "TS", "failure_handling": "FB",
                                "award_result": "PS", "award_notice": "ZB", "self_award_notice": "ZXZB",
                                "award_exception": "YCCL", "announcement": "GG"}
    assert numbers.format_number("registration", "350100", 2026, 7) == "DJ-350100-2026-000007"
    assert numbers.format_number("virtual_budget", "350100", 2026, 7) == "VI-350100-2026-000007"  # undeclared


def test_two_apps_cannot_claim_one_document_type_with_different_prefixes():
    with pytest.raises(ImproperlyConfigured):
        numbers.declare_prefixes("other", {"project": "XM"})
    numbers.declare_prefixes("projects", {"project": "ZC"})  # the same declaration again is harmless
    assert numbers.PREFIXES["project"] == "ZC"


@pytest.mark.django_db
def test_parameters_are_read_through_the_apps_declaration(world):
    orgs = params.of("orgs")
    assert orgs.login_max_failures() == 5 and isinstance(orgs.login_max_failures(), int)
    limit = params.of("projects").decentralized_limit_goods(region_code="350200", level="city")
    assert limit == Decimal("1000000") and isinstance(limit, Decimal)


def test_an_undeclared_name_is_refused_when_read():
    with pytest.raises(ImproperlyConfigured, match="login_max_failres"):
        params.of("orgs").login_max_failres  # noqa: B018
    with pytest.raises(ImproperlyConfigured):
        params.of("orgs").mall_max_amount  # noqa: B018  (projects declares it, orgs does not)


@pytest.mark.django_db
def test_a_row_of_another_kind_than_declared_is_a_business_error(world):
    RuleParameter.objects.filter(name="login_max_failures").update(kind=RuleParameter.KIND_DECIMAL)
    with pytest.raises(BusinessError) as info:
        params.of("orgs").login_max_failures()
    assert info.value.code == "parameter_kind"


def test_the_start_up_check_finds_undeclared_reads(tmp_path):
    (tmp_path / "services.py").write_text(
        "from core import params\n"
        "PARAMS = params.of('x')\n"
        "def f(name):\n"
        "    return PARAMS.open_tender_threshold(), PARAMS.open_tender_treshold(), params.value('mall_max_amount'),"
        " params.value(name)\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text("from core import params\nparams.value('anything')\n")
    config = SimpleNamespace(label="x", path=str(tmp_path), rule_parameters={"open_tender_threshold": "decimal"})
    assert sorted(params.check_reads([config])) == [
        "x/services.py:4: read a rule parameter by its declared name (PARAMS.<name>)",
        "x/services.py:4: rule parameter 'mall_max_amount' is not declared by x",
        "x/services.py:4: rule parameter 'open_tender_treshold' is not declared by x",
    ]


def test_the_tree_has_no_undeclared_read():
    assert params.check_reads() == []


@pytest.mark.django_db
def test_every_declared_parameter_is_seeded_with_its_declared_kind(world):
    from django.apps import apps

    declared = {name: kind for config in apps.get_app_configs() for name, kind in params.declared(config.label).items()}
    assert len(declared) == 40  # a typo'd or missing declaration changes the count
    for name, kind in declared.items():
        kinds = set(RuleParameter.objects.filter(name=name).values_list("kind", flat=True))
        assert kinds == {kind}, name
