"""Builders for tests and the scope matrix (like orgs.testing): an approved project of a clerk's unit, made
through the services a user goes through, and an intention draft on it (docs.INTENTION.example)."""

import itertools
from decimal import Decimal

from django.utils import timezone

from budgets import platform
from core.models import Category
from orgs.models import Role, User
from orgs.testing import make_user
from projects import services as project_services
from workflow import engine

_seq = itertools.count(1)


def reviewer_of(unit):
    """A reviewer of `unit` (one is made when it has none)."""
    found = User.objects.filter(unit=unit, role_assignments__role=Role.REVIEWER).first()
    return found or make_user(f"yx_reviewer_{unit.pk}_{next(_seq)}", unit, Role.REVIEWER)


def approved_project(clerk, *, name="", amount="80000", form="general", month="2026-09", approve=True):
    """A project of the clerk's unit paid from a fresh platform indicator, submitted and approved."""
    n = next(_seq)
    unit = clerk.unit
    year = timezone.localdate().year
    indicator = platform.indicator_create(data={
        "bgt_id": f"YX-{unit.pk}-{n:05d}-{timezone.now():%H%M%S%f}", "mof_div_code": unit.region.code,
        "fiscal_year": year, "agency_code": unit.budget_code, "pro_code": f"YXP{n:04d}",
        "pro_name": f"意向测试经费{n}", "amount": Decimal(amount) * 2, "is_executable": True})
    category = Category.objects.filter(kind="goods", is_leaf=True).order_by("code").first()
    project = project_services.project_save(
        actor=clerk,
        data={"name": name or f"意向测试项目{n}", "fiscal_year": year, "implementation_form": form,
              "procurement_kind": "goods", "summary": "意向测试采购", "demand_summary": "采购一批办公设备",
              "expected_month": month, "contact_name": "张三", "contact_phone": "0591-88888888",
              "is_gov_procurement": False, "cumulative_reason": ""},
        content_lines=[{"category": category, "item_name": category.name, "quantity": "1", "measure_unit": "批",
                        "unit_price": amount}],
        fund_lines=[{"indicator": indicator, "amount": Decimal(amount)}])
    project = engine.submit(project, clerk)
    if approve:
        project = engine.approve(project, reviewer_of(unit), opinion="同意")
    return project


def line_for(project, **over) -> dict:
    """The line 【选择采购项目】 fills in for `project`, as the form posts it."""
    row = {"project_id": str(project.pk), "name": project.name, "demand_summary": project.demand_summary or "采购",
           "budget_amount": str(project.total_amount),
           "expected_month": f"{project.expected_month:%Y-%m}" if project.expected_month else "2026-09",
           "remark": ""}
    row.update(over)
    return row


def example(clerk):
    """A draft intention of the clerk's unit on a new approved project."""
    from .docs import INTENTION

    project = approved_project(clerk)
    data = {"title": "", **INTENTION.clean_lines({"line": [line_for(project)]})}
    return INTENTION.save_doc(clerk, None, data, None)
