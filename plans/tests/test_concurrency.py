"""Two plans submitted at the same moment for one project (two drafts made concurrently): the project's row
lock (project_mark_used) orders them, exactly one is filed for review, the other is refused."""

import pytest

from core.testing import postgres_only, race
from plans.models import Plan
from workflow import engine

from .support import plan, project, reload, used_by

pytestmark = [pytest.mark.pg, pytest.mark.django_db(transaction=True)]


def test_two_plans_racing_for_one_project(pl):
    postgres_only()
    proj = project(pl.clerk, pl.reviewer, "100000")
    a = plan(pl.clerk, proj)
    Plan.objects.filter(pk=a.pk).update(last_action="discard")  # as if B's 选择 ran before A's was saved
    b = plan(pl.clerk, proj)
    Plan.objects.filter(pk=a.pk).update(last_action="save")
    ok, refused = race([lambda: engine.submit(reload(a), pl.clerk), lambda: engine.submit(reload(b), pl.clerk)])
    assert len(ok) == 1 and refused == [(1 - ok[0], "project_taken")], (ok, refused)
    assert used_by(proj) == f"plans.plan:{(a, b)[ok[0]].pk}"
