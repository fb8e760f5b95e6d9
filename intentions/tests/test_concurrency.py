"""Two clerks save an intention on the same project at the same moment: the project rows are locked while the
lines are checked, so exactly one intention holds it (PostgreSQL: real concurrent connections)."""

import pytest

from core.testing import postgres_only, race
from intentions import selectors
from intentions.models import Intention
from intentions.testing import approved_project

from .support import save

pytestmark = [pytest.mark.pg, pytest.mark.django_db(transaction=True)]


def test_one_live_intention_per_project_under_concurrency(yx):
    postgres_only()
    p = approved_project(yx.clerk)
    ok, refused = race([lambda: save(yx.clerk, p), lambda: save(yx.clerk2, p)])
    assert len(ok) == 1 and len(refused) == 1, (ok, refused)
    assert Intention.objects.count() == 1
    assert selectors.live_lines().filter(project=p).count() == 1
