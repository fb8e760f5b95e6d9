"""Demo of 质疑与投诉 (portal.demo runs it after trading.demo): on the agency's demo procurement (信息系统运行维护服务,
announced, `supplier1` and `supplier2` registered) `supplier1` files a 质疑 on the 采购文件 and the agency answers
it; the answer is told to every registered supplier. Once: a second run returns 0; 0 also when the trading demo's
steps are not there."""

from django.db import transaction
from django.utils import timezone

from orgs.models import User
from trading import selectors as trading_selectors

from . import services
from .models import Challenge

STORY_PLAN = "2026年教育信息系统运行维护服务"  # trading.demo.STORY_PLAN


@transaction.atomic
def load_demo() -> int:
    agency = User.objects.filter(username="agency").first()
    supplier = User.objects.filter(username="supplier1").first()
    if agency is None or supplier is None:
        return 0
    proc = (trading_selectors.visible(agency).filter(organizer_id=agency.unit_id, name=STORY_PLAN)
            .order_by("pk").first())
    if (proc is None or proc.status != "in_progress" or Challenge.objects.filter(procurement_id=proc.pk).exists()
            or not trading_selectors.is_registered(supplier.unit_id, proc)):
        return 0
    ch = services.challenge_create(
        actor=supplier, procurement=proc, subject="documents", known_on=timezone.localdate(),
        claims="请求删除磋商文件中“须在福州市区设有常驻服务网点”的资格条件。",
        facts="该条件与项目的具体特点和实际需要不相适应，对外地供应商实行差别待遇（政府采购法第二十二条、"
              "实施条例第二十条）。")
    services.challenge_answer(actor=agency, challenge=ch, no_secrets=True,
                              answer="经核查，该条件已调整为“中标后30日内在福州市区设立服务网点”，"
                                     "磋商文件其他内容不变，响应截止时间不变。")
    return 1
