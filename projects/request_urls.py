"""URLs of the requests on a project and of 实施形式变更 (inside the 'projects' namespace). The request pages
(request_new, request_detail, request_edit, request_action — 提交 / 撤回 / 审核 / 放弃) are the kit's."""

from django.urls import path

from . import request_views as views
from .request_kinds import REQUESTS

urlpatterns = [
    path("requests/buttons/<int:project_pk>/", views.request_buttons, name="request_buttons"),
    path("requests/review/", views.request_review_list, name="request_review_list"),
    path("requests/money-check/<int:project_pk>/<str:kind>/", views.request_money_check,
         name="request_money_check"),
    *REQUESTS.urls(),
    path("form-change/", views.form_change_list, name="form_change_list"),
    path("form-change/<int:project_pk>/", views.form_change, name="form_change"),
]
