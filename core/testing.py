"""The test kit's kernel helpers: clients logged in as a user, JSON API calls, and `race()` for real
concurrent connections (PostgreSQL). Builders of units and users are in orgs.testing; of kit documents in
workflow.kit.testing."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from .errors import BusinessError


def client_for(user, **client_kwargs) -> Client:
    """A browser-like client logged in as `user` (anonymous when None); `client_kwargs` go to Client
    (`raise_request_exception=False` to see a 500 as a response, `REMOTE_ADDR=...`)."""
    c = Client(**client_kwargs)
    if user is not None:
        c.force_login(user)
    return c


def json_request(client, method: str, url: str, body=None, *, raw: str | bytes | None = None):
    """One JSON API call on `client`: for GET `body` is the query (a dict), for the other methods the JSON body.
    `raw` sends a body as it is, not JSON-encoded (bad JSON, a huge number, `raw=""` for no body at all), with
    the JSON content type; it replaces `body`."""
    method = method.lower()
    if raw is not None:
        return client.generic(method.upper(), url, raw, content_type="application/json")
    if method == "get":
        return client.get(url, body)
    if body is None:
        return getattr(client, method)(url, content_type="application/json")
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def api_call(user, method: str, url: str, body=None, *, raw: str | bytes | None = None):
    """One JSON API call as `user`: `api_call(u, "post", "/api/x/1/submit", {"version": 1})`,
    `api_call(u, "get", "/api/x", {"page": 2})`, `api_call(u, "post", "/api/x", raw="not json")`."""
    return json_request(client_for(user), method, url, body, raw=raw)


def postgres_only():
    """Skip a test that needs real concurrent connections with row locks where the database has none."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: real concurrent connections with row locks")


def _outcome(i, call, ok, refused):
    try:
        call()
        ok.append(i)
    except BusinessError as exc:
        refused.append((i, exc.code))


def race(calls, timeout: float = 60, *, sample=None):
    """Run the calls at the same moment, each on its own connection; return (successes, refusals) as lists of
    call indexes and (index, BusinessError code). `sample`, if given, is called over and over on a further
    connection from the start until every call has ended (to read committed state meanwhile). Any other
    exception, in a call or in `sample`, is re-raised in the test thread."""
    start = threading.Barrier(len(calls) + (sample is not None))
    done = threading.Event()
    ok, refused, errors = [], [], []

    def worker(i, call):
        try:
            start.wait(timeout=30)
            _outcome(i, call, ok, refused)
        except BaseException as exc:  # re-raised in the test thread
            errors.append(exc)
        finally:
            connection.close()

    def sampler():
        try:
            start.wait(timeout=30)
            while not done.is_set():
                sample()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    watchers = [threading.Thread(target=sampler)] if sample is not None else []
    for t in threads + watchers:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    done.set()
    for t in watchers:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads + watchers), "a thread hung"
    if errors:
        raise errors[0]
    return ok, refused


def in_turn(calls):
    """The same calls one after another on the test's connection, with race()'s result: the sequential
    variant of a race (SQLite has one writer at a time)."""
    ok, refused = [], []
    for i, call in enumerate(calls):
        _outcome(i, call, ok, refused)
    return ok, refused
