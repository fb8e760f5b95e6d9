"""Demo rows of 统招分签: 福建省教育厅 leads an approved joint project, 省教育考试院 is invited (its window open)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from orgs.models import Unit, User
from workflow import engine

from . import selectors, services
from .models import JointProject


def load() -> int:
    lead = Unit.objects.filter(name="福建省教育厅").first()
    if lead is None or JointProject.objects.filter(unit=lead).exists():
        return 0
    clerk, reviewer = User.objects.get(username="fj_edu_clerk"), User.objects.get(username="fj_edu_reviewer")
    invited = [lead, *Unit.objects.filter(name="福建省教育考试院", is_member=True)]
    goods = selectors.leaf_categories().filter(kind="goods").first()
    with transaction.atomic():
        joint = services.joint_save(clerk, None, {
            "name": "2026年全省教育系统计算机统招分签", "fiscal_year": timezone.localdate().year, "procurement_kind": "goods",
            "summary": "全省教育系统计算机统一招标、分别签约。", "demand_summary": "台式计算机，国产化适配。",
            "expected_month": None, "execution_plan": "由省教育厅统一组织招标，各分签单位分别与中标供应商签订合同。",
            "deadline": timezone.now() + dt.timedelta(days=14), "invited_units": invited,
            "line": [{"category_id": str(goods.pk), "item_name": "台式计算机", "quantity": 200, "measure_unit": "台",
                      "unit_price": 5000}]}, None)
        engine.submit(joint, clerk)
        engine.approve(joint, reviewer, opinion="同意")
    return 1
