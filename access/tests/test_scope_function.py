"""access.scope.scope_q: the one scope function, over a unit FK, over declared (denormalised) scope columns,
over rows placed by a region path only, with the include-subordinates option and the regulator's region."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from access import scope
from orgs import scope_columns
from orgs.models import Region, Role, Unit, User
from orgs.testing import make_unit, make_user

pytestmark = pytest.mark.django_db


def usernames(user, **kw) -> set[str]:
    return set(User.objects.filter(scope.scope_q(user, User, **kw)).values_list("username", flat=True))


DEPT_TREE = {"dept_clerk", "dept_reviewer", "dept_competent", "sub1_clerk"}
FZ = {"fz_reg", "fz_clerk", "fz_reviewer"}


# ---- over a unit FK ----------------------------------------------------------------------------------------


def test_own_unit_for_plain_staff(world):
    assert usernames(world.fz_clerk) == {"fz_clerk", "fz_reviewer"}


def test_competent_role_sees_the_tree_by_default_and_own_unit_when_asked(world):
    assert usernames(world.dept_competent) == DEPT_TREE
    assert usernames(world.dept_competent, include_subordinates=False) == {"dept_clerk", "dept_reviewer",
                                                                           "dept_competent"}
    assert usernames(world.dept_competent, include_subordinates=True) == DEPT_TREE


def test_include_subordinates_widens_staff_of_a_competent_unit_only(world):
    """包含下级单位: the clerk of a competent unit (no competent role) sees the tree only when it asks; a plain
    unit's clerk asking gets its own unit."""
    own_dept = {"dept_clerk", "dept_reviewer", "dept_competent"}
    assert usernames(world.dept_clerk) == own_dept
    assert usernames(world.dept_clerk, include_subordinates=True) == DEPT_TREE
    assert usernames(world.fz_clerk, include_subordinates=True) == {"fz_clerk", "fz_reviewer"}
    assert usernames(world.sub1_clerk, include_subordinates=True) == {"sub1_clerk"}


def test_regulator_sees_its_region_through_the_unit(world):
    assert usernames(world.fz_reg) == FZ
    assert usernames(world.jx_reg) == {"jx_reg", "jx_clerk"}
    fj = usernames(world.fj_reg)
    assert FZ | DEPT_TREE <= fj and not fj & {"jx_reg", "jx_clerk"}


def test_admin_everything_anonymous_and_unitless_nothing(world):
    admin = make_user("admin_x", None, Role.ADMIN)
    assert scope.scope_q(admin, User) == Q()
    assert usernames(admin) == set(User.objects.values_list("username", flat=True))
    assert usernames(AnonymousUser()) == set()
    assert usernames(make_user("nobody", None, Role.CLERK, Role.REGULATOR)) == set()


def test_plain_staff_filter_is_the_unit_column_alone(world):
    sql = str(User.objects.filter(scope.scope_q(world.fz_clerk, User)).query)
    assert "JOIN" not in sql and '"unit_id" = ' in sql


def test_units_themselves(world):
    assert set(scope.units(world.fz_reg).values_list("name", flat=True)) == {"福州市财政局采购办", "福州市第一中学"}
    got = set(Unit.objects.filter(scope.scope_q(world.dept_competent, Unit, unit_field="")).values_list("name",
                                                                                                     flat=True))
    assert got == {"福建省教育厅", "福建省教育考试院"}


# ---- over declared scope columns (orgs.scope_columns) -----------------------------------------------------


@pytest.fixture
def declared_users(world):
    """Users declare `full_name` as the copy of their unit's region path (a stand-in for a document's
    denormalised column), filled by the one refresh mechanism."""
    saved = list(scope_columns._REGISTRY)
    scope_columns.register(User, unit_field="unit", columns={"full_name": "region_path"})
    scope_columns.refresh_scope_columns(Unit.objects.filter(competent__isnull=True))
    yield world
    scope_columns._REGISTRY[:] = saved


def test_declared_column_is_used_without_a_join(declared_users):
    w = declared_users
    assert User.objects.get(username="fz_clerk").full_name == "/350000/350100/"
    qs = User.objects.filter(scope.scope_q(w.fz_reg, User))
    sql = str(qs.query)
    assert '"full_name" IN' in sql and "JOIN" not in sql and "LIKE" not in sql
    assert set(qs.values_list("username", flat=True)) == FZ


def test_declared_column_gives_the_rows_of_the_join(declared_users):
    """Same rows as the prefix filter through the unit, for every regulator."""
    w = declared_users
    for reg in (w.fz_reg, w.fj_reg, w.jx_reg):
        declared = usernames(reg)
        joined = set(User.objects.filter(Q(unit_id=reg.unit_id) | Q(unit__region_path__startswith=reg.unit.region_path))
                     .values_list("username", flat=True))
        assert declared == joined


def test_declared_column_follows_a_unit_that_moves(declared_users):
    w = declared_users
    unit = Unit.objects.get(pk=w.fz_unit.pk)
    unit.region = Region.objects.get(code="350200")
    unit.save()
    scope_columns.refresh_scope_columns([unit])  # what orgs.services does when a unit's region changes
    assert usernames(w.fz_reg) == {"fz_reg"}
    xm_reg = make_user("xm_reg", make_unit("厦门市财政局", region_code="350200", kind=Unit.KIND_REGULATOR),
                       Role.REGULATOR)
    assert usernames(xm_reg) == {"xm_reg", "fz_clerk", "fz_reviewer"}


def test_a_scope_filter_costs_two_small_lookups_at_most(declared_users):
    """The region paths and the subordinate ids are read from the small tables when the Q is built."""
    w = declared_users
    with CaptureQueriesContext(connection) as ctx:
        scope.scope_q(w.fz_reg, User)
    assert len(ctx.captured_queries) <= 2


# ---- rows placed by a region path only (notices, platform messages) ------------------------------------------


def region_units(user, **kw) -> set[str]:
    return set(Unit.objects.filter(scope.scope_q(user, Unit, unit_field=None, region_field="region_path", **kw))
               .values_list("name", flat=True))


def test_region_rows_for_a_regulator_the_admin_and_others(world):
    assert region_units(world.fz_reg) == {"福州市财政局采购办", "福州市第一中学"}
    assert region_units(world.fz_clerk) == set()            # no jurisdiction
    admin = make_user("admin_y", None, Role.ADMIN)
    assert region_units(admin) == set(Unit.objects.values_list("name", flat=True))


def test_region_rows_above(world):
    """`above`: the user's region and those above it, for anyone with a unit; below only for a regulator."""
    gulou = make_unit("鼓楼区某小学", region_code="350102")
    fujian = {"福建省财政厅政府采购监管处", "福建省教育厅", "福建省教育考试院"}
    fuzhou = {"福州市财政局采购办", "福州市第一中学"}
    assert region_units(world.fz_clerk, above=True) == fujian | fuzhou
    assert region_units(world.fz_reg, above=True) == fujian | fuzhou | {gulou.name}
    assert region_units(world.jx_clerk, above=True) == {"江西省财政厅政府采购监督管理处", "南昌市第一中学"}


def test_region_q_needs_a_way_to_the_region(world):
    with pytest.raises(ValueError):
        scope.region_q(world.fz_reg, Unit, unit_field=None)


def test_jurisdiction_and_region_paths(world):
    assert scope.jurisdiction(world.fz_reg) == "/350000/350100/"
    assert scope.jurisdiction(make_user("admin_z", None, Role.ADMIN)) == ""
    assert scope.jurisdiction(world.fz_clerk) is None
    assert scope.jurisdiction(AnonymousUser()) is None
    assert scope.region_paths_above("/350000/350100/350102/") == ["/350000/", "/350000/350100/",
                                                                 "/350000/350100/350102/"]
    assert "/350000/350100/350102/" in scope.region_paths_below("/350000/350100/")
    assert "/350000/350128/" not in scope.region_paths_below("/350000/350100/")
