"""HMAC-SHA256 signatures of inbound messages (the server checks them; the simulator makes them).

    X-Client-Id:  the client's id (PlatformClient.client_id)
    X-Message-Id: the sender's message id (a repeat is acknowledged and not applied twice)
    X-Timestamp:  unix seconds when the message was sent
    X-Signature:  hex HMAC-SHA256(secret, f"{timestamp}\\n{message_id}\\n" + raw body bytes)
"""

import hashlib
import hmac
import time

HEADER_CLIENT = "X-Client-Id"
HEADER_MESSAGE = "X-Message-Id"
HEADER_TIMESTAMP = "X-Timestamp"
HEADER_SIGNATURE = "X-Signature"


def _bytes(body: bytes | str) -> bytes:
    return body.encode("utf-8") if isinstance(body, str) else body


def signature(secret: str, timestamp: str | int, message_id: str, body: bytes | str) -> str:
    payload = f"{timestamp}\n{message_id}\n".encode() + _bytes(body)
    return hmac.new(secret.encode("utf-8"), payload, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: str, message_id: str, body: bytes | str, given: str) -> bool:
    expected = signature(secret, timestamp, message_id, body)
    return hmac.compare_digest(expected, (given or "").strip().lower())


def headers(client_id: str, secret: str, message_id: str, body: bytes | str, timestamp: int | None = None) -> dict:
    """The four headers of a signed message (`timestamp` defaults to now)."""
    ts = str(int(time.time()) if timestamp is None else int(timestamp))
    return {HEADER_CLIENT: client_id, HEADER_MESSAGE: message_id, HEADER_TIMESTAMP: ts,
            HEADER_SIGNATURE: signature(secret, ts, message_id, body)}
