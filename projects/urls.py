from django.urls import path, re_path

from . import views
from .request_urls import urlpatterns as request_patterns

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("region/", views.region_list, name="regulator_list"),
    path("new/", views.project_new_choose, name="new_choose"),
    path("gov-check/", views.gov_check, name="gov_check"),
    path("new/<str:form>/", views.project_new, name="new"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    re_path(r"^(?P<pk>\d+)/(?P<action>submit|withdraw|approve|reject)/$", views.project_action, name="action"),
] + request_patterns
