"""The flows of 主体管理, declared to the approval engine."""

from core.errors import BusinessError
from orgs.models import Role
from orgs.selectors import CODE_FIELDS, code_owners
from orgs.signals import platform_record_for
from workflow.engine import OWN_UNIT, REGULATOR, Flow, Node, register

from .models import Subordination, UnitRegistration


def check_budget_code(reg: UnitRegistration) -> None:
    taken = code_owners(credit_code=reg.credit_code, budget_code=reg.budget_code, exclude_unit_id=reg.unit_id)
    if taken:
        names = "、".join(CODE_FIELDS[f] for f in taken)
        raise BusinessError(f"{names}已被其他单位使用，不能审核通过，请退回单位核实。", code="code_taken")
    record = platform_record_for(reg.credit_code)
    if record is None:
        raise BusinessError("一体化平台没有该单位（按统一社会信用代码）的基本信息，不能审核通过，请退回。",
                            code="platform_record_missing")
    if record.agency_code != reg.budget_code:
        raise BusinessError(
            f"单位预算编码「{reg.budget_code}」与一体化平台的预算编码「{record.agency_code}」不一致，"
            "不能审核通过，请退回单位修改。", code="budget_code_mismatch")


REGISTRATION = register(Flow(
    doc_type=UnitRegistration.doc_type, label="采购单位用户库基本信息", model=UnitRegistration,
    nodes=(Node("regulator", "监管部门审核", Role.REGULATOR, where=REGULATOR, check=check_budget_code),),
    on_approve="registry.services.registration_apply", url_name="registry:registration_detail",
))

SUBORDINATION = register(Flow(
    doc_type=Subordination.doc_type, label="隶属关系", model=Subordination,
    nodes=(Node("competent", "主管预算单位确认", Role.COMPETENT, where=OWN_UNIT, unit_field="competent_unit",
                check="registry.services.subordination_confirmable"),),
    on_submit="registry.services.subordination_resubmitted", on_approve="registry.services.subordination_apply",
    url_name="registry:subordination_detail",
))
