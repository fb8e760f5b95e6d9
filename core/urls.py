from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("parameters/", views.parameter_list, name="parameter_list"),
    path("parameters/new/", views.parameter_new, name="parameter_new"),
    path("workdays/", views.workday_list, name="workday_list"),
    path("workdays/new/", views.workday_new, name="workday_new"),
]
