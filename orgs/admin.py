from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import ApiToken, Region, RoleAssignment, Unit, User


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "level", "region", "credit_code", "budget_code", "competent", "is_member"]
    list_filter = ["kind", "level", "is_member"]
    search_fields = ["name", "credit_code", "budget_code"]


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["username", "full_name", "unit", "is_active", "last_login"]
    search_fields = ["username", "full_name"]


for model in (Region, RoleAssignment, ApiToken):
    admin.site.register(model, ReadOnlyAdmin)
