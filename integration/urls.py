from django.urls import path

from . import views

app_name = "integration"
urlpatterns = [
    path("indicator-messages/", views.indicator_messages, name="indicator_messages"),
    path("messages/", views.message_list, name="message_list"),
    path("messages/<int:pk>/", views.message_detail, name="message_detail"),
    path("units/", views.unit_list, name="unit_list"),
    path("subordinations/", views.subordination_list, name="subordination_list"),
    path("rematch/", views.rematch, name="rematch"),
]
