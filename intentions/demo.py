"""Demo rows of 采购意向公开: one published intention on the unit's newest approved project (once only)."""

from django.db import transaction

from workflow import engine

from . import selectors
from .docs import INTENTION
from .models import Intention


@transaction.atomic
def load(*, clerk, reviewer) -> int:
    if Intention.objects.filter(unit=clerk.unit).exists():
        return 0
    project = selectors.eligible_projects(clerk).first()
    if project is None:
        return 0
    month = project.expected_month
    row = {"project_id": str(project.pk), "name": project.name,
           "demand_summary": project.demand_summary or project.summary or project.name,
           "budget_amount": str(project.total_amount), "expected_month": f"{month:%Y-%m}" if month else "2026-10"}
    doc = INTENTION.save_doc(clerk, None, {"title": "", **INTENTION.clean_lines({"line": [row]})}, None)
    doc = engine.submit(doc, clerk)
    doc = engine.approve(doc, reviewer, opinion="同意公开")
    engine.advance(doc, clerk, "publish")
    return 1
