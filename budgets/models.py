from decimal import Decimal

from django.conf import settings
from django.db import models

from core.models import TimeStamped

MONEY = {"max_digits": 18, "decimal_places": 2}


class BudgetIndicator(TimeStamped):
    """指标 (一体化预算指标) and, with source 'virtual', the regulator's 虚拟预算. Field comments give the
    budget platform's wire names. `reserved` caches the ledger sum; it changes only under the row lock."""

    SOURCE_PLATFORM = "platform"
    SOURCE_VIRTUAL = "virtual"
    SOURCES = [(SOURCE_PLATFORM, "一体化同步"), (SOURCE_VIRTUAL, "虚拟预算")]

    bgt_id = models.CharField("指标ID", max_length=40, unique=True)  # BGT_ID
    source = models.CharField("来源", max_length=10, choices=SOURCES, default=SOURCE_PLATFORM, db_index=True)
    unit = models.ForeignKey("orgs.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="indicators",
                             verbose_name="预算单位")
    agency_code = models.CharField("单位预算编码", max_length=32, db_index=True)  # AGENCY_CODE
    mof_div_code = models.CharField("财政区划", max_length=9)  # MOF_DIV_CODE
    fiscal_year = models.PositiveIntegerField("预算年度", db_index=True)  # FISCAL_YEAR
    pro_code = models.CharField("预算项目编码", max_length=40, blank=True, default="", db_index=True)  # PRO_CODE
    pro_name = models.CharField("预算项目名称", max_length=200, blank=True, default="")  # PRO_NAME
    cor_bgt_doc_no = models.CharField("指标文号", max_length=100, blank=True, default="")  # COR_BGT_DOC_NO
    bgt_type_code = models.CharField("指标类型", max_length=10, blank=True, default="")  # BGT_TYPE_CODE
    source_type_code = models.CharField("指标来源", max_length=10, blank=True, default="")  # SOURCE_TYPE_CODE
    fund_type_code = models.CharField("资金性质", max_length=10, blank=True, default="")  # FUND_TYPE_CODE
    exp_func_code = models.CharField("功能分类", max_length=20, blank=True, default="")  # EXP_FUNC_CODE
    gov_bgt_eco_code = models.CharField("政府经济分类", max_length=20, blank=True, default="")  # GOV_BGT_ECO_CODE
    dep_bgt_eco_code = models.CharField("部门经济分类", max_length=20, blank=True, default="")  # DEP_BGT_ECO_CODE
    pay_type_code = models.CharField("支付方式", max_length=10, blank=True, default="")  # PAY_TYPE_CODE
    is_gov_pur = models.BooleanField("是否政府采购", default=True)  # IS_GOV_PUR
    amount = models.DecimalField("指标金额", **MONEY)  # AMOUNT
    cur_amt = models.DecimalField("平台余额", **MONEY, default=Decimal("0"))  # CUR_AMT
    reserved = models.DecimalField("已占用", **MONEY, default=Decimal("0"))
    is_executable = models.BooleanField("可执行", default=True)  # BGT_EXE_FLAG
    is_valid = models.BooleanField("有效", default=True, db_index=True)
    ori_bgt_id = models.CharField("原指标ID", max_length=40, blank=True, default="")  # ORI_BGT_ID
    adj_batch_no = models.CharField("调整批次", max_length=40, blank=True, default="")  # ADJ_BATCH_NO
    virtual_scenario = models.CharField("虚拟预算场景", max_length=20, blank=True, default="")
    note = models.CharField("备注", max_length=200, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="录入人")

    class Meta:
        verbose_name = verbose_name_plural = "预算指标"
        ordering = ["-fiscal_year", "agency_code", "bgt_id"]
        indexes = [models.Index(fields=["unit", "fiscal_year"])]

    def __str__(self):
        return f"{self.pro_name or self.bgt_id}（{self.bgt_id}）"

    @property
    def available(self) -> Decimal:
        return self.amount - self.reserved

    @property
    def usable(self) -> bool:
        return self.is_valid and self.is_executable


class LedgerEntry(models.Model):
    """Append-only: every reservation (+) and release (−) of indicator money, by the document holding it."""

    KINDS = [("reserve", "占用"), ("release", "释放")]

    indicator = models.ForeignKey(BudgetIndicator, on_delete=models.PROTECT, related_name="ledger",
                                  verbose_name="指标")
    holder = models.CharField("占用单据", max_length=60, db_index=True)  # e.g. "projects.project:12"
    kind = models.CharField("类型", max_length=10, choices=KINDS)
    amount = models.DecimalField("金额", **MONEY)  # signed: + reserve, − release
    reason = models.CharField("事由", max_length=100)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name="操作人")
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "指标占用台账"
        ordering = ["id"]
        indexes = [models.Index(fields=["indicator", "holder"])]

    def save(self, *args, **kwargs):
        if self.pk:
            raise RuntimeError("ledger rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("ledger rows are append-only")


class BudgetOffice(TimeStamped):
    """指标管理处室: an office of a finance department that manages indicators, named by a 资金追加 (选择指标管理处室,
    FJ 2.2.4). Data of a region, kept by that region's regulator; a unit chooses among the offices of its region
    and the regions above it. Never deleted: deactivated (dated), and revived by adding the name again."""

    region = models.ForeignKey("orgs.Region", on_delete=models.PROTECT, related_name="budget_offices",
                               verbose_name="区划")
    name = models.CharField("处室名称", max_length=60)  # ProjectRequest.budget_office holds the name (60)
    order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)
    deactivated_at = models.DateTimeField("停用时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="录入人")

    class Meta:
        verbose_name = verbose_name_plural = "指标管理处室"
        ordering = ["region__code", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="budget_office_unique_per_region")]

    def __str__(self):
        return self.name
