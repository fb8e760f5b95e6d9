"""access.scope: which units (and rows of units) a user sees; out of scope is a 404."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from access.scope import covers, get_or_404, in_jurisdiction, scoped, unit_q, units
from orgs.models import Role, Unit, User
from orgs.testing import make_unit, make_user
from registry.models import Subordination
from workflow import engine


@pytest.fixture
def tree(world):
    """world plus: a grandchild under 福建省教育考试院, a sibling under the 教育厅, an unrelated 省级 unit,
    a 鼓楼区 unit, a 平潭 unit (350128, path /350000/350128/) and an admin."""
    t = SimpleNamespace(**vars(world))
    t.sub1.is_competent = True
    t.sub1.save()
    t.grandchild = make_unit("福建省教育考试院考务中心", region_code="350000", competent=world.sub1)
    t.sub2 = make_unit("福建省教育装备中心", region_code="350000", competent=world.dept)
    t.other_dept = make_unit("福建省民政厅", region_code="350000", is_competent=True)
    t.gulou = make_unit("福州市鼓楼区实验小学", region_code="350102")
    t.pingtan = make_unit("平潭综合实验区实验小学", region_code="350128")
    t.sub1_competent = make_user("sub1_competent", world.sub1, Role.COMPETENT)
    t.admin = make_user("admin1", world.fj_reg_unit, Role.ADMIN)
    return t


def visible(user) -> set[str]:
    return set(units(user).values_list("name", flat=True))


def names(*us) -> set[str]:
    return {u.name for u in us}


FUJIAN = ["fj_reg_unit", "fz_reg_unit", "dept", "sub1", "grandchild", "sub2", "other_dept", "fz_unit", "gulou",
          "pingtan"]


def test_paths_are_what_scope_relies_on(tree):
    assert tree.dept.path == f"/{tree.dept.pk}/"
    assert tree.grandchild.path == f"/{tree.dept.pk}/{tree.sub1.pk}/{tree.grandchild.pk}/"
    assert tree.pingtan.region_path == "/350000/350128/"
    assert tree.gulou.region_path == "/350000/350100/350102/"


def test_own_unit_only_for_plain_staff(tree):
    assert visible(tree.dept_clerk) == names(tree.dept)
    assert visible(tree.dept_reviewer) == names(tree.dept)
    assert visible(tree.fz_clerk) == names(tree.fz_unit)
    assert visible(tree.sub1_clerk) == names(tree.sub1)


def test_competent_sees_its_subordinate_tree_but_not_siblings(tree):
    assert visible(tree.dept_competent) == names(tree.dept, tree.sub1, tree.grandchild, tree.sub2)
    # one level down: its own subordinates, not its sibling nor its own competent unit
    assert visible(tree.sub1_competent) == names(tree.sub1, tree.grandchild)
    assert not covers(tree.sub1_competent, tree.sub2)
    assert not covers(tree.sub1_competent, tree.dept)
    assert not covers(tree.dept_competent, tree.other_dept)


def test_path_prefix_does_not_confuse_ids(tree):
    """Unit 7's tree is '/7/…', never '/71/': the trailing slash keeps ids apart."""
    owner = make_unit("福建省体育局", region_code="350000", is_competent=True)
    lookalike = Unit(pk=owner.pk * 10 + 1, name="福建省某单位", kind=Unit.KIND_PURCHASER, level="province",
                     region=owner.region)
    lookalike.save()
    assert fresh_path(lookalike).startswith(f"/{owner.pk}")
    owner_competent = make_user("sport_competent", owner, Role.COMPETENT)
    assert visible(owner_competent) == names(owner)
    assert not covers(owner_competent, lookalike)


def fresh_path(unit) -> str:
    return Unit.objects.get(pk=unit.pk).path


def test_province_regulator_sees_all_of_fujian_and_nothing_of_jiangxi(tree):
    assert visible(tree.fj_reg) == names(*[getattr(tree, n) for n in FUJIAN])
    assert not covers(tree.fj_reg, tree.jx_unit) and not covers(tree.fj_reg, tree.jx_reg_unit)


def test_city_regulator_sees_fuzhou_but_not_pingtan(tree):
    assert visible(tree.fz_reg) == names(tree.fz_reg_unit, tree.fz_unit, tree.gulou)
    # 平潭 (350128) starts with 3501 but hangs directly under the province
    assert not covers(tree.fz_reg, tree.pingtan)
    assert not in_jurisdiction(tree.fz_reg, tree.pingtan)
    assert in_jurisdiction(tree.fj_reg, tree.pingtan)


def test_jiangxi_regulator_sees_none_of_fujian(tree):
    assert visible(tree.jx_reg) == names(tree.jx_reg_unit, tree.jx_unit)
    for n in FUJIAN:
        assert not covers(tree.jx_reg, getattr(tree, n))
        assert not in_jurisdiction(tree.jx_reg, getattr(tree, n))


def test_in_jurisdiction(tree):
    assert in_jurisdiction(tree.fz_reg, tree.gulou) and in_jurisdiction(tree.fz_reg, tree.fz_unit)
    assert not in_jurisdiction(tree.fz_reg, tree.dept)
    assert all(in_jurisdiction(tree.fj_reg, getattr(tree, n)) for n in FUJIAN)
    assert in_jurisdiction(tree.jx_reg, tree.jx_unit)
    # only regulators have a jurisdiction
    assert not in_jurisdiction(tree.dept_competent, tree.sub1)
    assert not in_jurisdiction(tree.fz_clerk, tree.fz_unit)


def test_admin_sees_everything_and_anonymous_nothing(tree):
    assert units(tree.admin).count() == Unit.objects.count()
    assert not Unit.objects.filter(unit_q(AnonymousUser())).exists()
    unitless = make_user("unitless", None, Role.REGULATOR)
    assert not Unit.objects.filter(unit_q(unitless)).exists()


def test_unit_q_with_a_relation_prefix(tree):
    got = set(User.objects.filter(unit_q(tree.fz_reg, prefix="unit__")).values_list("username", flat=True))
    assert got == {"fz_reg", "fz_clerk", "fz_reviewer"}


def test_scoped_filters_rows_by_their_unit(tree):
    rows = scoped(User.objects.all(), tree.dept_competent)
    assert set(rows.values_list("username", flat=True)) == {
        "dept_clerk", "dept_reviewer", "dept_competent", "sub1_clerk", "sub1_competent"}
    assert set(scoped(User.objects.all(), tree.jx_reg).values_list("username", flat=True)) == {"jx_reg", "jx_clerk"}


def test_scoped_over_several_unit_fields(tree):
    """A subordination request is visible to both sides: the requesting unit and the chosen competent unit."""
    from registry.services import subordination_request

    fz_to_dept = subordination_request(actor=tree.fz_clerk, competent_unit=tree.dept)
    both = ("unit", "competent_unit")
    qs = Subordination.objects.all()
    assert list(scoped(qs, tree.fz_clerk, both)) == [fz_to_dept]
    assert list(scoped(qs, tree.dept_competent, both)) == [fz_to_dept]
    assert list(scoped(qs, tree.dept_clerk, both)) == [fz_to_dept]       # own unit is the competent unit
    assert list(scoped(qs, tree.dept_competent, ("unit",))) == []         # by the requesting unit only
    assert list(scoped(qs, tree.fz_reg, both)) == [fz_to_dept]
    assert list(scoped(qs, tree.jx_reg, both)) == []
    assert list(scoped(qs, tree.sub1_clerk, both)) == []


def test_get_or_404(tree):
    assert get_or_404(User.objects.all(), tree.fz_reg, pk=tree.fz_clerk.pk) == tree.fz_clerk
    assert get_or_404(User.objects.all(), tree.fj_reg, username="fz_clerk") == tree.fz_clerk
    for user, target in [(tree.fz_reg, tree.jx_clerk), (tree.jx_reg, tree.fz_clerk), (tree.fz_clerk, tree.dept_clerk),
                         (tree.sub1_competent, tree.dept_clerk), (tree.fz_reg, tree.dept_clerk)]:
        with pytest.raises(Http404):
            get_or_404(User.objects.all(), user, pk=target.pk)
    # out of scope and missing are the same 404
    with pytest.raises(Http404) as out_of_scope:
        get_or_404(User.objects.all(), tree.fz_clerk, pk=tree.jx_clerk.pk)
    with pytest.raises(Http404) as missing:
        get_or_404(User.objects.all(), tree.fz_clerk, pk=10**9)
    assert str(out_of_scope.value) == str(missing.value)


def test_covers_follows_a_new_link(tree):
    """After a confirmed 隶属关系 the competent unit covers the new subordinate and its subtree."""
    from registry.services import subordination_request

    sub = subordination_request(actor=tree.fz_clerk, competent_unit=tree.other_dept)
    other_competent = make_user("other_competent", tree.other_dept, Role.COMPETENT)
    assert not covers(other_competent, tree.fz_unit)
    engine.approve(sub, other_competent)
    other_competent = User.objects.get(pk=other_competent.pk)
    assert covers(other_competent, tree.fz_unit)
    assert not covers(tree.dept_competent, tree.fz_unit)


def test_admin_reads_every_row_through_scoped(tree):
    """scoped() ORs the Q of each unit field: the admin's match-everything Q must not vanish in that OR."""
    everyone = set(User.objects.values_list("pk", flat=True))
    assert set(scoped(User.objects.all(), tree.admin).values_list("pk", flat=True)) == everyone
    both = scoped(Subordination.objects.all(), tree.admin, unit_fields=("unit", "competent_unit"))
    assert both.count() == Subordination.objects.count()
    assert get_or_404(User.objects.all(), tree.admin, pk=tree.jx_clerk.pk) == tree.jx_clerk


def test_superuser_reads_every_row_through_scoped(tree):
    root = User.objects.create_superuser("root", password="x")
    assert scoped(User.objects.all(), root).count() == User.objects.count()


def test_an_acting_unit_field_counts_for_its_own_staff_only(tree):
    """A unit acting for a row's owner (an agency for its purchaser) sees the row through the Acting field;
    nobody sees it through that field from above it: not the regulator of the acting unit's region, not the
    acting unit's competent unit. The owner's field keeps its usual scope."""
    from access.scope import Acting

    sub1 = Unit.objects.filter(pk=tree.sub1.pk)      # competent = 福建省教育厅 (dept)
    assert list(scoped(sub1, tree.dept_clerk, (Acting("competent"),))) == [tree.sub1]
    assert list(scoped(sub1, tree.sub1_clerk, (Acting("competent"),))) == []
    assert list(scoped(sub1, tree.fj_reg, (Acting("competent"),))) == []      # the region's regulator: not through it
    assert list(scoped(sub1, tree.fj_reg, ("", Acting("competent")))) == [tree.sub1]  # through the owner: yes
    assert list(scoped(sub1, AnonymousUser(), (Acting("competent"),))) == []
