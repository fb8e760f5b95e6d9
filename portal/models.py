from django.conf import settings
from django.db import models


class Bulletin(models.Model):
    """通知公告 from a regulator to the units of its region, shown on the 工作台."""

    title = models.CharField("标题", max_length=100)
    body = models.TextField("内容")
    region = models.ForeignKey("orgs.Region", on_delete=models.PROTECT, related_name="+", verbose_name="发布范围")
    region_path = models.CharField(max_length=64, db_index=True, editable=False)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="发布人")
    published_at = models.DateTimeField("发布时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知公告"
        ordering = ["-published_at"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.region_path = self.region.path
        super().save(*args, **kwargs)
