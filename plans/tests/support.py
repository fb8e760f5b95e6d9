"""Builders for the plan tests: approved projects (through the initiation services) and saved plans."""

import itertools
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from budgets.models import BudgetIndicator
from core.models import Category
from plans import services
from plans.models import Plan
from projects import services as project_services
from workflow import engine

_seq = itertools.count(1)
OUTSIDE = {"goods": "A02020200", "works": "B01010000", "services": "C16010000"}  # not in the 集中采购目录


def indicator(unit, amount, pro_code=None) -> BudgetIndicator:
    n = next(_seq)
    return BudgetIndicator.objects.create(
        bgt_id=f"PL{unit.pk:04d}{n:06d}", unit=unit, agency_code=unit.budget_code or "000000",
        mof_div_code=unit.region.code, fiscal_year=timezone.localdate().year, pro_code=pro_code or f"PRO{n:05d}",
        pro_name=f"预算项目{n}", amount=Decimal(amount), cur_amt=Decimal(amount))


def project(clerk, reviewer, amount, *, kind="goods", form="general", code=None, funds=None, lines=None):
    """An approved project: one line of `amount` (or `lines` [(code, amount)]), paid by `funds`
    [(indicator, amount)] or one new indicator."""
    lines = lines or [(code or OUTSIDE[kind], amount)]
    total = sum(Decimal(a) for _, a in lines)
    funds = funds or [(indicator(clerk.unit, total * 2), total)]
    p = project_services.project_save(
        actor=clerk, data={"name": f"计划测试项目{next(_seq)}", "fiscal_year": timezone.localdate().year,
                           "implementation_form": form, "procurement_kind": kind, "summary": "概况",
                           "contact_name": "张三", "contact_phone": "0591-88888888"},
        content_lines=[{"category": Category.objects.get(code=c), "item_name": "标的", "quantity": "1",
                        "measure_unit": "批", "unit_price": str(a)} for c, a in lines],
        fund_lines=[{"indicator": ind, "amount": str(a)} for ind, a in funds])
    engine.submit(p, clerk)
    engine.approve(type(p).objects.get(pk=p.pk), reviewer)
    p.refresh_from_db()
    return p


GOOD = {"organization_form": "self_organized", "procurement_method": "inquiry", "sme_oriented": True,
        "contact_name": "张三", "contact_phone": "0591-88888888"}


@transaction.atomic
def plan(clerk, proj, plan_type="general", mall_line=None, **fields) -> Plan:
    """【选择】 then 保存, both or neither (as the API's create)."""
    p = services.plan_start(actor=clerk, plan_type=plan_type, project=proj, mall_line=mall_line)
    return services.plan_save(clerk, p, {**GOOD, **fields}, p.version)


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


def used_by(proj) -> str:
    """The keys of the documents using the project now, oldest first, joined by ';' ('' when unused)."""
    return ";".join(project_services.uses_of(proj))
