"""/portal/awards/: published 中标（成交）结果公告 for everyone, no login."""

from django.urls import path

from . import views

app_name = "awards_public"
urlpatterns = [
    path("", views.public_list, name="list"),
    path("<int:pk>/", views.public_detail, name="detail"),
]
