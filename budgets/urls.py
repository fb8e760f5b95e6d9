from django.urls import path

from . import views

app_name = "budgets"
urlpatterns = [
    path("", views.budget_list, name="budget_list"),
    path("indicators/", views.indicator_list, name="indicator_list"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator_detail"),
    path("region/", views.region_indicator_list, name="region_indicator_list"),
    path("virtual/", views.virtual_list, name="virtual_list"),
    path("virtual/new/", views.virtual_new, name="virtual_new"),
    path("offices/", views.office_list, name="office_list"),
    path("offices/<int:pk>/deactivate/", views.office_deactivate, name="office_deactivate"),
    path("offices/<int:pk>/activate/", views.office_activate, name="office_activate"),
]
