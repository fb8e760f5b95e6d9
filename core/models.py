from django.conf import settings
from django.db import models


class TimeStamped(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class RuleParameter(models.Model):
    """A rule number in force from a date, for a region (code prefix, '' = nationwide) and a unit level."""

    KIND_DECIMAL = "decimal"
    KIND_INT = "int"
    KIND_TEXT = "text"
    KINDS = [(KIND_DECIMAL, "数值"), (KIND_INT, "整数"), (KIND_TEXT, "文本")]

    name = models.CharField("参数名", max_length=64)
    label = models.CharField("参数说明", max_length=128)
    region_code = models.CharField("适用区划", max_length=6, blank=True, default="",
                                   help_text="空 = 全国；否则为行政区划代码，适用于该区划及其下级")
    level = models.CharField("适用单位级次", max_length=8, blank=True, default="",
                             help_text="空 = 所有级次")
    effective_from = models.DateField("生效日期")
    kind = models.CharField("类型", max_length=8, choices=KINDS, default=KIND_DECIMAL)
    value = models.CharField("取值", max_length=200)
    unit = models.CharField("单位", max_length=16, blank=True, default="")
    source = models.CharField("依据", max_length=200, blank=True, default="")
    confidence = models.CharField("可信度", max_length=1, blank=True, default="",
                                  help_text="L 法规原文；P 官方公开文件；Q 现行实践；R 待确认；M 操作手册")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="录入人")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "规则参数"
        constraints = [
            models.UniqueConstraint(fields=["name", "region_code", "level", "effective_from"],
                                    name="rule_parameter_unique_version"),
        ]
        indexes = [models.Index(fields=["name", "effective_from"])]
        ordering = ["name", "region_code", "level", "-effective_from"]

    def __str__(self):
        return f"{self.label} {self.region_code or '全国'} {self.level or ''} {self.effective_from}: {self.value}"


class DocumentCounter(models.Model):
    """Last number issued per (document type, region, year). Locked row: gap-free under concurrency."""

    doc_type = models.CharField(max_length=32)
    region_code = models.CharField(max_length=6)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["doc_type", "region_code", "year"], name="document_counter_unique"),
        ]


class WorkdayAdjustment(models.Model):
    """An official adjustment the calendar package lacks: a holiday or a 调休 working weekend."""

    date = models.DateField("日期", unique=True)
    is_working_day = models.BooleanField("是否工作日")
    reason = models.CharField("说明", max_length=100)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="录入人")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "工作日调整"
        ordering = ["-date"]

    def __str__(self):
        return f"{self.date} {'上班' if self.is_working_day else '休息'} {self.reason}"


class Category(models.Model):
    """政府采购品目分类目录 (财库〔2022〕31号): A 货物, B 工程, C 服务; codes nest by prefix."""

    KIND_GOODS = "goods"
    KIND_WORKS = "works"
    KIND_SERVICES = "services"
    KINDS = [(KIND_GOODS, "货物"), (KIND_WORKS, "工程"), (KIND_SERVICES, "服务")]

    code = models.CharField("品目编码", max_length=20, unique=True)
    name = models.CharField("品目名称", max_length=100)
    kind = models.CharField("品目类型", max_length=10, choices=KINDS)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name="上级品目")
    is_leaf = models.BooleanField("末级", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "政府采购品目"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class CentralCatalogItem(models.Model):
    """集中采购目录: set by each province for a year (政府采购法 第七条), split into 集中采购机构采购项目 and
    部门集中采购项目 (第十八条). An item is a 政府采购品目 code; a code ending in "00" groups covers the codes
    nested under it. An edition is the set of rows of one (region, effective_from); the newest edition in force
    for the most specific region that has one is the catalogue (like the rule parameters)."""

    KIND_AGENCY = "agency"
    KIND_DEPARTMENT = "department"
    KINDS = [(KIND_AGENCY, "集中采购机构采购项目"), (KIND_DEPARTMENT, "部门集中采购项目")]

    region_code = models.CharField("适用区划", max_length=6, help_text="省级区划代码，适用于该区划及其下级")
    effective_from = models.DateField("生效日期")
    category_code = models.CharField("品目编码", max_length=20)
    name = models.CharField("品目名称", max_length=100)
    kind = models.CharField("目录类别", max_length=12, choices=KINDS)
    source = models.CharField("依据", max_length=200, blank=True, default="")
    confidence = models.CharField("可信度", max_length=1, blank=True, default="",
                                  help_text="L 法规原文；P 官方公开文件；Q 现行实践；R 待确认；M 操作手册")

    class Meta:
        verbose_name = verbose_name_plural = "集中采购目录"
        constraints = [
            models.UniqueConstraint(fields=["region_code", "effective_from", "category_code"],
                                    name="central_catalog_unique_item"),
        ]
        ordering = ["region_code", "-effective_from", "category_code"]

    def __str__(self):
        return f"{self.category_code} {self.name}（{self.get_kind_display()}）"

    @property
    def prefix(self) -> str:
        """The code without its trailing "00" groups: what the codes it covers start with."""
        code = self.category_code
        while code.endswith("00") and len(code) > 1:
            code = code[:-2]
        return code


class JobProgress(models.Model):
    """What a background job tells its owner while it runs (the task queue itself keeps no progress): a row
    the task updates and a page polls, and the file it produced. Not a business row."""

    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATES = [(QUEUED, "排队中"), (RUNNING, "进行中"), (DONE, "已完成"), (FAILED, "失败")]

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name="发起人")
    kind = models.CharField("类型", max_length=32)
    label = models.CharField("名称", max_length=200)
    params = models.JSONField("参数", default=dict, blank=True)  # what the task needs to redo the work
    total = models.PositiveBigIntegerField("总数", null=True, blank=True)
    done = models.PositiveBigIntegerField("已处理", default=0)
    state = models.CharField("状态", max_length=8, choices=STATES, default=QUEUED)
    message = models.CharField("说明", max_length=500, blank=True, default="")
    task_id = models.CharField("任务编号", max_length=64, blank=True, default="")
    attempts = models.PositiveSmallIntegerField("执行次数", default=0)
    result_name = models.CharField("结果文件", max_length=300, blank=True, default="")  # storage name
    download_name = models.CharField("下载文件名", max_length=200, blank=True, default="")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "后台任务"
        indexes = [models.Index(fields=["owner", "-id"]),
                   models.Index(fields=["state", "finished_at"])]
        ordering = ["-id"]

    def __str__(self):
        return f"{self.label}（{self.get_state_display()}）"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("jobs:detail", args=[self.pk])

    @property
    def percent(self) -> int:
        if self.state == self.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, int(self.done * 100 / self.total))

    @property
    def finished(self) -> bool:
        return self.state in (self.DONE, self.FAILED)


class PeriodicRun(models.Model):
    """The last run of each registered periodic job (core.jobs.PERIODIC), so `run_periodic` knows which
    are due; its row is locked while the job runs, so two schedulers never run it twice."""

    name = models.CharField("任务", max_length=64, unique=True)
    last_started_at = models.DateTimeField("上次开始", null=True, blank=True)
    last_finished_at = models.DateTimeField("上次结束", null=True, blank=True)
    last_ok = models.BooleanField("上次成功", null=True)
    last_message = models.CharField("上次结果", max_length=500, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "定时任务记录"

    def __str__(self):
        return self.name
