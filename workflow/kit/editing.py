"""The one editing skeleton of every 保存, and the one 保存并提交 rule (both or neither)."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from audit import services as audit
from core import numbers
from core.errors import BusinessError, NotAllowed, StaleError

from .. import engine


def _check_clerk(actor, doc, verb: str):
    if not engine.can_submit(actor, doc):
        raise NotAllowed(f"您不是此单据的经办人，不能{verb}。")


@transaction.atomic
def create(model, *, actor, unit, values: dict, write: Callable | None = None, fields: list[str] | None = None,
           number_type: str | None = None, region_code: str | None = None):
    """A new draft of `model` for `unit` by its submitter: number issued in the same transaction, the fields
    set, `write(doc)` for lines and links, one 保存 record."""
    doc = model(unit=unit, created_by=actor, **values)
    _check_clerk(actor, doc, "新增")
    doc.number = numbers.issue(number_type or model.doc_type, region_code or unit.region.code,
                               timezone.localdate().year)
    doc.save()
    if write is not None:
        write(doc)
    engine.saved(doc, actor, fields=fields or list(values))
    return doc


@transaction.atomic
def edit(doc, *, actor, version, write: Callable, fields: list[str], snapshot: Callable | None = None):
    """保存 of an editable document: row lock, version (→ stale error), submitter check, editable check,
    before/after snapshot, `write(doc)`, version bump, one 保存 record. `snapshot(doc)` adds what the fields
    do not show (lines) to the audit's before/after."""
    locked = type(doc).objects.select_for_update().get(pk=doc.pk)
    if version not in (None, "") and locked.version != int(version):
        raise StaleError()
    _check_clerk(actor, locked, "修改")
    if not locked.is_editable:
        raise BusinessError("单据已提交，不能修改；如需修改请先撤回。", code="not_editable")
    before = {**audit.snapshot(locked, fields), **(snapshot(locked) if snapshot else {})}
    write(locked)
    locked.version += 1
    locked.save()
    engine.saved(locked, actor, before=before, fields=fields)
    return locked


def save_and_submit(save: Callable, *, actor, submit: bool):
    """保存 and, when asked, 提交 in one transaction: a refused submit leaves nothing saved."""
    with transaction.atomic():
        doc = save()
        if submit:
            doc = engine.submit(doc, actor)
    return doc
