"""Demo rows of 采购执行 (the lead wires `load_demo` in after plans.demo.load): the filed plan entrusted to the demo
agency `agency` accepted (受理), its 采购公告 confirmed by the purchaser's reviewer and published, and two demo
suppliers (`supplier1`, `supplier2`, password Zc@123456, made when missing) registered. Idempotent."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from core import workdays
from orgs.models import Role, Unit, User
from orgs.testing import make_unit, make_user
from workflow import engine

from . import notices, selectors, services
from .docs import ANNOUNCEMENT
from .models import Announcement, Registration

SUPPLIERS = (("supplier1", "陈供应", "福州闽江办公设备有限公司"), ("supplier2", "林供应", "厦门鹭岛物业服务有限公司"))


def _supplier(username, full_name, unit_name):
    user = User.objects.filter(username=username).first()
    if user is None:
        unit = Unit.objects.filter(name=unit_name).first() or make_unit(unit_name, region_code="350100",
                                                                         kind=Unit.KIND_SUPPLIER)
        user = make_user(username, unit, Role.SUPPLIER, password="Zc@123456", full_name=full_name)
    return user


@transaction.atomic
def load_demo() -> int:
    agency = User.objects.filter(username="agency").first()
    reviewer = User.objects.filter(username="fj_edu_reviewer").first()
    if agency is None or reviewer is None:
        return 0
    plan = selectors.awaiting(agency).first()
    proc = services.procurement_accept(actor=agency, plan=plan) if plan is not None else None
    if proc is None:
        proc = selectors.visible(agency).filter(organizer_id=agency.unit_id).order_by("id").first()
    if proc is None:
        return 0
    if not Announcement.objects.filter(procurement=proc).exists():
        start = workdays.add_working_days(timezone.localdate(), 1)
        deadline = timezone.make_aware(dt.datetime.combine(start + dt.timedelta(days=15), dt.time(9, 30)))
        doc = ANNOUNCEMENT.save_doc(agency, None, {
            "procurement_id": str(proc.pk), "kind": "purchase", "title": "",
            "docs_start": start, "docs_end": workdays.add_working_days(start, 5), "bid_deadline": deadline,
            "opening_at": deadline, "affects_bids": False, "attachment_ids": [],
            "content": "一、采购需求：教学楼物业管理服务（保洁、秩序维护、设施设备维护），服务期一年。\n"
                       "二、供应商资格要求：符合政府采购法第二十二条规定。\n三、获取磋商文件：在获取时间内登录系统报名。",
            "intention_reason": "demand_changed", "intention_explanation": "意向公开后采购需求调整，开学前须完成采购。"},
            None)
        doc = engine.approve(engine.submit(doc, agency), reviewer, opinion="确认公告内容")
        engine.advance(doc, agency, "publish")
        proc.refresh_from_db()
    if notices.published_purchase(proc) is None:
        return 1
    for username, full_name, unit_name in SUPPLIERS:
        user = _supplier(username, full_name, unit_name)
        if not Registration.objects.filter(procurement=proc, supplier_id=user.unit_id).exists():
            lots = selectors.open_lots(proc)
            services.registration_create(actor=user, procurement=proc, lot=lots[0] if len(lots) > 1 else None,
                                         contact_name=full_name, contact_phone="0591-87650000")
    return 1
