"""HMAC-SHA256 signatures of inbound messages (the server checks them; the simulator makes them).

    X-Client-Id:          the client's id (PlatformClient.client_id)
    X-Message-Id:         the sender's message id (a repeat is acknowledged and not applied twice)
    X-Timestamp:          unix seconds when the message was sent (ASCII digits)
    X-Signature-Version:  2 (absent = 1, the old version)
    X-Signature:          hex HMAC-SHA256(secret, payload)

    version 2 payload: f"2\\n{METHOD}\\n{path}\\n{timestamp}\\n{message_id}\\n" + raw body bytes
    version 1 payload: f"{timestamp}\\n{message_id}\\n" + raw body bytes

Version 1 does not cover the endpoint, so a message signed for one endpoint could be replayed at another;
the server accepts it per client only until the date the administrator sets (PlatformClient.v1_accepted_until).
"""

import hashlib
import hmac
import time

HEADER_CLIENT = "X-Client-Id"
HEADER_MESSAGE = "X-Message-Id"
HEADER_TIMESTAMP = "X-Timestamp"
HEADER_SIGNATURE = "X-Signature"
HEADER_VERSION = "X-Signature-Version"

CURRENT_VERSION = 2


def _bytes(body: bytes | str) -> bytes:
    return body.encode("utf-8") if isinstance(body, str) else body


def signature(secret: str, timestamp: str | int, message_id: str, body: bytes | str) -> str:
    """Version 1 (no method, no path)."""
    payload = f"{timestamp}\n{message_id}\n".encode() + _bytes(body)
    return hmac.new(secret.encode("utf-8"), payload, hashlib.sha256).hexdigest()


def signature_v2(secret: str, method: str, path: str, timestamp: str | int, message_id: str,
                 body: bytes | str) -> str:
    payload = f"2\n{method.upper()}\n{path}\n{timestamp}\n{message_id}\n".encode() + _bytes(body)
    return hmac.new(secret.encode("utf-8"), payload, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: str, message_id: str, body: bytes | str, given: str) -> bool:
    expected = signature(secret, timestamp, message_id, body)
    return hmac.compare_digest(expected, (given or "").strip().lower())


def verify_v2(secret: str, method: str, path: str, timestamp: str, message_id: str, body: bytes | str,
              given: str) -> bool:
    expected = signature_v2(secret, method, path, timestamp, message_id, body)
    return hmac.compare_digest(expected, (given or "").strip().lower())


def headers(client_id: str, secret: str, message_id: str, body: bytes | str, timestamp: int | None = None, *,
            path: str | None = None, method: str = "POST", version: int = CURRENT_VERSION) -> dict:
    """The headers of a signed message (`timestamp` defaults to now). Version 2 needs the endpoint `path`."""
    ts = str(int(time.time()) if timestamp is None else int(timestamp))
    if version == 1:
        return {HEADER_CLIENT: client_id, HEADER_MESSAGE: message_id, HEADER_TIMESTAMP: ts,
                HEADER_SIGNATURE: signature(secret, ts, message_id, body)}
    if not path:
        raise ValueError("signature version 2 needs the endpoint path")
    return {HEADER_CLIENT: client_id, HEADER_MESSAGE: message_id, HEADER_TIMESTAMP: ts, HEADER_VERSION: "2",
            HEADER_SIGNATURE: signature_v2(secret, method, path, ts, message_id, body)}
