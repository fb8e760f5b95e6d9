"""/trading/announcements/: 采购公告 and 更正公告 (the kit's pages) and their 采购文件."""

from django.urls import path

from . import announcement_views as av
from .docs import ANNOUNCEMENT

app_name = ANNOUNCEMENT.namespace
urlpatterns = [*ANNOUNCEMENT.urls(), path("files/<int:att_pk>/", av.announcement_file, name="file")]
