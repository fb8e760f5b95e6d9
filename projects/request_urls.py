"""URLs of the requests on a project and of 实施形式变更 (inside the 'projects' namespace)."""

from django.urls import path

from . import request_views as views

urlpatterns = [
    path("requests/new/<int:project_pk>/<str:kind>/", views.request_new, name="request_new"),
    path("requests/buttons/<int:project_pk>/", views.request_buttons, name="request_buttons"),
    path("requests/review/", views.request_review_list, name="request_review_list"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", views.request_edit, name="request_edit"),
    path("requests/<int:pk>/discard/", views.request_discard, name="request_discard"),
    path("requests/<int:pk>/<str:action>/", views.request_action, name="request_action"),
    path("form-change/", views.form_change_list, name="form_change_list"),
    path("form-change/<int:project_pk>/", views.form_change, name="form_change"),
]
