"""/portal/trading/: published 采购公告 and 更正公告 for everyone, no login."""

from django.urls import path

from . import announcement_views as av

app_name = "trading_public"
urlpatterns = [
    path("", av.public_list, name="list"),
    path("<int:pk>/", av.public_detail, name="detail"),
    path("files/<int:att_pk>/", av.public_file, name="file"),
]
