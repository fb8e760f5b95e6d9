from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import AuditLog


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = ["id", "at", "actor", "action", "object_key", "object_repr"]
    search_fields = ["object_key", "action"]
