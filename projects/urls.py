from django.urls import path  # noqa: F401

from .request_urls import urlpatterns as request_patterns

app_name = "projects"
urlpatterns = [] + request_patterns
