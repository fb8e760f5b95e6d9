"""Builders for tests of any app: platform indicators and virtual budgets, and a stand-in project holder."""

import itertools
from decimal import Decimal

import factory

from budgets.models import BudgetIndicator

_seq = itertools.count(1)


class IndicatorFactory(factory.django.DjangoModelFactory):
    """`IndicatorFactory(unit=u, amount="1000.00")`: a platform indicator of the unit, with the platform's codes
    filled in; `unit=None` is one not matched to a unit yet, `source="virtual"` a virtual budget. The amount may
    be text; the platform balance (cur_amt) follows it unless given."""

    class Meta:
        model = BudgetIndicator

    unit = None
    source = BudgetIndicator.SOURCE_PLATFORM
    bgt_id = factory.Sequence(lambda n: f"BGT{n:08d}")
    agency_code = factory.LazyAttributeSequence(lambda o, n: o.unit.budget_code if o.unit else f"99{n:07d}")
    mof_div_code = factory.LazyAttribute(lambda o: o.unit.region.code if o.unit else "350000")
    fiscal_year = 2026
    pro_code = factory.Sequence(lambda n: f"35000026{n:06d}")
    pro_name = factory.Sequence(lambda n: f"预算项目{n}")
    cor_bgt_doc_no = factory.Sequence(lambda n: f"闽财教〔2026〕{n}号")
    fund_type_code = "111"
    exp_func_code = "2050201"
    gov_bgt_eco_code = "50201"
    dep_bgt_eco_code = "30201"
    source_type_code = "1"
    amount = Decimal("1000.00")
    cur_amt = factory.SelfAttribute("amount")

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        kwargs["amount"] = Decimal(str(kwargs["amount"]))
        kwargs["cur_amt"] = Decimal(str(kwargs["cur_amt"]))
        return kwargs


def make_project(unit, clerk, name="办公设备采购项目", number=None):
    """A stand-in document holding money (its label and unit are what budgets and warnings show), without lines."""
    from projects.models import Project

    n = next(_seq)
    return Project.objects.create(number=number or f"ZC-350000-2026-{n:06d}", unit=unit, created_by=clerk,
                                  name=name, fiscal_year=2026, implementation_form="general",
                                  procurement_kind="goods")


def make_indicator(unit=None, **fields) -> BudgetIndicator:
    """IndicatorFactory under its former name, for the tests not moved yet (core/tests, tests/e2e)."""
    return IndicatorFactory(unit=unit, **fields)
