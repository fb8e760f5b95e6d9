from django.contrib import admin

from .models import Attachment


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    """Read-only: attachments change only through attachments.services (audited)."""

    list_display = ["id", "original_name", "kind", "size", "unit", "purpose", "uploaded_by", "uploaded_at",
                    "is_deleted"]
    list_filter = ["kind", "is_deleted"]
    search_fields = ["original_name", "sha256", "unit__name"]
    list_select_related = ["unit", "uploaded_by"]
    date_hierarchy = "uploaded_at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
