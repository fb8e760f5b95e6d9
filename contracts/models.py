from django.db import models

MONEY = {"max_digits": 18, "decimal_places": 2}


class Contract(models.Model):
    """合同: minimal for now — the filed (备案) contracts a 合同续签 plan names as its original contract. The
    contracts issue turns it into a kit document (entry, review, 发布, 备案, requests)."""

    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="采购单位")
    number = models.CharField("合同编号", max_length=60, unique=True)
    name = models.CharField("合同名称", max_length=200)
    supplier = models.CharField("供应商", max_length=200)
    amount = models.DecimalField("合同金额", **MONEY)
    signed_on = models.DateField("签订日期")
    filed_at = models.DateTimeField("备案时间", null=True, blank=True)
    multi_year = models.BooleanField("一签多年", default=False)
    procurement_kind = models.CharField("采购类别", max_length=10, default="services",
                                        choices=[("goods", "货物"), ("works", "工程"), ("services", "服务")])

    class Meta:
        verbose_name = verbose_name_plural = "合同"
        ordering = ["-signed_on", "-id"]
        indexes = [models.Index(fields=["unit", "-signed_on"], name="contract_unit_signed")]

    def __str__(self):
        return f"{self.name}（{self.number}）"
