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


class PlatformClient(models.Model):
    """A machine client of the inbound feed (the province's budget platform), with its HMAC secret."""

    client_id = models.CharField("客户端标识", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60)
    secret = models.CharField("签名密钥", max_length=128)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "一体化接入客户端"

    def __str__(self):
        return self.name


class InboundMessage(models.Model):
    """Every message the budget platform sent us, applied or refused, kept for the regulator's 一体化 pages."""

    KIND_INDICATOR = "indicator"
    KIND_UNIT = "unit"
    KIND_SUBORDINATION = "subordination"
    KINDS = [(KIND_INDICATOR, "预算指标"), (KIND_UNIT, "单位基本信息"), (KIND_SUBORDINATION, "隶属关系")]
    STATUSES = [("applied", "已处理"), ("duplicate", "重复消息"), ("refused", "已拒收"), ("failed", "处理失败")]

    client = models.ForeignKey(PlatformClient, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name="客户端")
    client_label = models.CharField("客户端标识", max_length=40, blank=True, default="")
    message_id = models.CharField("消息ID", max_length=64, blank=True, default="")
    kind = models.CharField("消息类型", max_length=20, choices=KINDS, db_index=True)
    action = models.CharField("操作", max_length=20, blank=True, default="")
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    received_at = models.DateTimeField("接收时间", auto_now_add=True, db_index=True)
    status = models.CharField("处理状态", max_length=10, choices=STATUSES, db_index=True)
    error = models.TextField("错误信息", blank=True, default="")
    body = models.TextField("报文")
    result = models.JSONField("处理结果", default=dict, blank=True)
    mof_div_code = models.CharField("财政区划", max_length=9, blank=True, default="", db_index=True)
    agency_code = models.CharField("单位预算编码", max_length=32, blank=True, default="", db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "一体化接收消息"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["client", "message_id"], name="inbound_message_once",
                                    condition=models.Q(status="applied")),
        ]
