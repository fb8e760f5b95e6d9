from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from portal.views import password_change

from .api import api

urlpatterns = [
    path("api/", api.urls),
    path("django-admin/", admin.site.urls),
    path("", include("orgs.urls")),
    path("password/", password_change, name="password_change"),  # the shell's page of an orgs service
    path("orgs/", include("registry.urls")),
    path("attachments/", include("attachments.urls")),
    path("budgets/", include("budgets.urls")),
    path("projects/", include("projects.urls")),
    path("joint/", include("joint.urls")),
    path("plans/", include("plans.urls")),
    path("trading/announcements/", include("trading.announcement_urls")),
    path("trading/", include("trading.urls")),
    path("challenges/", include("challenges.urls")),
    path("failures/", include("failures.urls")),
    path("awards/", include("awards.urls")),
    path("portal/trading/", include("trading.public_urls")),
    path("contracts/", include("contracts.urls")),
    path("intentions/", include("intentions.urls")),
    path("portal/intentions/", include("intentions.public_urls")),
    path("portal/awards/", include("awards.public_urls")),
    path("integration/", include("integration.urls")),
    path("settings/", include("portal.settings_urls")),
    path("jobs/", include("portal.job_urls")),
    path("", include("portal.urls")),
]
if settings.TESTING:
    urlpatterns.insert(0, path("kitsample/", include("tests.kitsample.urls")))
