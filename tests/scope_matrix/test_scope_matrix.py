"""The scope matrix (issue 6, "Done when"): generated from the URLconf, run on both databases by `make test`.

Reports its pairs on stdout (`pytest -s` shows them; a failure shows them in the message)."""

import pytest

from . import kit
from .world import MOVED_TO, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def mworld(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build(settings.MEDIA_ROOT)


def _patterns():
    return kit.walk()


def test_every_parameterised_pattern_is_declared():
    """A new URL with a path parameter must say how its parameter finds a row (kit.ROUTES)."""
    patterns = _patterns()
    assert kit.undeclared(patterns) == [], "declare these patterns in tests/scope_matrix/kit.py ROUTES"
    stale = sorted(set(kit.ROUTES) - {p.name for p in patterns})
    assert not stale, "ROUTES names patterns that no longer exist: " + ", ".join(stale)
    for p in kit.parameterised(patterns):
        route = kit.ROUTES[p.name]
        rows = [x for x in p.params if x not in route.values]
        assert len(rows) == (1 if route.rows else 0), f"{p.name}: parameters {p.params} vs {route}"


def test_the_table_catches_a_new_document_url():
    """The guard really trips: a new document's detail URL that nobody declared."""
    new = kit.Pattern("undeclared:detail", "undeclared/<int:pk>/", ("pk",))  # plans is on the kit now
    assert kit.undeclared([*_patterns(), new]) == ["undeclared:detail (undeclared/<int:pk>/)"]


def _run(w, title, relations=None):
    m = kit.Matrix(w, relations)
    patterns = _patterns()
    m.run_patterns(kit.parameterised(patterns))
    m.run_lists(patterns)
    r = m.result
    report = r.summary(title, m.relations, kit.ROLES, patterns)
    print("\n" + report)
    return m, r, report


def _assert_clean(r, report):
    assert not r.leaks, report
    assert not r.tells, report
    assert not r.errors, report
    untried = [name for name in kit.ROUTES if not r.tried[name]]
    assert not untried, f"patterns never tried: {untried}\n{report}"
    unreached = [name for name, route in kit.ROUTES.items() if route.rows and not r.reached[name]]
    assert not unreached, f"patterns whose rows no in-scope user reached (the net would be empty): {unreached}\n{report}"


def test_scope_matrix(mworld):
    m, r, report = _run(mworld, "home")
    _assert_clean(r, report)


def test_scope_matrix_after_the_unit_moves_to_another_region(mworld):
    """An approved registration moves 本单位 from 福州 to 厦门 (the real service path): the old region's regulator
    now gets 404 on every row of the unit, the new one reaches them, and the whole matrix still holds."""
    from orgs.models import Unit
    from workflow import engine

    w = mworld
    engine.approve(w.registration, w.reg_user, opinion="同意")
    unit = Unit.objects.get(pk=w.own.pk)
    assert unit.region.code == MOVED_TO
    relations = dict(w.relations)
    relations["old_regulator"] = relations.pop("regulator")
    relations["regulator"] = relations.pop("sibling_regulator")
    w.users["old_regulator"], w.users["regulator_new"] = w.users["regulator"], w.users["sibling_regulator"]
    relations = {("regulator_new" if k == "regulator" else k): v for k, v in relations.items()}
    # the named answers first (cheap, and what item 3 is about), then the whole matrix again
    m = kit.Matrix(w, relations)
    old, new = w.users["old_regulator"]["regulator"], w.users["regulator_new"]["regulator"]
    for url in (f"/projects/{w.project.pk}/", f"/api/projects/{w.project.pk}",
                f"/orgs/registrations/{w.registration.pk}/"):
        assert m.client(old).get(url).status_code == 404, f"the old region's regulator still reaches {url}"
        assert m.client(new).get(url).status_code == 200, f"the new region's regulator does not reach {url}"
    # the whole region in one page: the world holds more projects than a default page (each announcement row files one)
    for url in ("/projects/region/?export=xlsx", "/api/projects?scope=region&limit=200"):
        assert w.project.number not in _text(m.client(old).get(url)), f"{url} of the old regulator shows it"
        assert w.project.number in _text(m.client(new).get(url)), f"{url} of the new regulator lacks it"
    m, r, report = _run(w, f"after moving 本单位 to {MOVED_TO}", relations)
    _assert_clean(r, report)


def _text(resp) -> str:
    from .world import xlsx_text

    if "spreadsheet" in resp.get("Content-Type", ""):
        return xlsx_text(resp.content)
    return resp.content.decode("utf-8", "replace")
