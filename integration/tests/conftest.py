import time

import pytest

from integration.models import PlatformClient

from .support import SECRET, post_signed


@pytest.fixture
def platform_client(db):
    from integration.params import ensure

    ensure()  # without `world` (core.reference.ensure_reference_data) a flushed database lacks it
    return PlatformClient.objects.create(client_id="bp-test", name="测试一体化平台", secret=SECRET)


@pytest.fixture
def send(platform_client):
    """send(kind, body, message_id=..., **overrides) → (status, json): support.post_signed with a fresh message id
    unless given; overrides: raw (bytes instead of JSON), secret, client_id, timestamp, version (1 = the old
    signature), path (the path signed, default the endpoint's), ip (REMOTE_ADDR), headers (replace/drop: value
    None)."""
    counter = iter(range(1, 10_000))

    def _send(kind, body=None, *, message_id=None, **overrides):
        message_id = message_id or f"MSG-{next(counter):05d}-{time.monotonic_ns()}"
        resp = post_signed(kind, body, message_id=message_id, **overrides)
        return resp.status_code, resp.json()

    return _send
