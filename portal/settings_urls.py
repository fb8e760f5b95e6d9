from django.urls import path

from . import settings_views as views

app_name = "settings"  # /settings/: the kernel's 规则参数 and 工作日调整
urlpatterns = [
    path("parameters/", views.parameter_list, name="parameter_list"),
    path("parameters/new/", views.parameter_new, name="parameter_new"),
    path("workdays/", views.workday_list, name="workday_list"),
    path("workdays/new/", views.workday_new, name="workday_new"),
]
