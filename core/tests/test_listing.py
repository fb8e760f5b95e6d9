"""core.listing (issue 7, item 3): capped counts ("10000+") on every list and tab, numbered pages within the cap
and keyset pages beyond it in a deterministic order (no row skipped or repeated), bad paging input never a 500,
and the API validating its query with the page's own form."""

import base64
import datetime as dt
import html
import json
import re

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from budgets.tests.factories import IndicatorFactory
from core.listing import SortKey, capped_count, paginate
from core.money import MAX_AMOUNT_MESSAGE
from core.testing import client_for
from integration.models import InboundMessage, PlatformClient

pytestmark = pytest.mark.django_db


def messages(n, region_path, *, status=InboundMessage.APPLIED, **kw):
    return InboundMessage.objects.bulk_create([
        InboundMessage(kind=InboundMessage.KIND_INDICATOR, status=status, body="{}", message_id=f"M-{status}-{i:04d}",
                       region_path=region_path, **kw) for i in range(n)])


def token(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.fixture
def small_cap(settings):
    settings.LIST_COUNT_CAP = 5
    return 5


# ---- capped counts ------------------------------------------------------------------------------------------


def test_capped_count_counts_at_most_cap_plus_one(db, small_cap):
    messages(8, "/350000/")
    assert capped_count(InboundMessage.objects.all()) == (5, True)
    assert capped_count(InboundMessage.objects.filter(pk__lte=0)) == (0, False)
    assert capped_count(InboundMessage.objects.all(), cap=8) == (8, False)
    assert capped_count(InboundMessage.objects.all(), cap=100) == (8, False)


def test_the_page_shows_capped_totals_and_tab_counts(world, small_cap):
    path = world.fj_reg_unit.region_path
    messages(9, path)
    messages(3, path, status=InboundMessage.REFUSED)
    page = client_for(world.fj_reg).get("/integration/messages/").content.decode()
    assert "共 5+ 条" in page and "第 1 页" in page
    tabs = dict(re.findall(r'tab=(\w+)"[^>]*>[^<]*<span class="count">([^<]+)</span>', page))
    assert tabs == {"all": "5+", "applied": "5+", "duplicate": "0", "refused": "3", "failed": "0"}
    refused = client_for(world.fj_reg).get("/integration/messages/?tab=refused").content.decode()
    assert "共 3 条，第 1/1 页" in refused


def test_default_cap_is_ten_thousand(settings):
    assert settings.LIST_COUNT_CAP == 10000


# ---- walking the pages -----------------------------------------------------------------------------------------


def _ids(page_html: str) -> list[int]:
    return [int(x) for x in re.findall(r'<td class="col-text"><a href="/integration/messages/(\d+)/">', page_html)]


def _link(page_html: str, label: str) -> str | None:
    m = re.search(r'<a href="([^"]+)">' + label + "</a>", page_html)
    return html.unescape(m.group(1)) if m else None


def test_pages_walk_every_row_once_in_order_by_number_then_keyset(world, small_cap):
    path = world.fj_reg_unit.region_path
    rows = messages(45, path)
    expected = sorted((m.pk for m in rows), reverse=True)
    c = client_for(world.fj_reg)
    url, seen, pages = "/integration/messages/?tab=all", [], []
    while url:
        body = c.get(url if url.startswith("/") else "/integration/messages/" + url).content.decode()
        pages.append(_ids(body))
        seen += pages[-1]
        url = _link(body, "下一页")
        assert len(pages) < 10
    assert seen == expected and len(pages) == 3
    assert "after=" in _link(c.get("/integration/messages/?tab=all").content.decode(), "下一页")  # beyond the cap
    # 末页 counts from the end by keyset; 上一页 walks back to the first page
    body = c.get("/integration/messages/" + _link(c.get("/integration/messages/").content.decode(), "末页")).content.decode()
    assert _ids(body) == expected[-20:] and _link(body, "下一页") is None
    back = []
    while True:
        back = _ids(body) + back
        prev = _link(body, "上一页")
        if not prev:
            break
        body = c.get("/integration/messages/" + prev).content.decode()
    assert back == expected


def test_numbered_pages_when_the_count_is_known(world):
    path = world.fj_reg_unit.region_path
    rows = messages(45, path)
    expected = sorted((m.pk for m in rows), reverse=True)
    c = client_for(world.fj_reg)
    body = c.get("/integration/messages/?page=3").content.decode()
    assert "共 45 条，第 3/3 页" in body and _ids(body) == expected[40:]
    assert _link(body, "上一页").endswith("page=2") and _link(body, "下一页") is None
    body = c.get("/integration/messages/?page=99999999999999999999").content.decode()  # clamped to the last page
    assert "第 3/3 页" in body and _ids(body) == expected[40:]
    assert _link(c.get("/integration/messages/").content.decode(), "末页").endswith("page=3")
    assert _ids(c.get("/integration/messages/?last=1").content.decode()) == expected[40:]


# ---- the sort key -----------------------------------------------------------------------------------------------

FIELDS = ["fiscal_year", "agency_code", "sent_at", "http_status", "client__client_id", "status"]
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

row_st = st.fixed_dictionaries({
    "fiscal_year": st.one_of(st.none(), st.integers(2024, 2026)),
    "agency_code": st.sampled_from(["a", "b", "c1"]),
    "sent_at": st.one_of(st.none(), st.integers(0, 2).map(lambda h: T0 + dt.timedelta(hours=h))),
    "http_status": st.one_of(st.none(), st.sampled_from([200, 422])),
    "client": st.sampled_from([None, 0, 1]),
    "status": st.sampled_from(["applied", "refused"]),
})
ordering_st = st.lists(st.tuples(st.sampled_from(FIELDS), st.booleans()), max_size=3, unique_by=lambda t: t[0])


def _value(m, path):
    if path == "client__client_id":
        return m.client.client_id if m.client_id else None
    return getattr(m, path)


def _expected(rows, ordering):
    """Python's order for `ordering`, NULLS LAST, pk as the last key: stable sorts from the least significant."""
    rows = sorted(rows, key=lambda m: m.pk, reverse=bool(ordering) and ordering[-1][1])
    for path, desc in reversed(ordering):
        nonnull = sorted((m for m in rows if _value(m, path) is not None), key=lambda m: _value(m, path),
                         reverse=desc)
        rows = nonnull + [m for m in rows if _value(m, path) is None]
    return [m.pk for m in rows]


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=st.lists(row_st, min_size=0, max_size=16), ordering=ordering_st, per_page=st.integers(1, 7))
def test_keyset_pages_have_no_duplicates_or_gaps(db, data, ordering, per_page):
    with transaction.atomic():
        sid = transaction.savepoint()
        clients = [PlatformClient.objects.get_or_create(client_id=f"k{i}", defaults={"name": f"k{i}", "secret": "s"})[0]
                   for i in range(2)]
        rows = [InboundMessage.objects.create(kind="indicator", body="{}", message_id=f"H-{i}", **{
            **r, "client": None if r["client"] is None else clients[r["client"]]}) for i, r in enumerate(data)]
        rows = list(InboundMessage.objects.select_related("client").filter(pk__in=[m.pk for m in rows]))
        qs = InboundMessage.objects.all()
        names = tuple(("-" if desc else "") + path for path, desc in ordering)
        key = SortKey(qs, names)
        expected = _expected(rows, ordering or [("id", True)])  # no ordering: the model's, -id
        assert [m.pk for m in key.apply(qs)] == expected
        # forward by the token of each page's last row
        seen, values = [], None
        while True:
            page_qs = key.apply(qs) if values is None else key.apply(qs).filter(key.beyond(values))
            chunk = list(page_qs[:per_page])
            seen += [m.pk for m in chunk]
            if len(chunk) < per_page:
                break
            values = key.parse(key.token(chunk[-1]))
            assert values is not None
        assert seen == expected
        # backward from the last row, by the token of each page's first row
        if rows:
            values = key.parse(key.token(list(key.apply(qs))[-1]))
            back = [expected[-1]]
            while True:
                chunk = list(key.apply(qs, reverse=True).filter(key.beyond(values, backward=True))[:per_page])
                back = [m.pk for m in reversed(chunk)] + back
                if len(chunk) < per_page:
                    break
                values = key.parse(key.token(chunk[-1]))
            assert back == expected
        transaction.savepoint_rollback(sid)


def test_paginate_by_page_number_stays_within_the_cap(db, small_cap):
    messages(30, "/350000/")
    qs = InboundMessage.objects.all()
    key = SortKey(qs)
    page = paginate(qs, key, {"page": "400000"}, per_page=2, count=5, capped=True)
    assert page.number == 2 and page.keyset is False  # cap 5 / 2 a page: two numbered pages, then keyset
    assert page.links()["next"].startswith("?after=")
    deep = paginate(qs, key, {"after": page.next_after, "page": "3"}, per_page=2, count=5, capped=True)
    assert deep.keyset and deep.number == 3
    assert [m.pk for m in deep.rows] == [m.pk for m in qs.order_by("-id")[4:6]]


def test_the_sort_key_breaks_ties_by_pk_and_refuses_what_it_cannot_page(db):
    qs = InboundMessage.objects.all()
    assert [p.path for p in SortKey(qs, ("agency_code",)).parts] == ["agency_code", "id"]
    assert [p.path for p in SortKey(qs.order_by("-received_at")).parts] == ["received_at", "id"]
    assert [p.path for p in SortKey(qs, ("id", "agency_code")).parts] == ["id"]  # nothing decides after the pk
    assert SortKey(qs).simple and SortKey(qs).token(InboundMessage(pk=12)) == "12"
    for bad in (("client",), ("?",), ("nonsense",)):
        with pytest.raises(ValueError):
            SortKey(qs, bad)


@pytest.mark.parametrize("value", ["", "abc", "0", "-5", "9" * 30, "9" * 2000, "１２", "²",
                                   token([1]), token([[1], {}, 2026, 1]),
                                   token([None, None, None, None]), token(["350000", "x", 99999999999999999999999, 1]),
                                   token(["350000", "x", "2026", True]), "!!!", "e30"])
def test_a_bad_cursor_is_no_cursor(db, value):
    qs = InboundMessage.objects.all()
    for ordering in ((), ("mof_div_code", "agency_code", "-fiscal_year", "id"), ("-sent_at", "-id")):
        assert SortKey(qs, ordering).parse(value) is None


# ---- bad input never 500 --------------------------------------------------------------------------------------

BAD = ["page=99999999999999999999", "page=-1", "page=abc", "page=" + "9" * 400, "after=abc", "after=" + "9" * 400,
       "after=99999999999999999999", "after=-3", "before=abc", "before=" + "9" * 400, "last=1", "last=x",
       "after=12&before=13", "after=" + token(["9999-12-31T23:59:59-14:00", 1]),
       "after=" + token(["0001-01-01T00:00:00+14:00", 1]), "after=" + token([None, None, None, None]),
       "after=" + token(["350000", "x", 99999999999999999999999, 1]), "after=" + token(["a", "b", "2026", 1]),
       "before=" + token(["350000", "350001001", 2026, 2**63]), "after=" + token(["1e999", 1]),
       "after=%00", "page=1&after=" + "a" * 999]


@pytest.mark.parametrize("query", BAD)
@pytest.mark.parametrize("url", ["/integration/messages/", "/integration/units/", "/integration/subordinations/"])
def test_bad_paging_never_500s_on_a_page(world, url, query, small_cap):
    messages(8, world.fj_reg_unit.region_path)
    assert client_for(world.fj_reg).get(f"{url}?{query}").status_code == 200


@pytest.mark.parametrize("query", BAD)
def test_bad_paging_never_500s_on_a_datetime_keyed_list(world, query, small_cap):
    for i in range(7):
        IndicatorFactory(unit=world.dept, source="virtual", virtual_scenario="multi_year", bgt_id=f"VI-T-{i}")
    assert client_for(world.fj_reg).get(f"/budgets/virtual/?{query}").status_code == 200


# ---- the API: the page's form, capped counts, keyset ---------------------------------------------------------


@pytest.fixture
def many(world):
    return [IndicatorFactory(unit=world.dept, pro_code=f"35{i:08d}") for i in range(13)]


def test_api_walks_by_next_after_with_the_page_order(world, many, small_cap):
    c = client_for(world.dept_clerk)
    first = c.get("/api/budgets/indicators", {"limit": 4}).json()
    assert first["count"] == 5 and first["count_capped"] is True and first["total"] == 5 and first["has_next"]
    got, body = [], first
    while True:
        got += [i["bgt_id"] for i in body["items"]]
        if not body["next_after"]:
            break
        body = c.get("/api/budgets/indicators", {"limit": 4, "after": body["next_after"]}).json()
    page_order = [i["bgt_id"] for i in c.get("/api/budgets/indicators", {"limit": 500}).json()["items"]]
    assert got == page_order and len(set(got)) == 13
    assert [m.bgt_id for m in sorted(many, key=lambda i: (-i.fiscal_year, i.agency_code, i.bgt_id))] == got


@pytest.mark.parametrize("query,field,message", [
    ({"fiscal_year": "abc"}, "fiscal_year", "请填写四位年份。"),
    ({"amount_min": "1e27"}, "amount_min", MAX_AMOUNT_MESSAGE),
    ({"amount_min": "10", "amount_max": "5"}, "amount_max", "金额上限不能小于下限。"),
    ({"fund_type": "zz"}, "fund_type", "请从列表中选择。"),
    ({"is_gov_pur": "maybe"}, "is_gov_pur", "请从列表中选择。"),
    ({"tab": "zz"}, "tab", "取值不正确，应为：valid、invalid。"),
    ({"valid": "zz"}, "valid", "应为是或否（true/false）。"),
    ({"after": "zz"}, "after", "翻页游标不正确，请从第一页重新查询。"),
    ({"offset": "6"}, "offset", "跳过条数应为0–5的整数；更深的页请用 next_after 继续翻页。"),
    ({"limit": "0"}, "limit", "每页条数应为1–500的整数。"),
    ({"limit": "1e27"}, "limit", "每页条数应为1–500的整数。"),
    ({"unit_name": "教\x00育"}, "unit_name", "不能包含空字符。"),
])
def test_api_validates_the_query_with_the_page_form(world, query, field, message, small_cap):
    r = client_for(world.dept_clerk).get("/api/budgets/indicators", query)
    assert r.status_code == 422, r.content
    body = r.json()
    assert body["code"] == "invalid" and body["message"] == "请求参数不正确。" and body["errors"] == {field: message}
    # the page shows the same message beside the field
    if field in ("fiscal_year", "amount_min", "amount_max", "fund_type", "is_gov_pur"):
        assert message in client_for(world.dept_clerk).get("/budgets/", query).content.decode()


def test_api_documents_the_form_fields(world):
    schema = client_for(world.dept_clerk).get("/api/openapi.json").json()
    op = schema["paths"]["/api/budgets/indicators"]["get"]
    names = {p["name"] for p in op["parameters"]}
    assert {"fiscal_year", "unit_name", "is_gov_pur", "include_subordinates", "tab", "valid", "limit", "offset",
            "after", "amount_min"} <= names
    page = op["responses"]["200"]["content"]["application/json"]["schema"]
    assert page
