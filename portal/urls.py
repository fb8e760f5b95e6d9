from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("bulletins/", views.bulletin_list, name="bulletin_list"),
    path("bulletins/new/", views.bulletin_new, name="bulletin_new"),
    path("bulletins/<int:pk>/", views.bulletin, name="bulletin"),
]
