"""Builders for the challenges tests: a procurement entrusted to tr.agency, accepted and announced."""

from trading import services as trading
from trading.tests.support import accepted, filed_plan


def procurement(tr, **kw):
    proc = accepted(tr.agency_user, filed_plan(tr.clerk, tr.reviewer, entrusted=tr.agency, **kw))
    return trading.procurement_announced(actor=tr.agency_user, procurement=proc)


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)
