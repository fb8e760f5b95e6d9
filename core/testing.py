"""The test kit's kernel helpers: clients logged in as a user, JSON API calls, and `race()` for real
concurrent connections (PostgreSQL). Builders of units and users are in orgs.testing; of kit documents in
workflow.kit.testing."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from .errors import BusinessError


def client_for(user) -> Client:
    """A browser-like client logged in as `user` (anonymous when None)."""
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def api_call(user, method: str, url: str, body=None):
    """One JSON API call as `user`: `api_call(u, "post", "/api/x/1/submit", {"version": 1})`."""
    data = json.dumps(body) if body is not None else None
    return getattr(client_for(user), method.lower())(url, data=data, content_type="application/json")


def postgres_only():
    """Skip a test that needs real concurrent connections with row locks where the database has none."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: real concurrent connections with row locks")


def race(calls, timeout: float = 60):
    """Run the calls at the same moment, each on its own connection; return (successes, refusals) as lists of
    call indexes and (index, BusinessError code). Any other exception is re-raised in the test thread."""
    start = threading.Barrier(len(calls))
    ok, refused, errors = [], [], []

    def worker(i, call):
        try:
            start.wait(timeout=30)
            call()
            ok.append(i)
        except BusinessError as exc:
            refused.append((i, exc.code))
        except BaseException as exc:  # re-raised in the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    assert not any(t.is_alive() for t in threads), "a worker thread hung"
    if errors:
        raise errors[0]
    return ok, refused
