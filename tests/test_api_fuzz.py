"""schemathesis against the API's OpenAPI schema: generated valid and invalid requests of each operation, as a
few roles, must never get a server error (issue 6, item 8).

Fixed and bounded so it runs in `make test` on both databases: derandomized examples (EXAMPLES per operation
and generation mode), no Hypothesis database, and a time budget per role after which the remaining operations
are skipped (the test reports how many ran). Requests go through Django's test client inside the test's
transaction, with a bearer token of the role's user. The budget-platform inbound endpoints are left out: they
take no token and check a signature first, so every generated request is a 401 (integration's own tests
cover them).

`FUZZ_PATHS=/projects/requests,/requests` runs only the operations whose path contains one of those parts,
each by every role (for a change to a few endpoints: `pytest tests/test_api_fuzz.py` with the variable set).
"""

import json
import os
import time
from urllib.parse import urlencode

import pytest
import requests
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.transport import Response
from schemathesis.generation import GenerationMode

from orgs.models import Role
from orgs.testing import make_user
from orgs.tokens import create_token

pytestmark = pytest.mark.django_db

EXAMPLES = 5  # per operation and generation mode (valid, invalid)
BUDGET_SECONDS = 45  # per role, a safety net for a busy machine (the report says how many operations ran)
ROLES = ["clerk", "reviewer", "regulator", "admin"]
SKIP_PREFIX = "/api/integration/budget-platform/"
ONLY = [p for p in os.environ.get("FUZZ_PATHS", "").split(",") if p]


@pytest.fixture(scope="module")
def api_schema():
    from zhengcai.api import api

    return schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/"))


def _operations(schema):
    ops = []
    for result in schema.get_all_operations():
        op = result.ok()
        if op is not None and not op.path.startswith(SKIP_PREFIX.removeprefix("/api")) \
                and not op.full_path.startswith(SKIP_PREFIX):
            ops.append(op)
    return ops


def _django_request(client: Client, case, key: str):
    path = case.formatted_path
    url = path if path.startswith("/api/") else "/api" + path
    if case.query:
        url += "?" + urlencode({k: v if isinstance(v, list) else [v] for k, v in case.query.items()}, doseq=True)
    headers = {"Authorization": f"Bearer {key}"}
    if case.body is None or case.method.upper() in ("GET", "DELETE"):
        return url, client.generic(case.method.upper(), url, headers=headers)
    body = json.dumps(case.body, default=str) if not isinstance(case.body, bytes | str) else case.body
    return url, client.generic(case.method.upper(), url, body, content_type="application/json", headers=headers)


def _as_schemathesis(response, method: str, url: str) -> Response:
    request = requests.Request(method=method, url="http://testserver" + url).prepare()
    return Response(status_code=response.status_code,
                    headers={k: [v] for k, v in response.headers.items()}, content=response.content,
                    request=request, elapsed=0.0, verify=False)


@pytest.fixture
def users(world):
    """world's users plus an administrator, and rows to hit: indicators, a submitted project, an approved one
    with a draft request (变更) on it."""
    from core.data.categories import ensure_seeded
    from projects import request_kinds
    from projects.tests.support import make_indicator, submitted
    from projects.tests.test_request_support import approved_project, indicator

    ensure_seeded()
    w = world
    make_indicator(w.dept, "1000000", pro_name="教育厅公用经费")
    submitted(w.dept_clerk, indicator=make_indicator(w.dept, "300000"))
    project = approved_project(w.dept_clerk, {indicator(w.dept, "200000"): "100000"})
    request_kinds.request_create(actor=w.dept_clerk, project=project, kind="change", reason="模糊测试",
                                 proposed={"name": "模糊测试项目（变更）"})
    return {"clerk": w.dept_clerk, "reviewer": w.dept_reviewer, "regulator": w.fj_reg,
            "admin": make_user("fuzz_admin", w.fj_reg_unit, Role.ADMIN)}


@pytest.mark.parametrize("role", ROLES)
def test_no_server_error_from_generated_requests(api_schema, users, role):
    _, key = create_token(users[role], "fuzz")
    client = Client(raise_request_exception=False)
    failures, ran, start = [], 0, time.monotonic()
    operations = _operations(api_schema)
    assert len(operations) >= 20
    # every operation is tried by two roles (clerk and regulator take the even ones, reviewer and admin the odd)
    mine = operations[ROLES.index(role) % 2::2]
    if ONLY:
        mine = [op for op in operations if any(part in op.path for part in ONLY)]
        assert mine, f"no operation's path contains any of {ONLY}"
    for op in mine:
        if time.monotonic() - start > BUDGET_SECONDS:
            break
        strategy = st.one_of(op.as_strategy(generation_mode=GenerationMode.POSITIVE),
                             op.as_strategy(generation_mode=GenerationMode.NEGATIVE))

        @settings(max_examples=EXAMPLES * 2, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=strategy)
        def run(case):
            url, response = _django_request(client, case, key)
            try:
                case.validate_response(_as_schemathesis(response, case.method.upper(), url),
                                       checks=[not_a_server_error])
            except Exception as exc:  # noqa: BLE001 - collected and reported below
                if response.status_code >= 500:
                    failures.append(f"{case.method.upper()} {url} → {response.status_code}: {exc!s:.200}")

        run()
        ran += 1
    print(f"\n[fuzz] {role}: {ran}/{len(mine)} operations in {time.monotonic() - start:.0f} s")
    assert ran >= 1
    assert not failures, "\n".join(failures[:20])


REQUEST_OPERATIONS = [("POST", "/api/projects/{id}/requests", "project"),
                      ("PUT", "/api/projects/requests/{id}", "request")]


@pytest.mark.parametrize("method, path, row", REQUEST_OPERATIONS)
def test_request_bodies_on_real_rows_never_get_a_server_error(api_schema, world, method, path, row):
    """The request API's bodies (every kind's schema, valid and invalid) sent by the clerk to a real approved
    project and a real draft request, so they reach the page's parser and the kinds' rules, not a 404. Each
    request runs in a savepoint that is rolled back."""
    from django.db import transaction

    from core.data.categories import ensure_seeded
    from projects import request_kinds
    from projects.tests.test_request_support import approved_project, indicator

    ensure_seeded()
    w = world
    project = approved_project(w.dept_clerk, {indicator(w.dept, "200000"): "100000"})
    rid = project.pk
    if row == "request":
        rid = request_kinds.request_create(actor=w.dept_clerk, project=project, kind="change", reason="模糊测试",
                                           proposed={"name": "模糊测试项目（变更）"}).pk
    _, key = create_token(w.dept_clerk, "fuzz")
    client = Client(raise_request_exception=False)
    op = next(o for o in _operations(api_schema) if o.method.upper() == method and o.path == path)
    strategy = st.one_of(op.as_strategy(generation_mode=GenerationMode.POSITIVE),
                         op.as_strategy(generation_mode=GenerationMode.NEGATIVE))
    failures, statuses = [], {}

    @settings(max_examples=60, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case):
        case.path_parameters = {"id": rid}
        with transaction.atomic():
            url, response = _django_request(client, case, key)
            transaction.set_rollback(True)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            failures.append(f"{method} {url} {case.body!r:.300} → {response.status_code}")

    run()
    print(f"\n[fuzz] {method} {path} on a real row: {statuses}")
    assert not failures, "\n".join(failures[:20])
    assert set(statuses) - {404}, "every request missed the row"
