"""The inbox as rows: `WorkItem`s written by the engine, read by 工作台, 待处理 and /api/inbox.

`refresh(doc)` rewrites a document's rows from its state, in the caller's transaction: the engine calls it
after every transition and every 保存. Who may act is then a filter on the rows alone (`work_q`), one query
for every flow together instead of two to four COUNTs per flow.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, transaction
from django.db.models import Q

from access import places
from orgs.models import Unit

from . import engine  # a module reference: engine imports this module too, so no names are taken at import
from .models import Action, Status, WorkItem


def rows_for(doc, unit_cache: dict | None = None) -> list[WorkItem]:
    """The work items a document stands for right now (not saved). Each mirrors a button of
    engine.available_actions: 审核 at the current node, 编辑/提交 and 撤回 of the clerks, a stage's action."""
    flow = engine.flow_for(doc)
    wanted = []   # (kind, code, label, role, place, unit field, for one user)
    if doc.status == Status.PENDING and doc.current_node:
        # the node it waits at, as decided when it got there (a condition is not evaluated again)
        node = flow.node(doc.current_node)
        wanted.append((WorkItem.REVIEW, node.code, node.label, node.role, node.where, node.unit_field, None))
        if doc.last_action == Action.SUBMIT and doc.submitted_by_id:
            # still withdrawable, by the submitter alone (the engine asks nothing else of them)
            wanted.append((WorkItem.OPEN, "", "", flow.submitter_role(doc), flow.submit_where,
                           flow.submit_unit_field, doc.submitted_by_id))
    elif doc.is_editable:
        wanted.append((WorkItem.OPEN, "", "", flow.submitter_role(doc), flow.submit_where, flow.submit_unit_field,
                       None))
    elif doc.status == Status.APPROVED and doc.stage and (stage := flow.stage(doc.stage)) is not None:
        wanted.append((WorkItem.STAGE, stage.code, stage.action_label, stage.role_for(doc), stage.where, stage.unit_field,
                       None))
    if not wanted:
        return []
    unit_ids = {doc.unit_id} | {getattr(doc, f"{w[5]}_id", None) for w in wanted}
    units = {} if unit_cache is None else unit_cache  # a rebuild shares one: a unit is read once, not per document
    missing = unit_ids - {None} - set(units)
    if missing:
        units.update(Unit.objects.only("name", "kind", "region_path", "competent_id").in_bulk(missing))
    ct = ContentType.objects.get_for_model(type(doc))
    title = str(doc)[:200]
    rows = []
    for kind, code, label, role, place, unit_field, user_id in wanted:
        unit = units.get(getattr(doc, f"{unit_field}_id", None))
        if unit is None or (place == places.AGENCY and unit.kind not in places.AGENCY_KINDS):
            continue   # nobody sits there (places.sits_at says no to everyone): no row
        rows.append(WorkItem(
            content_type=ct, object_id=doc.pk, doc_type=flow.doc_type, kind=kind, node=code, node_label=label,
            role=role, place=place, unit_id=unit.pk, acting_unit_id=places.place_unit_id(place, unit),
            region_path=unit.region_path, user_id=user_id, submitted_by_id=doc.submitted_by_id,
            number=doc.number, title=title, doc_unit_id=doc.unit_id, unit_name=units[doc.unit_id].name,
            status_text=doc.status_text, since=doc.updated_at))
    return rows


def refresh(doc) -> None:
    """Rewrite the document's work items from its current state. They are derived rows, so delete and insert."""
    ct = ContentType.objects.get_for_model(type(doc))
    with transaction.atomic():
        WorkItem.objects.filter(content_type=ct, object_id=doc.pk).delete()
        WorkItem.objects.bulk_create(rows_for(doc))


def rebuild(flows=None, *, out=None) -> int:
    """Rewrite every document's work items (the backfill, and a repair after a flow's nodes changed).
    Only documents that can have any are read: pending, draft and withdrawn ones, approved ones in a stage."""
    total = 0
    for flow in (flows or engine.FLOWS.values()):
        ct = ContentType.objects.get_for_model(flow.model)
        with transaction.atomic():
            WorkItem.objects.filter(content_type=ct).delete()
            rows: list[WorkItem] = []
            live = Q(status__in=[Status.PENDING, Status.DRAFT, Status.WITHDRAWN]) | Q(status=Status.APPROVED,
                                                                                      stage__gt="")
            unit_cache: dict = {}
            for doc in flow.model._base_manager.filter(live).iterator(chunk_size=500):
                rows.extend(rows_for(doc, unit_cache))
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


def units_changed(unit_ids) -> int:
    """orgs.scope_columns listener: a unit's competent unit changed, so did the acting unit of its rows at the
    COMPETENT place (region paths are copied by the registered columns)."""
    changed = 0
    for row in (WorkItem.objects.filter(place=places.COMPETENT, unit_id__in=unit_ids)
                .values("pk", "acting_unit_id", "unit__competent_id")):
        if row["acting_unit_id"] != row["unit__competent_id"]:
            changed += WorkItem.objects.filter(pk=row["pk"]).update(acting_unit_id=row["unit__competent_id"])
    return changed


def _regions_q(user) -> Q | None:
    """The rows at a region place that this regulator is responsible for, decided now from where the regulator
    units are (as places.regulator_region does): under its region, except under a region below with its own
    regulator — for FINANCE one of city level or above, and a county regulator is never FINANCE."""
    if not user.is_regulator:
        return None
    region = user.unit.region
    below = list(Unit.objects.filter(kind=Unit.KIND_REGULATOR, region__path__startswith=region.path)
                 .exclude(region_id=region.pk).values_list("region__path", "region__level").distinct())
    q = Q(pk__in=[])
    for place, skip_county in ((places.REGULATOR, False), (places.FINANCE, True)):
        if skip_county and region.level == "county":
            continue
        part = Q(place=place, region_path__startswith=region.path)
        for path, level in below:
            if not (skip_county and level == "county"):
                part &= ~Q(region_path__startswith=path)
        q |= part
    return q


def work_q(user, *, review: bool = True, mine: bool = True) -> Q | None:
    """The rows this user acts on: a role they hold, where they sit; never a review of their own submission;
    a row for one user only to that user. `review`: 待我审核; `mine`: 待我处理."""
    if not user.is_authenticated or user.unit_id is None:
        return None
    kinds = ([WorkItem.REVIEW] if review else []) + ([WorkItem.OPEN, WorkItem.STAGE] if mine else [])
    roles = sorted(user.role_codes)
    where = Q(acting_unit_id=user.unit_id)
    if (regions := _regions_q(user)) is not None:
        where |= regions
    q = Q(kind__in=kinds, role__in=roles, user__isnull=True) & where
    if review:
        q &= ~Q(kind=WorkItem.REVIEW, submitted_by_id=user.pk)
    if mine:
        q |= Q(kind=WorkItem.OPEN, user_id=user.pk)
    return q


def items_for(user, *, review: bool = True, mine: bool = True):
    q = work_q(user, review=review, mine=mine)
    return WorkItem.objects.filter(q) if q is not None else WorkItem.objects.none()
