from django.urls import path

from . import views
from .apps import REGION_PAGES
from .docs import RESULT

app_name = RESULT.namespace
urlpatterns = [
    *RESULT.urls(),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/notice/", views.notice, name="notice"),
    *(path(f"region/{code}/", views.region_view(code), name=f"region_{code}") for code, _, _ in REGION_PAGES),
]
