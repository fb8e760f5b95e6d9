"""The audit trail: every state change writes one row, chained per object by SHA-256."""

import datetime as dt
import hashlib
import json
from decimal import Decimal

from django.db import connection, models
from django.utils import timezone

from .models import AuditLog


def object_key(obj: models.Model) -> str:
    """The chain's name. A model moved to another app declares `audit_label` (its old label) so that the
    chains begun before the move go on: a row's key is part of its hash and is never rewritten."""
    return f"{getattr(type(obj), 'audit_label', None) or obj._meta.label_lower}:{obj.pk}"


def _plain(value):
    if isinstance(value, float):
        return repr(value)  # JSON storage may read floats back differently; the hash must not change
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict:
    names = fields or [f.attname for f in obj._meta.concrete_fields if f.attname not in ("created_at", "updated_at")]
    return {n: _plain(getattr(obj, n)) for n in names}


def row_hash(*, object_key: str, action: str, actor_id, at: str, before: dict, after: dict, prev_hash: str) -> str:
    body = json.dumps(
        {"object": object_key, "action": action, "actor": actor_id, "at": at,
         "before": before, "after": after, "prev": prev_hash},
        ensure_ascii=False, sort_keys=True, separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def record(*, actor, action: str, obj: models.Model, before: dict | None = None, after: dict | None = None) -> AuditLog:
    """Write one audit row. Call inside the transaction that changed `obj` (which holds its row lock)."""
    key = object_key(obj)
    if connection.vendor == "postgresql":
        # one writer per chain even when the caller holds no row lock on obj
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])
    before = _plain(before or {})
    after = _plain(after or {})
    prev = AuditLog.objects.filter(object_key=key).order_by("-id").values_list("hash", flat=True).first() or ""
    at = timezone.now()
    digest = row_hash(object_key=key, action=action, actor_id=getattr(actor, "pk", None), at=at.isoformat(),
                      before=before, after=after, prev_hash=prev)
    return AuditLog.objects.create(object_key=key, object_repr=str(obj)[:200], action=action, actor=actor, at=at,
                                   before=before, after=after, prev_hash=prev, hash=digest)


def verify() -> list[str]:
    """Recompute every chain. Returns the problems found (empty = intact)."""
    problems = []
    last_by_key: dict[str, str] = {}
    for row in AuditLog.objects.order_by("id").iterator(chunk_size=2000):
        expected_prev = last_by_key.get(row.object_key, "")
        if row.prev_hash != expected_prev:
            problems.append(f"#{row.id} {row.object_key}: 链接断裂（前一条记录被修改或删除）")
        digest = row_hash(object_key=row.object_key, action=row.action, actor_id=row.actor_id,
                          at=row.at.isoformat(), before=row.before, after=row.after, prev_hash=row.prev_hash)
        if digest != row.hash:
            problems.append(f"#{row.id} {row.object_key}: 内容与哈希不符（记录被修改）")
        last_by_key[row.object_key] = row.hash
    return problems
