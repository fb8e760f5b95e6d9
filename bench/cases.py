"""The timed scenarios. Each gives (label, request, raw_sql, rows_only):

- `request` runs the page through the whole Django stack (test client: session, middleware, view, selectors,
  tab counts, template);
- `raw_sql` replays, on a plain psycopg connection outside Django, every SQL statement that same request
  issued (captured once): the raw cost of the same rows and the same counts;
- `rows_only` runs just the statement that fetches the page's rows, for reference.
"""

import os

import psycopg
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from orgs.models import User
from projects import selectors


def _conn():
    return psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)


def _replay(statements):
    conn = _conn()

    def run():
        with conn.cursor() as cur:
            for sql in statements:
                cur.execute(sql)
                if cur.description:
                    cur.fetchall()
    return run


def _captured(client, url) -> list[str]:
    client.get(url)  # warm caches (session, regions) like a user's second request
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return [q["sql"] for q in ctx.captured_queries]


def _rows_only(qs, *, page=None, after=None, per_page=20):
    if after is not None:
        qs = qs.filter(id__lt=after)[: per_page + 1]
    else:
        start = (page - 1) * per_page
        qs = qs[start: start + per_page + 1]
    sql, params = qs.query.sql_with_params()
    conn = _conn()

    def run():
        with conn.cursor() as cur:
            cur.execute(sql, params)
            cur.fetchall()
    return run


def _client(username):
    c = Client()
    c.force_login(User.objects.get(username=username))
    return c


def _get(client, url):
    def run():
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
    return run


def cases():
    clerk = User.objects.get(username="bench_clerk")
    reg = User.objects.get(username="bench_reg")
    cc, rc = _client("bench_clerk"), _client("bench_reg")
    done_clerk = selectors.projects_for(clerk, tab="done")
    todo_clerk = selectors.projects_for(clerk, tab="todo")
    deep_page = max(1, done_clerk.count() // 20 - 5)
    all_region = selectors.region_projects(reg)
    done_region = selectors.region_projects(reg, tab="done")
    mid_id = all_region.values_list("id", flat=True)[500_000]
    scenarios = [
        (f"经办岗 待处理 第1页（本单位{todo_clerk.count()}条）", cc, "/projects/?tab=todo", todo_clerk, {"page": 1}),
        (f"经办岗 已办结 第{deep_page}页", cc, f"/projects/?tab=done&page={deep_page}", done_clerk,
         {"page": deep_page}),
        ("监管 全省 全部 第1页", rc, "/projects/region/", all_region, {"page": 1}),
        ("监管 全省 已办结 第500页", rc, "/projects/region/?tab=done&page=500", done_region, {"page": 500}),
        ("监管 全省 游标深页（第50万行后）", rc, f"/projects/region/?after={mid_id}", all_region, {"after": mid_id}),
    ]
    return [(label, _get(client, url), _replay(_captured(client, url)), _rows_only(qs, **kw))
            for label, client, url, qs, kw in scenarios]


# ---- core.listing: the kit's list before and after (bench/urls.py) ------------------------------------------


def list_cases():
    """(label, kit request, its SQL replayed raw, legacy request, its SQL replayed raw): the regulator's list of
    the whole province (1,000,000 projects) with four tab counts, by the kit (capped counts, keyset beyond the
    cap) and by the render_list of before (COUNT(*) of every tab, Paginator's COUNT and OFFSET)."""
    from django.conf import settings
    from django.urls import clear_url_caches

    settings.ROOT_URLCONF = "bench.urls"
    clear_url_caches()
    reg = User.objects.get(username="bench_reg")
    rc = _client("bench_reg")
    every = selectors.region_projects(reg).order_by("-id")
    done = selectors.region_projects(reg, tab="done").order_by("-id")

    def after(qs, page):  # the id that ends the page before `page` (what 下一页 on that page carries)
        return qs.values_list("id", flat=True)[(page - 1) * 20 - 1]

    scenarios = [
        ("全部 第1页（4个页签计数）", "?tab=all", "?tab=all"),
        ("全部 第40000页", f"?tab=all&after={after(every, 40000)}&page=40000", "?tab=all&page=40000"),
        ("已办结 第25000页", f"?tab=done&after={after(done, 25000)}&page=25000", "?tab=done&page=25000"),
    ]
    out = []
    for label, kit_q, legacy_q in scenarios:
        kit, legacy = "/bench/kit/" + kit_q, "/bench/legacy/" + legacy_q
        out.append((label, _get(rc, kit), _replay(_captured(rc, kit)), _get(rc, legacy),
                    _replay(_captured(rc, legacy))))
    return out
