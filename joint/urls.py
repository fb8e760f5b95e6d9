from django.urls import path

from . import views
from .docs import JOINT

app_name = JOINT.namespace
urlpatterns = [
    path("invitations/<int:pk>/", views.invitation, name="invitation"),
    path("invitations/<int:pk>/decline/", views.decline, name="decline"),
    path("invitations/<int:pk>/respond/", views.respond, name="respond"),
    path("invitations/<int:pk>/respond/money-check/", views.respond_money_check, name="respond_money_check"),
    *JOINT.urls(),
]
