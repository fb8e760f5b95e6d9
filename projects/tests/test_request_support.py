"""Builders shared by the request tests and the lifecycle browser test (no tests here).

Approved projects are made through the initiation services (project_save → 提交 → 审核通过), and the facts
"used" / "contract filed" through the services the plan and contract modules will call.
"""

import itertools
from decimal import Decimal

from budgets.models import BudgetIndicator
from budgets.tests.factories import IndicatorFactory
from core.models import Category
from orgs.models import Role, User
from orgs.testing import make_user
from projects.models import Project
from workflow import engine

_seq = itertools.count(1)
D = Decimal


# outside the seeded 集中采购目录: the 限额 alone decides 是否政府采购 in these tests
CATEGORY_CODES = {"goods": "A02020200", "works": "B01010000", "services": "C16010000"}


def category(kind: str = "goods") -> Category:
    from core.data.categories import ensure_seeded

    ensure_seeded()  # a transactional test's flush removes the seeded catalogue
    return Category.objects.get(code=CATEGORY_CODES[kind])


def indicator(unit, amount, *, name: str = "", year: int = 2026, **kw) -> BudgetIndicator:
    """IndicatorFactory with the unit's budget code (000000 when it has none)."""
    kw.setdefault("agency_code", unit.budget_code or "000000")
    if name:
        kw["pro_name"] = name
    return IndicatorFactory(unit=unit, amount=amount, fiscal_year=year, **kw)


def leader(unit, username: str = "dept_leader"):
    return make_user(username, unit, Role.LEADER)


def reviewer_of(unit):
    user = User.objects.filter(unit=unit, role_assignments__role=Role.REVIEWER).order_by("pk").first()
    return user or make_user(f"reviewer_{unit.pk}", unit, Role.REVIEWER)


def approved_project(clerk, funds: dict, *, name: str = "", form: str = "general", kind: str = "goods",
                     used: bool = False, contract_filed: bool = False) -> Project:
    """An approved project of the clerk's unit holding `funds` ({indicator: amount}), made the way a user
    makes one: project_save → 提交 → 审核通过 by the unit's reviewer."""
    from projects import services

    funds = {ind: D(str(a)) for ind, a in funds.items()}
    total = sum(funds.values(), D("0"))
    n = next(_seq)
    project = services.project_save(
        actor=clerk,
        data={"name": name or f"测试采购项目{n}", "fiscal_year": 2026, "implementation_form": form,
              "procurement_kind": kind, "summary": "采购办公设备", "contact_name": "张三",
              "contact_phone": "0591-88888888", "is_gov_procurement": False},
        content_lines=[{"category": category(kind), "item_name": "台式计算机", "quantity": "1", "measure_unit": "批",
                        "unit_price": str(total)}],
        fund_lines=[{"indicator": ind, "amount": amount} for ind, amount in funds.items()])
    engine.submit(project, clerk)
    engine.approve(Project.objects.get(pk=project.pk), reviewer_of(clerk.unit), opinion="同意")
    project = Project.objects.get(pk=project.pk)
    if used or contract_filed:
        mark_used(project)
    if contract_filed:
        mark_contract_filed(project)
    project.refresh_from_db()
    return project


def mark_used(project, by: str = "plans.plan:1"):
    from projects import services

    services.project_mark_used(project=project, by=by)
    project.refresh_from_db()
    return project


def unmark_used(project, by: str = "plans.plan:1"):
    from projects import services

    services.project_unmark_used(project=project, by=by)
    project.refresh_from_db()
    return project


def mark_contract_filed(project):
    from projects import services

    services.project_mark_contract_filed(project=project)
    project.refresh_from_db()
    return project
