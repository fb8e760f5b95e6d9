from django.urls import path, reverse

from workflow.kit.actions import page_urls

from . import selectors, views
from .request_urls import urlpatterns as request_patterns

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("region/", views.region_list, name="regulator_list"),
    path("new/", views.project_new_choose, name="new_choose"),
    path("gov-check/", views.gov_check, name="gov_check"),
    path("money-check/", views.money_check, name="money_check"),
    path("new/<str:form>/", views.project_new, name="new"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    # 提交 / 撤回 / 审核通过 / 审核不通过: the kit's generated endpoint (`projects:action`)
    *page_urls(selectors.get_project, lambda p: reverse("projects:detail", args=[p.pk])),
] + request_patterns
