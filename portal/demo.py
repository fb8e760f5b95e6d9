"""Demo data: units and users for every role, loaded through the services like real work.

Every demo account's password is DEMO_PASSWORD.
"""

from django.db import transaction

from awards import demo as awards_demo
from budgets.models import BudgetIndicator
from challenges import demo as challenges_demo
from core.models import Category
from failures import demo as failures_demo
from integration.models import PlatformUnit
from intentions import demo as intentions_demo
from joint import demo as joint_demo
from orgs.models import Role, Unit, User
from orgs.testing import make_unit, make_user
from plans import demo as plans_demo
from portal.services import bulletin_publish
from projects import services as project_services
from projects.models import Project
from registry import services as registry_services
from trading import demo as trading_demo
from workflow import engine

DEMO_PASSWORD = "Zc@123456"

# username, full name, unit key, roles, what to try
ACCOUNTS = [
    ("admin", "系统管理员", "fj_reg", [Role.ADMIN], "规则参数、工作日调整（全部区划）"),
    ("fj_reg", "林监管", "fj_reg", [Role.REGULATOR], "福建省级监管：审核省级及无采购办地区的单位信息、隶属关系"),
    ("fz_reg", "陈监管", "fz_reg", [Role.REGULATOR], "福州市采购办：审核福州市单位信息"),
    ("jx_reg", "赵监管", "jx_reg", [Role.REGULATOR], "江西省监管：只见江西的单位"),
    ("fj_edu_clerk", "王经办", "fj_edu", [Role.CLERK], "省教育厅经办岗（主管预算单位）"),
    ("fj_edu_reviewer", "李审核", "fj_edu", [Role.REVIEWER], "省教育厅审核岗"),
    ("fj_edu_leader", "张领导", "fj_edu", [Role.LEADER], "省教育厅需求领导"),
    ("fj_edu_competent", "刘主管", "fj_edu", [Role.COMPETENT], "省教育厅主管岗：确认下级单位隶属关系"),
    ("fj_exam_clerk", "黄经办", "fj_exam", [Role.CLERK], "下级单位：省教育考试院经办岗"),
    ("fj_exam_reviewer", "吴审核", "fj_exam", [Role.REVIEWER], "下级单位：省教育考试院审核岗"),
    ("fj_av_clerk", "郑经办", "fj_av", [Role.CLERK], "下级单位：省电化教育馆经办岗（隶属关系待确认）"),
    ("fz_clerk", "周经办", "fz_school", [Role.CLERK], "福州市第一中学经办岗：填报用户库基本信息"),
    ("fz_reviewer", "徐审核", "fz_school", [Role.REVIEWER], "福州市第一中学审核岗"),
    ("xm_clerk", "孙经办", "xm_unit", [Role.CLERK], "厦门市市政园林局经办岗（信息待审核）"),
    ("jx_clerk", "马经办", "jx_unit", [Role.CLERK], "南昌市教育局经办岗"),
    ("agency", "何代理", "agency", [Role.AGENCY], "代理机构"),
    ("supplier", "罗供应", "supplier", [Role.SUPPLIER], "供应商"),
    ("expert", "谢专家", "expert", [Role.EXPERT], "评审专家"),
]
# made by `load_demo --projects` (plans.demo, trading.demo): username, full name, what to try
LATER_ACCOUNTS = [
    ("central", "许集采", "集中采购机构·福建省政府采购中心：公开招标流标 → 变更采购方式"),
    ("supplier1", "陈供应", "供应商·福州闽江数据服务有限公司：已报名、已提出质疑（已答复）"),
    ("supplier2", "林供应", "供应商·厦门鹭岛软件科技有限公司：已报名、成交"),
]


@transaction.atomic
def load() -> bool:
    """Load once; returns False when the demo data is already there."""
    if User.objects.filter(username="fj_reg").exists():
        return False
    units = {
        "fj_reg": make_unit("福建省财政厅政府采购监管处", region_code="350000", kind=Unit.KIND_REGULATOR),
        "fz_reg": make_unit("福州市财政局政府采购监管科", region_code="350100", kind=Unit.KIND_REGULATOR),
        "jx_reg": make_unit("江西省财政厅政府采购监督管理处", region_code="360000", kind=Unit.KIND_REGULATOR),
        "fj_edu": make_unit("福建省教育厅", region_code="350000", is_competent=True, budget_code="350001001"),
        "xm_unit": make_unit("厦门市市政园林局", region_code="350200", budget_code="350200301", is_member=False),
        "jx_unit": make_unit("南昌市教育局", region_code="360100", budget_code="360100201", is_competent=True),
        "fz_school": make_unit("福州市第一中学", region_code="350100", is_member=False),
        "agency": make_unit("福建省招标采购集团有限公司", region_code="350000", kind=Unit.KIND_AGENCY),
        "supplier": make_unit("福州榕城信息技术有限公司", region_code="350100", kind=Unit.KIND_SUPPLIER),
        "expert": make_unit("福建省政府采购评审专家库", region_code="350000", kind=Unit.KIND_EXPERT),
    }
    units["fj_exam"] = make_unit("福建省教育考试院", region_code="350000", budget_code="350001002")
    units["fj_av"] = make_unit("福建省电化教育馆", region_code="350000", budget_code="350001003")
    for u in units.values():
        if u.kind == Unit.KIND_PURCHASER:
            u.address = f"{u.region.name}{u.name}办公楼"
            u.legal_representative = "示例法人"
            u.save()
    # the budget platform's unit records (the integration feed will keep this table current)
    platform_codes = {"fz_school": "350100101"}
    for key, u in units.items():
        if u.kind == Unit.KIND_PURCHASER:
            PlatformUnit.objects.create(agency_code=platform_codes.get(key, u.budget_code), agency_name=u.name,
                                        credit_code=u.credit_code, mof_div_code=u.region.code, fiscal_year=2026)
    users = {}
    for username, name, unit_key, roles, _ in ACCOUNTS:
        users[username] = make_user(username, units[unit_key], *roles, password=DEMO_PASSWORD, full_name=name)
    admin = users["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()

    # a Fujian registration waiting for the provincial regulator (厦门 has no regulator of its own in the demo)
    xm = units["xm_unit"]
    reg = registry_services.registration_save(actor=users["xm_clerk"], data={
        **registry_services.registration_prefill(xm), "contact_name": "孙经办", "contact_phone": "0592-5550101",
        "address": "厦门市思明区湖滨北路", "legal_representative": "示例法人"})
    engine.submit(reg, users["xm_clerk"])
    # one subordinate unit chose its competent unit and the department confirmed it ...
    link = registry_services.subordination_request(actor=users["fj_exam_clerk"], competent_unit=units["fj_edu"],
                                                   note="省教育厅直属事业单位")
    engine.approve(link, users["fj_edu_competent"], opinion="确认隶属")
    # ... another has chosen it; the department still has to confirm
    registry_services.subordination_request(actor=users["fj_av_clerk"], competent_unit=units["fj_edu"],
                                            note="根据机构编制文件，隶属省教育厅")
    bulletin_publish(actor=users["fj_reg"], title="关于做好采购单位用户库基本信息核对工作的通知",
                     body="各采购单位：\n请核对用户库基本信息中的单位预算编码，确保与预算管理一体化平台一致后提交审核。")
    bulletin_publish(actor=users["fz_reg"], title="福州市2026年度政府采购分散采购限额标准提示",
                     body="福州市货物、服务类项目分散采购限额标准为50万元，工程类为100万元。")
    return True


def accounts_table() -> str:
    lines = [f"{'账号':<18}{'密码':<12}说明"]
    for username, name, _, _, note in ACCOUNTS:
        lines.append(f"{username:<18}{DEMO_PASSWORD:<12}{name}：{note}")
    for username, name, note in LATER_ACCOUNTS:
        lines.append(f"{username:<18}{DEMO_PASSWORD:<12}{name}：{note}（指标到达后载入）")
    return "\n".join(lines)


def load_projects() -> int:
    """Projects of 福建省教育厅 on the indicators the simulator pushed: one approved and used (fund operations
    possible), one approved and unused (撤销/变更 possible), one waiting for the reviewer. Once only."""
    unit = Unit.objects.get(name="福建省教育厅")
    if Project.objects.filter(unit=unit).exists():
        return 0
    indicators = list(BudgetIndicator.objects.filter(unit=unit, is_valid=True, is_executable=True)
                      .order_by("bgt_id"))
    if len(indicators) < 2:
        return 0
    clerk = User.objects.get(username="fj_edu_clerk")
    reviewer = User.objects.get(username="fj_edu_reviewer")
    goods = Category.objects.filter(kind="goods", is_leaf=True).order_by("code")
    plans = [
        ("2026年教学设备购置", goods[0], "台", 40, "5000.00", [(indicators[0], "120000.00"), (indicators[1], "80000.00")],
         "approve_and_use"),
        ("2026年办公设备更新", goods[1], "台", 30, "3000.00", [(indicators[0], "90000.00")], "approve"),
        ("2026年实验室耗材", goods[2], "批", 1, "60000.00", [(indicators[1], "60000.00")], "submit"),
    ]
    made = 0
    for name, category, measure, qty, price, funds, fate in plans:
        with transaction.atomic():
            project = project_services.project_save(
                actor=clerk,
                data={"name": name, "fiscal_year": indicators[0].fiscal_year, "implementation_form": "general",
                      "procurement_kind": "goods", "summary": f"{name}，用于全省教育系统业务保障。",
                      "contact_name": "王经办", "contact_phone": "0591-87091234"},
                content_lines=[{"category": category, "item_name": category.name, "quantity": qty,
                                "measure_unit": measure, "unit_price": price}],
                fund_lines=[{"indicator": ind, "amount": amount} for ind, amount in funds])
            engine.submit(project, clerk)
            if fate != "submit":
                engine.approve(project, reviewer, opinion="同意立项")
            if fate == "approve_and_use":
                project_services.project_mark_used(project=project, by="采购计划（演示）", actor=clerk)
        made += 1
    intentions_demo.load(clerk=clerk, reviewer=reviewer)  # a published 采购意向 on a project above
    joint_demo.load()  # 统招分签 (its own count: load_projects counts projects)
    return made


# the 采购执行 stories, in order; each step returns how many rows it made (0 when done before or when what it
# builds on is missing) and runs in its own transaction
STORIES = [
    plans_demo.load,              # 集中采购机构 `central`; the agency's filed plan (竞争性磋商, 信息系统运行维护服务)
    plans_demo.load_tender_plan,  # the 集中采购机构's filed plan (公开招标, 4,200,000 元, 台式计算机)
    trading_demo.load_demo,       # both: 受理, 采购公告 published; supplier1 + supplier2 / supplier register
    challenges_demo.load_demo,    # 运维: supplier1's 质疑 answered by the agency
    awards_demo.load_demo,        # 运维: 评审结果 confirmed, 成交通知书, 结果公告
    failures_demo.load_demo,      # 计算机: 流标 → 变更采购方式 (竞争性谈判), approved by fj_reg
    plans_demo.load_open_plan,    # 图书: a filed 询价 plan entrusted to `agency`
    trading_demo.load_open,       # 图书: announced, open for 报名 (supplier1 / supplier2 can try it)
]


def load_stories() -> int:
    """The demo's 采购执行: one project announced to its result with a 质疑 answered on the way, one 公开招标
    through 流标 to an approved 变更采购方式. Once: a second run returns 0."""
    # after load_projects (which stops once the unit has projects: the plans' projects must not come first)
    if not Project.objects.filter(unit__name="福建省教育厅", name="2026年教学设备购置").exists():
        return 0
    made = 0
    for step in STORIES:
        with transaction.atomic():
            made += step()
    return made
