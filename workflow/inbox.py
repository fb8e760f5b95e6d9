"""The inbox as rows: `WorkItem`s written by the engine, read by 工作台, 待处理 and /api/inbox.

`refresh(doc)` rewrites a document's rows from its state, in the caller's transaction: the engine calls it
after every transition and every 保存. Who may act is then a filter on the rows alone (`work_q`), one query
for every flow together instead of two to four COUNTs per flow.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, transaction
from django.db.models import Q

from orgs.models import Unit
from orgs.selectors import regions_reviewed_by

from . import engine  # a module reference: engine imports this module too, so no names are taken at import
from .models import Action, Status, WorkItem


def rows_for(doc) -> list[WorkItem]:
    """The work items a document stands for right now (not saved)."""
    flow = engine.flow_for(doc)
    wanted: list[tuple[str, str, str, str, str, int, int | None]] = []   # kind, node, label, role, place, unit, user
    if doc.status == Status.PENDING and doc.current_node:
        # the node it waits at, as decided when it got there (a condition is not re-evaluated here)
        node = flow.node(doc.current_node)
        wanted.append((WorkItem.REVIEW, node.code, node.label, node.role, node.where,
                       getattr(doc, f"{node.unit_field}_id"), None))
        if doc.last_action == Action.SUBMIT and doc.submitted_by_id:
            # still withdrawable, by the submitter alone
            wanted.append((WorkItem.OPEN, "", "", flow.submit_role, engine.OWN_UNIT, doc.unit_id,
                           doc.submitted_by_id))
    elif doc.is_editable:
        wanted.append((WorkItem.OPEN, "", "", flow.submit_role, engine.OWN_UNIT, doc.unit_id, None))
    if not wanted:
        return []
    units = Unit.objects.only("name", "region_id", "region_path").in_bulk({doc.unit_id} | {w[5] for w in wanted})
    ct = ContentType.objects.get_for_model(type(doc))
    title = str(doc)[:200]
    return [
        WorkItem(content_type=ct, object_id=doc.pk, doc_type=flow.doc_type, kind=kind, node=node,
                 node_label=label, role=role, place=place, unit_id=unit_id, region_id=units[unit_id].region_id,
                 region_path=units[unit_id].region_path, user_id=user_id, submitted_by_id=doc.submitted_by_id,
                 number=doc.number, title=title, doc_unit_id=doc.unit_id, unit_name=units[doc.unit_id].name,
                 status_text=doc.status_text, since=doc.updated_at)
        for kind, node, label, role, place, unit_id, user_id in wanted
    ]


def refresh(doc) -> None:
    """Rewrite the document's work items from its current state. They are derived rows, so delete and insert."""
    ct = ContentType.objects.get_for_model(type(doc))
    with transaction.atomic():
        WorkItem.objects.filter(content_type=ct, object_id=doc.pk).delete()
        WorkItem.objects.bulk_create(rows_for(doc))


def rebuild(flows=None, *, out=None) -> int:
    """Rewrite every document's work items (the backfill, and a repair after a flow's nodes changed).
    Only documents that can have any are read: pending, draft and withdrawn ones."""
    total = 0
    for flow in (flows or engine.FLOWS.values()):
        ct = ContentType.objects.get_for_model(flow.model)
        with transaction.atomic():
            WorkItem.objects.filter(content_type=ct).delete()
            rows: list[WorkItem] = []
            for doc in flow.model._base_manager.filter(
                    status__in=[Status.PENDING, Status.DRAFT, Status.WITHDRAWN]).iterator(chunk_size=500):
                rows.extend(rows_for(doc))
                if len(rows) >= 500:
                    total += len(WorkItem.objects.bulk_create(rows))
                    rows = []
            total += len(WorkItem.objects.bulk_create(rows))
        if out is not None:
            out.write(f"{flow.label}：{WorkItem.objects.filter(content_type=ct).count()} 条待办\n")
    return total


def backfill_for_migration(apps, schema_editor) -> None:
    """RunPython of the migration that adds WorkItem. It reads documents through today's models, so a flow
    whose table is missing or behind (a fresh database, or its app's migrations still to run) is skipped
    with a note: `manage.py rebuild_inbox` fills it in afterwards."""
    tables = set(schema_editor.connection.introspection.table_names())
    for flow in engine.FLOWS.values():
        if flow.model._meta.db_table not in tables:
            continue
        try:
            with transaction.atomic():
                if flow.model._base_manager.exists():
                    rebuild([flow])
        except DatabaseError:
            print(f"\n  待办事项未回填：{flow.label}；迁移完成后请运行 manage.py rebuild_inbox")


# ---- who acts on which row ----------------------------------------------------------------------------


def _own_unit(user) -> Q:
    return Q(unit_id=user.unit_id)


def _regulator(user) -> Q | None:
    # the regions it is responsible for are computed now, so a new regulator below takes its region over
    # at once, exactly as engine.can_act_at decides
    if not user.is_regulator:
        return None
    return Q(region_id__in=regions_reviewed_by(user))


def _places() -> dict[str, Callable]:
    """Where → the rows a user acts on there. A new place of the engine adds its filter here."""
    return {engine.OWN_UNIT: _own_unit, engine.REGULATOR: _regulator}


def review_q(user) -> Q | None:
    """待我审核: rows at a node whose role the user holds, at a place the user sits, not their own submission."""
    roles = sorted(user.role_codes)
    if not roles:
        return None
    places = Q(pk__in=[])
    for where, place_q in _places().items():
        q = place_q(user)
        if q is not None:
            places |= Q(place=where) & q
    return Q(kind=WorkItem.REVIEW, role__in=roles) & places & ~Q(submitted_by_id=user.pk)


def open_q(user) -> Q | None:
    """待我处理: the unit's documents still with the clerks, and the user's own withdrawable submissions."""
    roles = sorted(user.role_codes)
    if not roles:
        return None
    return (Q(kind=WorkItem.OPEN, role__in=roles, place=engine.OWN_UNIT, unit_id=user.unit_id)
            & (Q(user__isnull=True) | Q(user_id=user.pk)))


def work_q(user, *, review: bool = True, mine: bool = True) -> Q | None:
    if not user.is_authenticated or user.unit_id is None:
        return None
    parts = [q for q in ((review_q(user) if review else None), (open_q(user) if mine else None)) if q is not None]
    if not parts:
        return None
    q = parts[0]
    for p in parts[1:]:
        q |= p
    return q


def items_for(user, *, review: bool = True, mine: bool = True):
    q = work_q(user, review=review, mine=mine)
    return WorkItem.objects.filter(q) if q is not None else WorkItem.objects.none()
