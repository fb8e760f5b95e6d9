from .docs import SAMPLE

app_name = SAMPLE.namespace
urlpatterns = SAMPLE.urls()
