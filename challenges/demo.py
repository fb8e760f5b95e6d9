"""Demo of 质疑与投诉: on the demo procurement (the plan plans/demo.py entrusted to the demo agency), the demo
supplier registers, files a 质疑 on the 采购文件, and the agency answers it. Idempotent; the steps the trading demo
has not taken yet (受理, 公告, 报名) are taken through the trading services."""

from django.utils import timezone

from orgs.models import User
from trading import selectors as trading_selectors
from trading import services as trading

from . import services
from .models import Challenge


def load_demo() -> int:
    agency = User.objects.filter(username="agency").first()
    supplier = User.objects.filter(username="supplier").first()
    if agency is None or supplier is None:
        return 0
    proc = trading_selectors.visible(agency).order_by("pk").first()
    if proc is None:
        plan = trading_selectors.awaiting(agency).first()
        if plan is None:
            return 0
        proc = trading.procurement_accept(actor=agency, plan=plan)
    if Challenge.objects.filter(procurement_id=proc.pk).exists():
        return 0
    proc = trading.procurement_announced(actor=agency, procurement=proc)
    if not trading_selectors.is_registered(supplier.unit_id, proc):
        trading.registration_create(actor=supplier, procurement=proc, contact_name="罗供应", contact_phone="13800000000")
    proc = trading_selectors.get(agency, proc.pk)
    ch = services.challenge_create(
        actor=supplier, procurement=proc, subject="documents", known_on=timezone.localdate(),
        claims="请求删除采购文件中“须具有本地服务网点”的资格条件。",
        facts="该条件与项目的具体特点和实际需要不相适应，对外地供应商实行差别待遇（政府采购法第二十二条）。")
    services.challenge_answer(actor=agency, challenge=ch, no_secrets=True,
                              answer="经核查，本地服务网点条件已在更正公告中删除，采购文件其他内容不变。")
    return 1
