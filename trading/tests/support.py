"""Builders for the trading apps' tests: filed plans (through the plan services and the engine) and accepted
procurements. `filed_plan` files a general plan; `entrusted=` names the agency unit it goes to, else the
purchaser organises it itself (分散采购自行组织)."""

from decimal import Decimal

from plans import services as plan_services
from plans.tests import support as plan_support
from trading import services
from workflow import engine


def filed_plan(clerk, reviewer, amount="300000", *, method="inquiry", entrusted=None, lines=None, kind="goods",
               **fields):
    proj = plan_support.project(clerk, reviewer, amount, kind=kind, lines=lines)
    org = ({"organization_form": "entrusted", "agency": entrusted} if entrusted is not None
           else {"organization_form": "self_organized"})
    plan = plan_support.plan(clerk, proj, procurement_method=method, **org, **fields)
    engine.submit(plan, clerk)
    plan = plan_support.reload(plan)
    while plan.status == "pending":  # every review node of its chain (reviewer; competent/regulator as applicable)
        node = engine.flow_for(plan).node(plan.current_node)
        approver = fields.get("approvers", {}).get(node.code, reviewer)
        engine.approve(plan, approver)
        plan = plan_support.reload(plan)
    assert plan.status == "approved", plan.status
    return plan


def accepted(actor, plan, lots=None):
    return services.procurement_accept(actor=actor, plan=plan, lots=lots)


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


ZERO = Decimal("0")
__all__ = ["filed_plan", "accepted", "reload", "plan_services", "ZERO"]
