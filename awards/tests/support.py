"""Builders for the results' tests: a procurement in progress run by the agency, a recorded result, a confirmed one."""

import datetime as dt

from awards import demo, services
from awards.models import Result
from trading import services as trading_services
from trading.tests.support import accepted, filed_plan
from workflow import engine


def in_progress(tr, amount="300000", **kw):
    proc = accepted(tr.agency_user, filed_plan(tr.clerk, tr.reviewer, amount, entrusted=tr.agency, **kw))
    return trading_services.procurement_announced(actor=tr.agency_user, procurement=proc)


def lot_of(proc):
    return proc.lots.order_by("seq").first()


def recorded(tr, proc=None, *, n=2, report_date=None, submit=True):
    proc = proc or in_progress(tr)
    result = demo.record(tr.agency_user, lot_of(proc), n=n, report_date=report_date or dt.date(2026, 3, 2))
    return engine.submit(result, tr.agency_user) if submit else result


def confirmed(tr, proc=None, **kw):
    result = recorded(tr, proc, **kw)
    return services.result_confirm(actor=tr.reviewer, result=result)


def reload(r):
    return Result.objects.get(pk=r.pk)
