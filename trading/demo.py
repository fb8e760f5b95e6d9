"""Demo rows of 采购执行, through the services and the engine as users' clicks would (portal.demo runs it after
plans.demo): the two filed plans of 福建省教育厅 taken up by their organisers.

- STORY_PLAN (竞争性磋商, entrusted to the agency `agency`): 受理, 采购公告 confirmed by the purchaser's reviewer
  and published, the suppliers `supplier1` and `supplier2` registered (challenges.demo and awards.demo go on);
- TENDER_PLAN (公开招标, the 集中采购机构 `central`): 受理, 采购公告 published, one supplier (`supplier`)
  registered (failures.demo declares the 流标).

The suppliers' accounts (password Zc@123456) are made when missing. Each step is taken once: a second run adds
nothing and returns 0."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from core import workdays
from orgs.models import Role, Unit, User
from orgs.testing import credit_code, make_unit, make_user
from workflow import engine

from . import notices, selectors, services
from .docs import ANNOUNCEMENT
from .models import Announcement, Registration

# username, full name, unit, the unit's credit code and region (this runs in another process than portal.demo.load, whose
# builder sequence restarts: explicit codes keep them apart)
SUPPLIERS = (("supplier1", "陈供应", "福州闽江数据服务有限公司", 90011, "350100"),
             ("supplier2", "林供应", "厦门鹭岛软件科技有限公司", 90012, "350200"))
STORY_PLAN = "2026年教育信息系统运行维护服务"  # plans.demo: 竞争性磋商, entrusted to `agency`
TENDER_PLAN = "2026年教室计算机设备更新"  # plans.demo.TENDER_PLAN: 公开招标, 集中采购机构 `central`

STORY_CONTENT = ("一、采购需求：教育管理信息系统及机房设备运行维护服务（驻场运维、故障响应、巡检），服务期一年。\n"
                 "二、供应商资格要求：符合政府采购法第二十二条规定。\n三、获取磋商文件：在获取时间内登录系统报名。")
TENDER_CONTENT = ("一、采购需求：台式计算机700台（教室多媒体教学用），含三年原厂质保及上门服务。\n"
                  "二、投标人资格要求：符合政府采购法第二十二条规定；本项目专门面向中小企业采购。\n"
                  "三、获取招标文件：在获取时间内登录系统报名后下载。")


def supplier(username: str) -> User | None:
    """The demo supplier account (made with its unit when missing)."""
    user = User.objects.filter(username=username).first()
    row = next((s for s in SUPPLIERS if s[0] == username), None)
    if user is None and row is not None:
        _, full_name, unit_name, code, region = row
        unit = Unit.objects.filter(name=unit_name).first() or make_unit(
            unit_name, region_code=region, kind=Unit.KIND_SUPPLIER, code=credit_code(code))
        user = make_user(username, unit, Role.SUPPLIER, password="Zc@123456", full_name=full_name)
    return user


def take_up(organizer: User, plan_name: str):
    """The organiser's procurement of the named plan: 受理 when it is still waiting. (procurement, made)."""
    plan = selectors.awaiting(organizer).filter(name=plan_name).order_by("pk").first()
    if plan is not None:
        return services.procurement_accept(actor=organizer, plan=plan), 1
    return selectors.visible(organizer).filter(organizer_id=organizer.unit_id, name=plan_name).order_by("pk").first(), 0


def announce(proc, organizer: User, reviewer: User, *, days: int, content: str, explanation: str) -> int:
    """The procurement's 采购公告: saved by the organiser, confirmed by the purchaser's reviewer, published.
    `days`: from the documents' issue to the deadline (at least the method's period)."""
    if Announcement.objects.filter(procurement=proc).exists():
        return 0
    start = workdays.add_working_days(timezone.localdate(), 1)
    deadline = timezone.make_aware(dt.datetime.combine(start + dt.timedelta(days=days), dt.time(9, 30)))
    doc = ANNOUNCEMENT.save_doc(organizer, None, {
        "procurement_id": str(proc.pk), "kind": "purchase", "title": "",
        "docs_start": start, "docs_end": workdays.add_working_days(start, 5), "bid_deadline": deadline,
        "opening_at": deadline, "affects_bids": False, "attachment_ids": [], "content": content,
        "intention_reason": "not_published", "intention_explanation": explanation}, None)
    doc = engine.approve(engine.submit(doc, organizer), reviewer, opinion="确认公告内容")
    engine.advance(doc, organizer, "publish")
    return 1


def register(proc, user: User, phone: str) -> int:
    if Registration.objects.filter(procurement=proc, supplier_id=user.unit_id).exists():
        return 0
    lots = selectors.open_lots(proc)
    services.registration_create(actor=user, procurement=proc, lot=lots[0] if len(lots) > 1 else None,
                                 contact_name=user.full_name or user.username, contact_phone=phone)
    return 1


@transaction.atomic
def _story(organizer_name: str, plan_name: str, suppliers: list[str], *, days: int, content: str,
           explanation: str) -> int:
    organizer = User.objects.filter(username=organizer_name).first()
    reviewer = User.objects.filter(username="fj_edu_reviewer").first()
    if organizer is None or reviewer is None:
        return 0
    proc, made = take_up(organizer, plan_name)
    if proc is None:
        return 0
    made += announce(proc, organizer, reviewer, days=days, content=content, explanation=explanation)
    proc.refresh_from_db()
    if notices.published_purchase(proc) is None:
        return made
    for i, username in enumerate(suppliers):
        user = supplier(username)
        if user is not None:
            made += register(proc, user, f"0591-8765000{i + 1}")
    return made


OPEN_PLAN = "2026年图书馆图书资料采购"  # plans.demo.OPEN_PLAN: 询价, entrusted to `agency`, left open for 报名
OPEN_CONTENT = ("一、采购需求：图书馆中文图书及工具书约4000册，含加工、编目及配送。\n"
                "二、供应商资格要求：符合政府采购法第二十二条规定，具有出版物经营许可证。\n"
                "三、获取询价文件：在获取时间内登录系统报名。")


def load_open() -> int:
    """The third plan: 受理 and an 询价 announcement published, its deadline ahead and nobody registered yet."""
    return _story("agency", OPEN_PLAN, [], days=10, content=OPEN_CONTENT,
                  explanation="图书采购需求于新学期前确定，未能提前三十日公开采购意向。")


def load_demo() -> int:
    """Both plans as above, each in its own transaction; how many steps were taken (0 the second time)."""
    return (_story("agency", STORY_PLAN, ["supplier1", "supplier2"], days=15, content=STORY_CONTENT,
                   explanation="原运维服务合同于开学前到期，项目立项晚于意向公开时点，未能提前公开采购意向。")
            + _story("central", TENDER_PLAN, ["supplier"], days=21, content=TENDER_CONTENT,
                     explanation="教室计算机设备老化，需在秋季开学前完成更新，年初未及公开采购意向。"))
