"""Who may do what in 采购项目管理: each predicate once, used by the views, the services, the request kinds and
the templates' buttons. (access/rights.py will take the general ones; these keep today's meaning.)"""

from orgs.models import Role


def unit_staff(user) -> bool:
    """A budget unit's 经办 / 审核 / 需求领导 / 主管预算单位: opens 采购项目立项."""
    unit = user.unit
    return (unit is not None and unit.is_budget_unit
            and user.has_role(Role.CLERK, Role.REVIEWER, Role.LEADER, Role.COMPETENT))


def clerk(user) -> bool:
    """A budget unit's 经办: 新增 a project."""
    return unit_staff(user) and user.has_role(Role.CLERK)


def any_clerk(user) -> bool:
    """经办 of any unit: 实施形式变更's list (the rows are scoped)."""
    return user.has_role(Role.CLERK) and user.unit_id is not None


def unit_clerk_of(user, project) -> bool:
    """The 经办 of the project's own unit: requests on it and its 实施形式变更 (the kit's `may_request`)."""
    return (user.is_authenticated and user.has_role(Role.CLERK) and user.unit_id is not None
            and user.unit_id == project.unit_id)


def request_reviewer(user) -> bool:
    """项目申请审核: a 需求领导, or a 审核岗 of a unit without one."""
    return user.unit_id is not None and user.has_role(Role.LEADER, Role.REVIEWER)
