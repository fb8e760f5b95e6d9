from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Subordination, UnitRegistration

for model in (Subordination, UnitRegistration):
    admin.site.register(model, ReadOnlyAdmin)
