from django.db import models


class Warning(models.Model):
    """监督预警: a rule the system noticed being broken or at risk, on a document."""

    LEVELS = [("info", "提示"), ("warn", "预警"), ("block", "严重")]

    kind = models.CharField("预警类型", max_length=40, db_index=True)
    level = models.CharField("级别", max_length=8, choices=LEVELS, default="warn")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    target = models.CharField("对象", max_length=60, db_index=True)  # e.g. "projects.project:12"
    target_label = models.CharField("对象名称", max_length=200)
    message = models.TextField("预警内容")
    basis = models.CharField("依据", max_length=200, blank=True, default="")
    created_at = models.DateTimeField("预警时间", auto_now_add=True, db_index=True)
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "预警记录"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_level_display()}：{self.message[:40]}"
