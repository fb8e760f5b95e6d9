"""指标管理处室 seed: the offices of the provincial finance departments (财政厅) that manage indicators, for the
demo provinces. Units of a city or county choose among their own region's offices (kept by that region's
regulator on 指标管理处室) and the province's.

Loaded by migration budgets/0002; `ensure_seeded()` restores it after a test flush. Names are the 财政厅's
budget-managing 处室 as the system listed them before this became data (the Fujian manual, FJ 2.2.4, shows the
picker but not its list); not checked against each department's published 内设机构 (R): the regulator corrects
them on the page.
"""

OFFICES = {
    # 福建省财政厅 (R)
    "350000": ["预算处", "国库处", "行政政法处", "教科文处", "经济建设处", "农业农村处", "社会保障处",
               "资源环境处", "企业处", "债务管理处"],
    # 江西省财政厅 (R)
    "360000": ["预算处", "国库处", "行政政法处", "教科文处", "经济建设处", "农业农村处", "社会保障处",
               "资源环境处", "资产管理处", "债务管理处"],
}

ORDER_STEP = 10  # gaps let a regulator slot an office in between


def seed(BudgetOffice, Region) -> None:
    """Add what is missing (historical models in the migration, real ones after a flush)."""
    for code, names in OFFICES.items():
        region = Region.objects.filter(code=code).first()
        if region is None:
            continue
        for i, name in enumerate(names, start=1):
            BudgetOffice.objects.get_or_create(region=region, name=name, defaults={"order": i * ORDER_STEP})


def ensure_seeded() -> None:
    # here, not at the top: migrations import this module and pass their historical models to seed()
    from budgets.models import BudgetOffice
    from orgs.models import Region

    if not BudgetOffice.objects.exists():
        seed(BudgetOffice, Region)
