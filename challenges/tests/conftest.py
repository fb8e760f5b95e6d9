import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from trading.tests.conftest import tr  # noqa: F401

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def clock(monkeypatch):
    """clock(date, hour=10): every service sees that moment as now (timezone.now and localdate)."""

    def set_(day: dt.date, hour: int = 10):
        moment = dt.datetime(day.year, day.month, day.day, hour, tzinfo=SH)
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return set_


@pytest.fixture
def ch(tr, clock):  # noqa: F811  (the imported fixture)
    """`tr` plus a procurement entrusted to tr.agency, accepted on 2025-09-01 and announced, both suppliers
    registered; `ch.make(known_on, on=…)` files tr.supplier's 质疑 on that day."""
    from challenges import services
    from trading import services as trading
    from trading.models import Procurement

    from .support import procurement

    proc = procurement(tr)
    trading.registration_create(actor=tr.supplier_user, procurement=proc, contact_name="张三", contact_phone="13800000000")
    trading.registration_create(actor=tr.supplier2_user, procurement=proc, contact_name="李四",
                                contact_phone="13900000000")
    Procurement.objects.filter(pk=proc.pk).update(accepted_at=dt.datetime(2025, 9, 1, 9, tzinfo=SH))
    proc = Procurement.objects.select_related("unit", "unit__region").get(pk=proc.pk)
    t = SimpleNamespace(tr=tr, proc=proc, clock=clock)

    def make(known_on=dt.date(2025, 9, 26), on=None, user=None, subject="documents"):
        clock(on or known_on)
        return services.challenge_create(actor=user or tr.supplier_user, procurement=proc, subject=subject,
                                         known_on=known_on, claims="请求修改评分标准", facts="评分标准指向特定品牌")

    t.make = make
    return t
