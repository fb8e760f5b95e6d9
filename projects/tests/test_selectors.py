"""Reads of 采购项目立项: scope on the project's own columns equals access.scope; tabs; paging without COUNT."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from access.scope import scoped
from orgs.models import Role, User
from orgs.testing import make_unit, make_user
from projects import selectors
from projects.models import Project
from workflow import engine

from .support import make_indicator, save, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread(proj, cities):
    """Projects in 省本级 (dept and its subordinate), 福州 (a member county unit), 平潭 and 厦门."""
    w = proj.w
    gulou = make_unit("鼓楼区实验小学", region_code="350102", budget_code="350102101")
    gulou_clerk = make_user("gulou_clerk", gulou, Role.CLERK)
    out = {
        "dept_draft": save(proj.clerk, indicator=proj.ind),
        "dept_pending": submitted(proj.clerk, indicator=proj.ind),
        "sub1": save(w.sub1_clerk, indicator=proj.sub_ind),
        "gulou": save(gulou_clerk, indicator=make_indicator(gulou, "10000")),
        "pt": save(cities.pt_clerk, indicator=cities.pt_ind),
        "xm": save(cities.xm_clerk, indicator=cities.xm_ind),
    }
    out["dept_done"] = engine.approve(submitted(proj.clerk, indicator=proj.ind), proj.reviewer)
    return out


def test_visible_rows_equal_access_scope_for_everyone(spread):
    users = list(User.objects.all())
    assert len(users) > 10
    for user in users:
        mine = set(Project.objects.filter(selectors.visible_q(user)).values_list("pk", flat=True))
        reference = set(scoped(Project.objects.all(), user).values_list("pk", flat=True))
        assert mine == reference, user.username


def test_unit_side_list(proj, spread):
    w = proj.w
    todo = set(selectors.projects_for(proj.clerk, tab="todo"))
    assert todo == {spread["dept_draft"], spread["dept_pending"]}
    assert list(selectors.projects_for(proj.clerk, tab="done")) == [spread["dept_done"]]
    # the competent unit sees its subordinate too; a plain reviewer only the own unit
    assert spread["sub1"] in selectors.projects_for(w.dept_competent, tab="todo")
    assert spread["sub1"] not in selectors.projects_for(proj.reviewer, tab="todo")
    assert list(selectors.projects_for(w.sub1_clerk)) == [spread["sub1"]]
    ids = [p.pk for p in selectors.projects_for(proj.clerk)]
    assert ids == sorted(ids, reverse=True)


def test_region_list(proj, spread):
    w = proj.w
    province = set(selectors.region_projects(w.fj_reg))
    assert province == set(spread.values())
    fuzhou = set(selectors.region_projects(w.fz_reg))
    assert fuzhou == {spread["gulou"]}   # 平潭 hangs from the province, not from 福州
    assert not selectors.region_projects(w.jx_reg).exists()
    assert not selectors.region_projects(proj.clerk).exists()   # not a regulator


def test_filters(proj, spread):
    p = spread["dept_draft"]
    assert list(selectors.projects_for(proj.clerk, filters={"number": p.number})) == [p]
    assert list(selectors.projects_for(proj.clerk, filters={"number": p.number[-6:]})) == [p]
    assert set(selectors.projects_for(proj.clerk, filters={"name": "计算机"})) >= {p}
    assert not selectors.projects_for(proj.clerk, filters={"fiscal_year": 1999}).exists()
    assert not selectors.projects_for(proj.clerk, filters={"implementation_form": "mall"}).exists()
    assert list(selectors.region_projects(proj.w.fj_reg, filters={"unit_name": "厦门"})) == [spread["xm"]]


def test_page_numbers_and_keyset_agree(proj):
    for _ in range(7):
        save(proj.clerk, indicator=proj.ind)
    qs = selectors.projects_for(proj.clerk)
    all_ids = list(qs.values_list("pk", flat=True))
    first = selectors.paginate(qs, page=1, per_page=3)
    assert [p.pk for p in first.rows] == all_ids[:3] and first.has_next and first.next_after == all_ids[2]
    second = selectors.paginate(qs, after=first.next_after, per_page=3)
    assert [p.pk for p in second.rows] == all_ids[3:6] == [p.pk for p in selectors.paginate(qs, page=2, per_page=3).rows]
    third = selectors.paginate(qs, after=second.next_after, per_page=3)
    assert [p.pk for p in third.rows] == all_ids[6:] and not third.has_next and third.next_after is None
    assert selectors.paginate(qs, page="x", per_page=3).number == 1
    assert selectors.paginate(qs, after="-5", per_page=3).after is None


def test_paging_uses_no_count_and_one_query(proj):
    save(proj.clerk, indicator=proj.ind)
    with CaptureQueriesContext(connection) as ctx:
        selectors.paginate(selectors.projects_for(proj.clerk, tab="todo"), after=10**9)
    assert len(ctx.captured_queries) == 1
    sql = ctx.captured_queries[0]["sql"].upper()
    assert "COUNT(" not in sql and "ORDER BY" in sql and "LIMIT 21" in sql


def test_capped_count(proj):
    for _ in range(5):
        save(proj.clerk, indicator=proj.ind)
    qs = selectors.projects_for(proj.clerk)
    assert selectors.capped_count(qs) == (5, False)
    assert selectors.capped_count(qs, cap=5) == (5, False)
    assert selectors.capped_count(qs, cap=3) == (3, True)
    counts = selectors.tab_counts(lambda t: selectors.projects_for(proj.clerk, tab=t))
    assert counts == {"todo": (5, False), "done": (0, False), "revoked": (0, False)}


def test_get_project_is_scoped(proj, spread):
    from django.http import Http404

    assert selectors.get_project(proj.clerk, spread["dept_draft"].pk) == spread["dept_draft"]
    assert selectors.get_project(proj.w.fj_reg, spread["xm"].pk) == spread["xm"]
    for user, key in [(proj.w.sub1_clerk, "dept_draft"), (proj.w.fz_reg, "xm"), (proj.w.jx_reg, "dept_done")]:
        with pytest.raises(Http404):
            selectors.get_project(user, spread[key].pk)
