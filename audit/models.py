from django.conf import settings
from django.db import models


class AuditLog(models.Model):
    """Append-only. Each row hashes its content and the previous row of the same object (a chain per object)."""

    object_key = models.CharField("对象", max_length=80)
    object_repr = models.CharField("对象名称", max_length=200, blank=True, default="")
    action = models.CharField("操作", max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name="操作人")
    at = models.DateTimeField("时间")
    before = models.JSONField("变更前", default=dict)
    after = models.JSONField("变更后", default=dict)
    prev_hash = models.CharField(max_length=64, blank=True, default="")
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = verbose_name_plural = "审计日志"
        ordering = ["id"]
        indexes = [models.Index(fields=["object_key", "id"]), models.Index(fields=["at"])]

    def save(self, *args, **kwargs):
        if self.pk:
            raise RuntimeError("audit rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("audit rows are append-only")
