from django.urls import path

from . import views
from .docs import INTENTION

app_name = INTENTION.namespace
urlpatterns = [path("publish/", views.publish_list, name="publish_list"), *INTENTION.urls()]
