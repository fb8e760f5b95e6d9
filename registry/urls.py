from django.urls import path, reverse

from workflow.kit.actions import page_urls

from . import views

app_name = "registry"  # mounted at /orgs/, where 主体管理's pages have always been
urlpatterns = [
    path("registration/", views.my_registration, name="my_registration"),
    path("registrations/", views.registration_review_list, name="registration_review_list"),
    path("registrations/<int:pk>/", views.registration_detail, name="registration_detail"),
    *page_urls(views.registration_get, lambda d: reverse("registry:registration_detail", args=[d.pk]),
               "registration_action", "registrations/"),
    path("units/", views.member_list, name="member_list"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("subordination/", views.my_subordination, name="my_subordination"),
    path("subordinations/confirm/", views.subordination_confirm_list, name="subordination_confirm_list"),
    path("subordinations/", views.subordination_list, name="subordination_list"),
    path("subordinations/<int:pk>/", views.subordination_detail, name="subordination_detail"),
    path("subordinations/<int:pk>/dissolve/", views.subordination_dissolve, name="subordination_dissolve"),
    *page_urls(views.subordination_get, lambda d: reverse("registry:subordination_detail", args=[d.pk]),
               "subordination_action", "subordinations/"),
]
