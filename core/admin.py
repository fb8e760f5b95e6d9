from django.contrib import admin

from .models import DocumentCounter, RuleParameter, WorkdayAdjustment


class ReadOnlyAdmin(admin.ModelAdmin):
    """The Django admin only reads: every write goes through a service (audited, rule-checked)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RuleParameter)
class RuleParameterAdmin(ReadOnlyAdmin):
    list_display = ["name", "label", "region_code", "level", "effective_from", "value", "unit", "source"]
    list_filter = ["name", "region_code"]
    search_fields = ["name", "label"]


admin.site.register(DocumentCounter, ReadOnlyAdmin)
admin.site.register(WorkdayAdjustment, ReadOnlyAdmin)
