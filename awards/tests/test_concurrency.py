"""Two results saved at once on one lot (real concurrent PostgreSQL connections): the save locks the procurement
row (trading.selectors.locked), so one live result per lot and round holds — one is saved, the other refused."""

import pytest

from awards import demo
from awards.models import Result
from core.testing import postgres_only, race
from workflow.kit import editing

from .support import in_progress, lot_of

pytestmark = [pytest.mark.pg, pytest.mark.django_db(transaction=True)]


def test_two_results_saved_at_once_on_one_lot(tr):
    postgres_only()
    proc = in_progress(tr)
    lot = lot_of(proc)

    def save():  # as the 新增 page does: 保存 in one transaction
        return editing.save_and_submit(lambda: demo.record(tr.agency_user, lot), actor=tr.agency_user, submit=False)

    ok, refused = race([save, save])
    assert len(ok) == 1 and refused == [(1 - ok[0], "result_exists")], (ok, refused)
    assert Result.objects.filter(lot=lot, round=1).count() == 1

