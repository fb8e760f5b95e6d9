"""Who else sees a linked attachment: whoever sees the document it belongs to. A document type registers how
its rows are read in scope (the kit does it for every DocumentType; other documents in their AppConfig.ready):

    visibility.register(Challenge, lambda user, pk: selectors.challenges(user).filter(pk=pk).exists())

so a 评审报告 uploaded by the agency opens for the purchaser's reviewer and the regulator who read the result,
and nothing opens for anyone who cannot read the document (a 404 like a missing file)."""

from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType

_TARGETS: dict[str, Callable] = {}


def register(model, can_see: Callable) -> None:
    """`can_see(user, object_id) -> bool`: the document's own scoped read."""
    _TARGETS[model._meta.label_lower] = can_see


def target_visible(user, content_type_id: int | None, object_id: int | None) -> bool:
    if content_type_id is None or object_id is None:
        return False
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    can_see = _TARGETS.get(model._meta.label_lower) if model is not None else None
    return bool(can_see and can_see(user, object_id))
