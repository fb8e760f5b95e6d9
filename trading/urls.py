from django.urls import path

from . import announcement_views as av
from . import views

app_name = "trading"
urlpatterns = [
    path("", views.procurement_list, name="list"),
    path("<int:pk>/", views.procurement_detail, name="detail"),
    path("accept/", views.awaiting_list, name="awaiting"),
    path("accept/<int:plan_id>/", views.accept, name="accept"),
    path("supplier/announcements/", av.open_announcements, name="open_announcements"),
    path("supplier/announcements/<int:pk>/register/", av.register, name="register"),
    path("supplier/registrations/", av.my_registrations, name="my_registrations"),
    path("region/announcements/", av.region_announcements, name="region_announcements"),
    path("region/registrations/", av.region_registrations, name="region_registrations"),
]
