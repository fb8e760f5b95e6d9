from django.urls import include, path

from .api import api

urlpatterns = [
    path("api/", api.urls),
    path("", include("orgs.urls")),
    path("attachments/", include("attachments.urls")),
    path("settings/", include("core.urls")),
    path("", include("portal.urls")),
]
