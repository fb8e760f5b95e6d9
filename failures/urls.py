from django.urls import path

from . import views
from .docs import HANDLING
from .models import HandlingKind

app_name = HANDLING.namespace
urlpatterns = [
    path("procurements/<int:pk>/declare/", views.declare, name="declare"),
    path("<int:pk>/purchaser/", views.purchaser_step, name="purchaser_step"),
    path("plan-terminations/", views.purchaser_list(HandlingKind.TERMINATE), name="purchaser_terminate"),
    path("method-changes/", views.purchaser_list(HandlingKind.CHANGE_METHOD), name="purchaser_change_method"),
    path("region/tender/", views.region_list(True), name="region_tender"),
    path("region/non-tender/", views.region_list(False), name="region_non_tender"),
    path("region/back/", views.back_many, name="back_many"),
    *HANDLING.urls(),
]
