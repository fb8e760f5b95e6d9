from django.urls import path

from . import views
from .docs import PLAN
from .lists import REGION_LISTS

app_name = PLAN.namespace
# 新增 starts on the type page (then 【+选择采购项目】); the kit's own new/ form is the API's way in
urlpatterns = [
    path("new/", views.plan_new_choose, name="new"),
    path("new/<str:plan_type>/", views.plan_pick, name="pick"),
    path("entrusted/", views.entrusted_list, name="entrusted"),
    path("warnings/", views.split_warning_list, name="split_warnings"),
    *[path(f"region/{page.code}/", views.region_view(page), name=f"region_{page.code}") for page in REGION_LISTS],
    *[p for p in PLAN.urls() if p.name != "new"],
]
