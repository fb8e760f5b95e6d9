from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from orgs.urls import org_patterns

from .api import api

urlpatterns = [
    path("api/", api.urls),
    path("django-admin/", admin.site.urls),
    path("", include("orgs.urls")),
    path("orgs/", include((org_patterns, "orgs"))),
    path("attachments/", include("attachments.urls")),
    path("budgets/", include("budgets.urls")),
    path("projects/", include("projects.urls")),
    path("joint/", include("joint.urls")),
    path("plans/", include("plans.urls")),
    path("contracts/", include("contracts.urls")),
    path("intentions/", include("intentions.urls")),
    path("portal/intentions/", include("intentions.public_urls")),
    path("integration/", include("integration.urls")),
    path("settings/", include("core.urls")),
    path("jobs/", include("core.job_urls")),
    path("", include("portal.urls")),
]
if settings.TESTING:
    urlpatterns.insert(0, path("kitsample/", include("tests.kitsample.urls")))
