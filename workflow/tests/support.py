"""Helpers for the engine tests: a three-node flow on UnitRegistration and registration data.

reviewer (own unit) → leader (own unit, only when the registration says 主管预算单位) → regulator (the
regulator responsible for the unit's region, with the budget-code check of the real flow).
"""

from orgs.models import Role
from registry.flows import check_budget_code
from registry.models import UnitRegistration
from registry.services import registration_save
from workflow import engine

NODE_ORDER = ("reviewer", "leader", "regulator")


def is_competent(doc) -> bool:
    return doc.is_competent


HOOK_CALLS: list[tuple[str, int]] = []  # (hook, document id): what the flow's dotted-path hooks saw


def on_submit(doc, actor):
    HOOK_CALLS.append(("submit", doc.pk))


def on_return(doc, actor):
    HOOK_CALLS.append(("return", doc.pk))


def on_approve(doc, actor):
    HOOK_CALLS.append(("approve", doc.pk))


def make_flow() -> engine.Flow:
    return engine.Flow(
        doc_type=UnitRegistration.doc_type, label="测试三级流程", model=UnitRegistration,
        on_submit=f"{__name__}.on_submit", on_return=f"{__name__}.on_return", on_approve=f"{__name__}.on_approve",
        nodes=(
            engine.Node("reviewer", "单位审核", Role.REVIEWER),
            engine.Node("leader", "需求领导审核", Role.LEADER, condition=is_competent),
            engine.Node("regulator", "监管部门审核", Role.REGULATOR, where=engine.REGULATOR,
                        check=check_budget_code),
        ),
    )


def registration_data(unit, **overrides) -> dict:
    data = {
        "name": unit.name, "credit_code": unit.credit_code, "budget_code": unit.budget_code,
        "level": unit.level, "region": unit.region, "address": "福州市鼓楼区湖东路1号",
        "legal_representative": "张三", "contact_name": "李四", "contact_phone": "0591-87654321",
        "is_competent": False,
    }
    data.update(overrides)
    return data


def new_registration(clerk, **overrides) -> UnitRegistration:
    return registration_save(actor=clerk, data=registration_data(clerk.unit, **overrides))


def reload(doc):
    return type(doc).objects.get(pk=doc.pk)
