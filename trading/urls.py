from django.urls import path

from . import views

app_name = "trading"
urlpatterns = [
    path("", views.procurement_list, name="list"),
    path("<int:pk>/", views.procurement_detail, name="detail"),
    path("accept/", views.awaiting_list, name="awaiting"),
    path("accept/<int:plan_id>/", views.accept, name="accept"),
]
