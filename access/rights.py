"""Named rights: who may do what. The one place that answers it, for views (`requires`), services, the menu
(`MenuItem.right`) and templates (`{% load access %}{% if user|may:"may_view_indicators" %}`).

Every predicate is a pure function of the user (and, where it says so, one object: a document, a unit, a
region) that answers False rather than raising, for anonymous users too. Only functions marked `@right` are
reachable by name (menu declarations, the template filter), so a typo in a name is an error, not a hidden
entry.

Who counts as what (DESIGN §1):
- unit staff: clerk, reviewer, leader or competent role in a *budget unit* — a purchaser, or a regulator's own
  department (a 财政厅 buys for itself: it holds indicators from the budget platform, registers, starts
  projects). Its regulator role gives it no purchaser rights, and its purchaser roles no regulator rights.
- regulator: the regulator role in a regulator unit (the role alone is not enough).
- administrator: the admin role or a superuser.
"""

from collections.abc import Callable

from orgs.models import Region, Role, Unit

RIGHTS: dict[str, Callable[..., bool]] = {}

UNIT_STAFF_ROLES = (Role.CLERK, Role.REVIEWER, Role.LEADER, Role.COMPETENT)


def right(fn: Callable[..., bool]) -> Callable[..., bool]:
    """Make a predicate reachable by name (menu declarations, templates, `requires("name")`)."""
    RIGHTS[fn.__name__] = fn
    return fn


def get(name: str) -> Callable[..., bool]:
    try:
        return RIGHTS[name]
    except KeyError:
        raise LookupError(f"access.rights has no right named {name!r}") from None


def _in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def _unit(user) -> Unit | None:
    return user.unit if _in(user) else None


# ---- who the user is -------------------------------------------------------------------------------------


@right
def is_authenticated(user) -> bool:
    """Anyone logged in (修改密码, 工作台)."""
    return _in(user)


@right
def is_admin(user) -> bool:
    """The system administrator: keeps users, roles, parameters and the calendar; reads every row."""
    return _in(user) and (user.is_superuser or user.has_role(Role.ADMIN))


@right
def is_regulator(user) -> bool:
    """The regulator role in a regulator unit (a purchaser given the role supervises nothing)."""
    return _in(user) and user.is_regulator


@right
def has_unit(user) -> bool:
    return _unit(user) is not None


@right
def in_budget_unit(user) -> bool:
    """A member of a budget unit: a purchaser or a regulator's own department."""
    unit = _unit(user)
    return unit is not None and unit.is_budget_unit


@right
def in_purchaser_unit(user) -> bool:
    """A member of a purchaser unit proper (隶属关系 links purchasers only)."""
    unit = _unit(user)
    return unit is not None and unit.kind == Unit.KIND_PURCHASER


@right
def is_unit_staff(user) -> bool:
    """Clerk, reviewer, leader or competent role in a budget unit: the purchaser side of the menu."""
    return in_budget_unit(user) and user.has_role(*UNIT_STAFF_ROLES)


@right
def is_clerk(user) -> bool:
    """经办岗 of a budget unit: creates and edits its documents."""
    return in_budget_unit(user) and user.has_role(Role.CLERK)


# ---- rights on one object -------------------------------------------------------------------------------


def _same_unit(user, doc, unit_field: str = "unit") -> bool:
    return _in(user) and user.unit_id is not None and getattr(doc, f"{unit_field}_id", None) == user.unit_id


@right
def is_clerk_of(user, doc) -> bool:
    """The clerk of the document's unit (edits, submits, withdraws, asks for requests on it)."""
    return _same_unit(user, doc) and user.has_role(Role.CLERK)


@right
def is_reviewer_of(user, doc) -> bool:
    """A reviewer of the document's unit who did not submit it (nobody approves their own submission)."""
    return (_same_unit(user, doc) and user.has_role(Role.REVIEWER)
            and getattr(doc, "submitted_by_id", None) != user.pk)


@right
def is_leader_of(user, doc) -> bool:
    """A 需求领导 of the document's unit who did not submit it."""
    return (_same_unit(user, doc) and user.has_role(Role.LEADER)
            and getattr(doc, "submitted_by_id", None) != user.pk)


@right
def regulates(user, unit) -> bool:
    """Is `unit` inside the region this regulator supervises (its region and the regions below)?"""
    return is_regulator(user) and unit is not None and unit.region_path.startswith(user.unit.region_path)


@right
def is_competent_of(user, unit) -> bool:
    """A competent-role user of a unit above `unit` in the 主管预算单位 tree (not of its own unit)."""
    own = _unit(user)
    return (own is not None and unit is not None and user.has_role(Role.COMPETENT) and bool(own.path)
            and unit.pk != own.pk and unit.path.startswith(own.path))


@right
def may_set_parameters(user, region) -> bool:
    """Adds rule-parameter editions for `region` (a Region or its code; '' = national): the administrator any,
    a regulator its own region and those below it."""
    if is_admin(user):
        return True
    if not is_regulator(user) or not region:
        return False
    if not isinstance(region, Region):
        region = Region.objects.filter(code=region).first()
    return region is not None and region.path.startswith(user.unit.region_path)


@right
def may_keep_office(user, office) -> bool:
    """Adds, stops or restarts a 指标管理处室: the regulators of its own region (a city does not edit the
    province's)."""
    return is_regulator(user) and office is not None and office.region_id == user.unit.region_id


@right
def owns_attachment(user, attachment) -> bool:
    """Links or deletes an attachment: the unit that uploaded it."""
    return _same_unit(user, attachment)


# ---- pages (the menu shows an entry exactly when its page's right holds) -------------------------------------


@right
def may_view_indicators(user) -> bool:
    """指标预算查询 and 采购预算查询: unit staff (the indicators they buy with, the same rule as 立项)."""
    return is_unit_staff(user)


@right
def may_read_indicator(user) -> bool:
    """An indicator's detail page: unit staff (their scope) and regulators (their region's)."""
    return is_unit_staff(user) or is_regulator(user)


@right
def may_include_subordinates(user) -> bool:
    """包含下级单位 widens a view to the subordinate tree: staff of a competent unit, or the competent role."""
    unit = _unit(user)
    return unit is not None and (user.has_role(Role.COMPETENT) or unit.is_competent)


@right
def may_keep_virtual_budgets(user) -> bool:
    """预算管理 (新增虚拟预算): regulators, for the purchasers of their region."""
    return is_regulator(user)


@right
def may_keep_budget_offices(user) -> bool:
    """指标管理处室: regulators (each keeps its own region's; those above are shown read-only)."""
    return is_regulator(user)


@right
def may_view_projects(user) -> bool:
    """采购项目立项 list: unit staff."""
    return is_unit_staff(user)


@right
def may_start_project(user) -> bool:
    """新增 a 采购项目立项: a clerk of a budget unit (whether the unit is registered yet is a business check
    with its own message, not a right)."""
    return is_clerk(user)


@right
def may_change_implementation_form(user) -> bool:
    """实施形式变更 list: a clerk of a budget unit (on its own unit's approved projects)."""
    return is_clerk(user)


@right
def may_review_project_requests(user) -> bool:
    """项目申请审核: the 需求领导 or 审核岗 of a budget unit."""
    return in_budget_unit(user) and user.has_role(Role.LEADER, Role.REVIEWER)


@right
def may_query_region_projects(user) -> bool:
    """项目查询: regulators, over their region."""
    return is_regulator(user)


@right
def may_keep_registration(user) -> bool:
    """用户库基本信息 of one's own unit: clerk (edits), reviewer, competent role of a budget unit."""
    return in_budget_unit(user) and user.has_role(Role.CLERK, Role.REVIEWER, Role.COMPETENT)


@right
def may_set_subordination(user) -> bool:
    """隶属关系设置: the clerk of a purchaser unit chooses its 主管预算单位."""
    return in_purchaser_unit(user) and user.has_role(Role.CLERK)


@right
def may_confirm_subordinates(user) -> bool:
    """下级单位隶属确认: the competent role of a purchaser unit (only purchasers can be chosen as competent)."""
    return in_purchaser_unit(user) and user.has_role(Role.COMPETENT)


@right
def may_review_registrations(user) -> bool:
    """审核采购单位信息, 查看采购单位信息, 查看/解除隶属关系: regulators, over their region."""
    return is_regulator(user)


@right
def may_view_integration(user) -> bool:
    """一体化 pages (messages, platform units, 重置预算匹配): regulators (their region) and the administrator."""
    return is_regulator(user) or is_admin(user)


@right
def may_publish_bulletins(user) -> bool:
    """通知公告 list and 发布通知: regulators, to their region."""
    return is_regulator(user)


@right
def may_keep_parameters(user) -> bool:
    """规则参数 list and 新增参数版本: regulators (their region) and the administrator (every region)."""
    return is_regulator(user) or is_admin(user)


@right
def may_set_workdays(user) -> bool:
    """工作日调整: the calendar is national, the administrator's alone."""
    return is_admin(user)


@right
def may_upload_attachments(user) -> bool:
    """上传附件: anyone of a unit (the file belongs to the unit)."""
    return has_unit(user)


@right
def may_view_joint_projects(user) -> bool:
    """统招分签项目 list: unit staff (the lead's clerk creates, its reviewer reviews; invited units answer from
    采购项目立项 → 新增)."""
    return is_unit_staff(user)


# ---- 采购计划 (plans) and the minimal 合同 list ------------------------------------------------------------


@right
def may_view_plans(user) -> bool:
    """采购计划申报 list: unit staff (their unit; a competent unit its tree) and regulators (their region)."""
    return is_unit_staff(user) or is_regulator(user)


@right
def may_start_plan(user) -> bool:
    """新增 a 采购计划: a clerk of a budget unit."""
    return is_clerk(user)


@right
def in_agency_unit(user) -> bool:
    """Staff of a 代理机构 or a 集中采购机构 (the agency role in an agency unit)."""
    unit = _unit(user)
    return (unit is not None and unit.kind in (Unit.KIND_AGENCY, Unit.KIND_CENTRAL)
            and user.has_role(Role.AGENCY))


@right
def may_view_entrusted_plans(user) -> bool:
    """采购计划接收: the filed plans entrusted to the user's agency, nothing else."""
    return in_agency_unit(user)


@right
def may_supervise_plans(user) -> bool:
    """计划管理 (化整为零预警, the region's plans): regulators, over their region."""
    return is_regulator(user)


@right
def may_view_contracts(user) -> bool:
    """合同查询 (read-only for now): unit staff and regulators."""
    return is_unit_staff(user) or is_regulator(user)


@right
def may_view_intentions(user) -> bool:
    """采购意向公开 list: unit staff of a budget unit."""
    return is_unit_staff(user)


@right
def may_publish_intentions(user) -> bool:
    """采购意向公开发布 (发布 / 撤销 of the approved intentions): the unit's clerk."""
    return is_clerk(user)


@right
def may_view_region_indicators(user) -> bool:
    """一体化预算指标 (政府采购 → 计划管理): regulators, over the platform indicators of their region."""
    return is_regulator(user)


# ---- 采购项目执行 (trading) ------------------------------------------------------------------------------


@right
def in_supplier_unit(user) -> bool:
    """A supplier's staff (the supplier role in a supplier unit): 报名, 质疑."""
    unit = _unit(user)
    return unit is not None and unit.kind == Unit.KIND_SUPPLIER and user.has_role(Role.SUPPLIER)


@right
def may_accept_plans(user) -> bool:
    """采购计划受理: an agency's staff (plans entrusted to it), a purchaser's clerk (its own 分散采购自行组织 and
    自行采购 plans)."""
    return in_agency_unit(user) or is_clerk(user)


@right
def may_view_procurements(user) -> bool:
    """采购项目执行 list: agencies (what they run), unit staff (their unit's), regulators (their region's)."""
    return in_agency_unit(user) or is_unit_staff(user) or is_regulator(user)


@right
def is_organizer_of(user, procurement) -> bool:
    """Runs this procurement's steps (公告, 结果, 流标 …): the agency's staff, or — when the purchaser organises
    it itself — the purchaser's clerk."""
    if not _in(user) or user.unit_id != procurement.organizer_id:
        return False
    if procurement.self_organized:
        return is_clerk(user)
    return in_agency_unit(user)


@right
def may_supervise_trading(user) -> bool:
    """政府采购 → 公告及文件查看, 异常处理, 查询: regulators, over their region."""
    return is_regulator(user)


@right
def may_announce(user) -> bool:
    """新增 采购公告 / 更正公告: an agency's staff (procurements it runs), a purchaser's clerk (those it organises
    itself); the procurement's organizer is checked on save."""
    return in_agency_unit(user) or is_clerk(user)


# ---- 质疑与投诉 (challenges) ----------------------------------------------------------------------------------


@right
def may_file_challenges(user) -> bool:
    """供应商 → 质疑与投诉: a supplier's staff files 质疑 (and then 投诉) on procurements it registered for, and
    sees its own and the answers sent to it."""
    return in_supplier_unit(user)


@right
def is_challenger_of(user, doc) -> bool:
    """The supplier that filed this 质疑 or 投诉 (its staff): files the 投诉, withdraws it."""
    return in_supplier_unit(user) and doc.supplier_id == user.unit_id


@right
def may_view_challenge_answers(user) -> bool:
    """采购执行 → 质疑答复: the agencies' staff (what they run) and the purchasers' staff (their own)."""
    return in_agency_unit(user) or is_unit_staff(user)


@right
def may_answer_challenge(user, challenge) -> bool:
    """答复 a 质疑 (法 53, 54): who organises the procurement (is_organizer_of), or the purchaser's clerk."""
    return (is_organizer_of(user, challenge.procurement)
            or (is_clerk(user) and user.unit_id == challenge.unit_id))


@right
def may_handle_complaints(user) -> bool:
    """政府采购 → 投诉处理: regulators, over the complaints about the purchasers of their region."""
    return is_regulator(user)


@right
def may_decide_complaint(user, complaint) -> bool:
    """受理, 暂停采购活动 and 处理决定 of a 投诉: the regulator of the purchaser's level it was filed with (法 55),
    not the one above it, which only sees it."""
    return is_regulator(user) and user.unit.region_id == complaint.regulator_region_id


# ---- 流标/废标 and 废标处理 (failures) -----------------------------------------------------------------------


@right
def may_view_failure_handlings(user) -> bool:
    """采购执行 → 流标重招 (废标处理): agencies (the procurements they run) and unit staff (their unit's, the
    clerk when the unit organises it itself)."""
    return in_agency_unit(user) or is_unit_staff(user)


@right
def may_start_failure_handling(user) -> bool:
    """新增 a 废标处理: who organises procurements — an agency's staff, a purchaser's clerk (自行组织)."""
    return in_agency_unit(user) or is_clerk(user)


@right
def may_enter_plan_failures(user) -> bool:
    """采购计划管理 → 采购计划终止 / 采购方式变更录入 (FJ 4.3, 4.4): the purchaser's staff, whose step of the 废标处理
    these pages are (the clerk completes it, the reviewer and the competent unit review it)."""
    return is_unit_staff(user)


@right
def may_send_handling_back(user, handling) -> bool:
    """回第一步 of an approved 废标处理 (JX 异常处理): a regulator of city level or above whose region holds the
    purchaser (whether the next step has started is the failures service's rule)."""
    unit = getattr(handling, "unit", None)
    return (is_regulator(user) and user.unit.region.level != "county" and unit is not None
            and regulates(user, unit))


# ---- 评审结果 (awards) ----------------------------------------------------------------------------------------


@right
def may_view_results(user) -> bool:
    """评审结果 list: agencies (the results they record), unit staff (their unit's), regulators (their region's)."""
    return in_agency_unit(user) or is_unit_staff(user) or is_regulator(user)


@right
def may_record_results(user) -> bool:
    """录入评审结果 (新增): an agency's staff, or a purchaser's clerk (分散采购自行组织, 自行采购); which lots each
    may record is the organizer's right on the procurement (is_organizer_of)."""
    return in_agency_unit(user) or is_clerk(user)
