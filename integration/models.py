from django.db import models


class PlatformUnit(models.Model):
    """一体化单位基本信息: the budget platform's record of a unit (fed by the inbound feed; demo data fills it)."""

    agency_code = models.CharField("单位预算编码 AGENCY_CODE", max_length=32)
    agency_name = models.CharField("单位名称 AGENCY_NAME", max_length=100)
    credit_code = models.CharField("统一社会信用代码 USCC", max_length=18, db_index=True)
    mof_div_code = models.CharField("财政区划 MOF_DIV_CODE", max_length=9)
    fiscal_year = models.PositiveIntegerField("预算年度 FISCAL_YEAR")
    is_valid = models.BooleanField("是否有效", default=True)
    received_at = models.DateTimeField("接收时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "一体化单位基本信息"
        ordering = ["mof_div_code", "agency_code"]
        indexes = [models.Index(fields=["credit_code", "fiscal_year"])]

    def __str__(self):
        return f"{self.agency_name}（{self.agency_code}）"
