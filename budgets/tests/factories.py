"""Builders for budgets tests: platform indicators and virtual budgets, and a stand-in project holder."""

import itertools
from decimal import Decimal

from budgets.models import BudgetIndicator

_seq = itertools.count(1)


def make_indicator(unit=None, *, amount="1000.00", source=BudgetIndicator.SOURCE_PLATFORM, **kw) -> BudgetIndicator:
    n = next(_seq)
    defaults = {
        "bgt_id": f"BGT{n:08d}",
        "agency_code": unit.budget_code if unit is not None else f"99{n:07d}",
        "mof_div_code": unit.region.code if unit is not None else "350000",
        "fiscal_year": 2026,
        "pro_code": f"35000026{n:06d}",
        "pro_name": f"预算项目{n}",
        "cor_bgt_doc_no": f"闽财教〔2026〕{n}号",
        "fund_type_code": "111",
        "exp_func_code": "2050201",
        "gov_bgt_eco_code": "50201",
        "dep_bgt_eco_code": "30201",
        "source_type_code": "1",
        "amount": Decimal(amount),
        "cur_amt": Decimal(amount),
    }
    defaults.update(kw)
    return BudgetIndicator.objects.create(unit=unit, source=source, **defaults)


def make_project(unit, clerk, name="办公设备采购项目", number=None):
    from projects.models import Project

    n = next(_seq)
    return Project.objects.create(number=number or f"ZC-350000-2026-{n:06d}", unit=unit, created_by=clerk,
                                  name=name, fiscal_year=2026, implementation_form="general",
                                  procurement_kind="goods")
