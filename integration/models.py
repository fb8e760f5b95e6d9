from django.db import models

from orgs.models import Region


def region_path_for(mof_div_code: str) -> str:
    """The region tree path of a 财政区划 code (6 digits, or 9 with the 3-digit suffix of the Ministry's standard).

    A code missing from the region table hangs under its nearest known ancestor (city, then province), so a
    county the table does not list is still inside its city's and province's jurisdiction. '' when even the
    province is unknown: such rows are seen by no regulator (only through the log).
    """
    code = (mof_div_code or "").strip()[:6]
    if len(code) != 6 or not code.isdigit():
        return ""
    candidates = [code, code[:4] + "00", code[:2] + "0000"]
    known = dict(Region.objects.filter(code__in=candidates).values_list("code", "path"))
    for candidate in candidates:
        if candidate in known:
            path = known[candidate]
            return path if candidate == code else f"{path}{code}/"
    return ""


def common_path(paths) -> str:
    """The deepest region path that covers all of `paths` ('' when one is unknown or they share no province)."""
    paths = list(paths)
    if not paths or any(not p for p in paths):
        return ""
    split = [p.strip("/").split("/") for p in paths]
    prefix = []
    for parts in zip(*split, strict=False):
        if len(set(parts)) != 1:
            break
        prefix.append(parts[0])
    return "/" + "/".join(prefix) + "/" if prefix else ""


class PlatformUnit(models.Model):
    """一体化单位基本信息: the budget platform's record of a unit (fed by the inbound feed; demo data fills it)."""

    agency_code = models.CharField("单位预算编码 AGENCY_CODE", max_length=32)
    agency_name = models.CharField("单位名称 AGENCY_NAME", max_length=100)
    credit_code = models.CharField("统一社会信用代码 USCC", max_length=18, db_index=True)
    mof_div_code = models.CharField("财政区划 MOF_DIV_CODE", max_length=9)
    fiscal_year = models.PositiveIntegerField("预算年度 FISCAL_YEAR")
    is_valid = models.BooleanField("是否有效", default=True)
    received_at = models.DateTimeField("接收时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True, null=True)
    region_path = models.CharField(max_length=64, db_index=True, editable=False, default="")

    class Meta:
        verbose_name = verbose_name_plural = "一体化单位基本信息"
        ordering = ["mof_div_code", "agency_code"]
        indexes = [models.Index(fields=["credit_code", "fiscal_year"])]

    def __str__(self):
        return f"{self.agency_name}（{self.agency_code}）"

    def save(self, *args, **kwargs):
        self.region_path = region_path_for(self.mof_div_code)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {"region_path"}
        super().save(*args, **kwargs)


class PlatformSubordination(models.Model):
    """隶属关系 as the budget platform reports it (AGENCY_CODE under SUPER_AGENCY_CODE). Recorded and shown
    next to Zhengcai's own link; never applied to orgs automatically (the purchaser's 隶属关系 flow decides)."""

    agency_code = models.CharField("单位预算编码 AGENCY_CODE", max_length=32, unique=True)
    super_agency_code = models.CharField("上级单位预算编码 SUPER_AGENCY_CODE", max_length=32, blank=True,
                                         default="")
    mof_div_code = models.CharField("财政区划 MOF_DIV_CODE", max_length=9, blank=True, default="")
    fiscal_year = models.PositiveIntegerField("预算年度 FISCAL_YEAR", null=True, blank=True)
    is_valid = models.BooleanField("是否有效", default=True)
    message = models.ForeignKey("InboundMessage", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                verbose_name="来源消息")
    received_at = models.DateTimeField("接收时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    region_path = models.CharField(max_length=64, db_index=True, editable=False, default="")

    class Meta:
        verbose_name = verbose_name_plural = "一体化隶属关系"
        ordering = ["agency_code"]

    def __str__(self):
        return f"{self.agency_code} → {self.super_agency_code or '—'}"


class PlatformClient(models.Model):
    """A machine client of the inbound feed (the province's budget platform), with its HMAC secret."""

    client_id = models.CharField("客户端标识", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60)
    secret = models.CharField("签名密钥", max_length=128)
    is_active = models.BooleanField("启用", default=True)
    # Signature version 1 does not cover the endpoint; the platform is another system that upgrades on its
    # own schedule, so the administrator decides per client until when v1 is still accepted (empty: never).
    v1_accepted_until = models.DateField("旧版签名（版本1）接受至", null=True, blank=True,
                                         help_text="含当日；为空表示只接受版本2签名。")
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
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    REFUSED = "refused"
    FAILED = "failed"
    STATUSES = [(APPLIED, "已处理"), (DUPLICATE, "重复消息"), (REFUSED, "已拒收"), (FAILED, "处理失败")]

    client = models.ForeignKey(PlatformClient, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name="客户端")
    client_label = models.CharField("客户端标识", max_length=40, blank=True, default="")
    # what an unauthenticated request claimed to be: never shown as its client (only the administrator sees it)
    claimed_client = models.CharField("自称客户端标识（未认证）", max_length=40, blank=True, default="")
    source_ip = models.GenericIPAddressField("来源地址", null=True, blank=True)
    signature_version = models.PositiveSmallIntegerField("签名版本", null=True, blank=True)
    message_id = models.CharField("消息ID", max_length=64, blank=True, default="")
    kind = models.CharField("消息类型", max_length=20, choices=KINDS, db_index=True)
    action = models.CharField("操作", max_length=20, blank=True, default="")
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    received_at = models.DateTimeField("接收时间", auto_now_add=True, db_index=True)
    status = models.CharField("处理状态", max_length=10, choices=STATUSES, db_index=True)
    http_status = models.PositiveSmallIntegerField("应答状态码", null=True, blank=True)
    error = models.TextField("错误信息", blank=True, default="")
    body = models.TextField("报文")  # whole when authenticated and not refused, else a bounded excerpt
    body_size = models.PositiveIntegerField("报文字节数", default=0)
    body_sha256 = models.CharField("报文SHA-256", max_length=64, blank=True, default="")
    result = models.JSONField("处理结果", default=dict, blank=True)
    record_count = models.PositiveIntegerField("记录数", default=0)
    fiscal_year = models.PositiveIntegerField("预算年度", null=True, blank=True, db_index=True)
    mof_div_code = models.CharField("财政区划", max_length=9, blank=True, default="", db_index=True)
    agency_code = models.CharField("单位预算编码", max_length=32, blank=True, default="", db_index=True)
    region_path = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "一体化接收消息"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["client", "message_id"], name="inbound_message_once",
                                    condition=models.Q(status="applied")),
        ]
        indexes = [models.Index(fields=["kind", "region_path"], name="inbound_kind_region"),
                   models.Index(fields=["region_path"], name="inbound_region"),
                   # the rate limits count recent rows per client and per source address
                   models.Index(fields=["client", "received_at"], name="inbound_client_recent"),
                   models.Index(fields=["source_ip", "received_at"], name="inbound_ip_recent")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.message_id or '—'}（{self.get_status_display()}）"
