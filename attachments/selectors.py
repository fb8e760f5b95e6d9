"""Reads of 附件, always scoped: an attachment is visible when its unit is in the user's scope, or when it is
linked to a document the user may read (attachments.visibility)."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from access.scope import get_or_404, scoped

from . import visibility
from .models import Attachment


def _live() -> QuerySet:
    return Attachment.objects.filter(is_deleted=False)


def attachments_for(user, target: models.Model) -> QuerySet:
    """The live attachments of a document that the user may see, in upload order."""
    ct = ContentType.objects.get_for_model(target)
    qs = _live().filter(content_type=ct, object_id=target.pk).select_related("uploaded_by")
    if visibility.target_visible(user, ct.pk, target.pk):
        return qs.order_by("uploaded_at", "id")
    return scoped(qs, user).order_by("uploaded_at", "id")


def get_for_download(user, pk) -> Attachment:
    """A live attachment in the user's scope or linked to a document the user reads, or Http404 (missing,
    deleted and out of scope look alike)."""
    linked = _live().filter(pk=pk).values_list("content_type_id", "object_id").first()
    if linked is not None and visibility.target_visible(user, *linked):
        return _live().get(pk=pk)
    return get_or_404(_live(), user, pk=pk)
