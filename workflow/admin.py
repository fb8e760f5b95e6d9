from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import ReviewRecord


@admin.register(ReviewRecord)
class ReviewRecordAdmin(ReadOnlyAdmin):
    list_display = ["id", "at", "doc_type", "object_id", "node_label", "action", "actor", "opinion"]
    list_filter = ["doc_type", "action"]
