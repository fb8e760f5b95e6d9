"""待办 over JSON: how many documents of each flow wait for the caller."""

from datetime import datetime

from ninja import Router, Schema

from core.api import ErrorOut, actor

from .selectors import inbox_counts

router = Router(tags=["待办"])


class ReviewOut(Schema):
    id: int
    node: str
    node_label: str
    action: str
    action_label: str
    actor: str
    actor_unit: str | None
    opinion: str
    from_status: str
    to_status: str
    at: datetime

    @staticmethod
    def resolve_action_label(obj):
        return obj.get_action_display()

    @staticmethod
    def resolve_actor(obj):
        return str(obj.actor)

    @staticmethod
    def resolve_actor_unit(obj):
        return obj.actor_unit.name if obj.actor_unit_id else None


class InboxRowOut(Schema):
    doc_type: str
    label: str
    to_review: int
    mine: int


class InboxOut(Schema):
    rows: list[InboxRowOut]
    to_review: int
    mine: int


@router.get("/inbox", response={200: InboxOut, 401: ErrorOut}, summary="待办数量（按单据类型）")
def inbox(request):
    """`to_review`: waiting at a node the caller may approve; `mine`: the caller's unit's documents still
    with the caller (being edited, returned, withdrawn, or submitted and still withdrawable)."""
    rows = [{"doc_type": r.flow.doc_type, "label": r.flow.label, "to_review": r.to_review, "mine": r.mine}
            for r in inbox_counts(actor(request))]
    return {"rows": rows, "to_review": sum(r["to_review"] for r in rows), "mine": sum(r["mine"] for r in rows)}
