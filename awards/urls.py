from django.urls import path

from . import views
from .apps import REGION_PAGES
from .docs import RESULT

app_name = RESULT.namespace
urlpatterns = [
    # before the kit's <pk>/<action>/ pattern
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/notice/", views.notice, name="notice"),
    *RESULT.urls(),
    *(path(f"region/{code}/", views.region_view(code), name=f"region_{code}") for code, _, _ in REGION_PAGES),
]
