"""评审结果 (a lot's evaluation outcome: candidates in rank order, the 评审报告, the purchaser's confirmation of the
winner, the 中标/成交通知书 and the 结果公告) and 预中标（成交）异常处理 (a request on a confirmed result)."""

from decimal import Decimal

from django.db import models

from workflow.models import RequestDocument, Reviewable

MONEY = {"max_digits": 18, "decimal_places": 2}


class Result(Reviewable):
    """One lot's result in one round. `unit` is the purchaser (its reviewer confirms; its region's regulator
    supervises); `organizer` records it: the agency, or the purchaser's clerk when it organises the procurement
    itself (分散采购自行组织, 其他采购·自行采购)."""

    doc_type = "award_result"

    procurement = models.ForeignKey("trading.Procurement", on_delete=models.PROTECT, related_name="+",
                                    verbose_name="采购项目")
    lot = models.ForeignKey("trading.Lot", on_delete=models.PROTECT, related_name="+", verbose_name="采购包")
    organizer = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="组织单位")
    round = models.PositiveIntegerField("采购轮次", default=1)
    self_purchase = models.BooleanField("自行采购", default=False)
    procurement_method = models.CharField("采购方式", max_length=16, blank=True, default="")
    budget = models.DecimalField("包预算金额", **MONEY, default=Decimal("0"))
    report_date = models.DateField("评审报告日期")
    expert_names = models.TextField("评审专家", blank=True, default="")
    hide_experts = models.BooleanField("结果公告不公开评审专家名单", default=False)
    # the purchaser's confirmation (实施条例 43): the candidate of this rank; another than the first needs a reason
    winner_rank = models.PositiveIntegerField("确认的候选人名次", null=True, blank=True)
    confirm_reason = models.TextField("未确定排名第一的候选人的理由", blank=True, default="")
    winner = models.ForeignKey("orgs.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name="中标（成交）供应商（库内）")
    winner_name = models.CharField("中标（成交）供应商", max_length=200, blank=True, default="")
    winner_credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True, default="")
    winner_amount = models.DecimalField("中标（成交）金额", **MONEY, null=True, blank=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    notice_number = models.CharField("通知书编号", max_length=40, blank=True, default="")
    notice_issued_at = models.DateTimeField("通知书发出时间", null=True, blank=True)
    published_at = models.DateTimeField("结果公告发布时间", null=True, blank=True)
    # one 监督预警 per result and clock
    confirm_warned = models.BooleanField(default=False)
    publish_warned = models.BooleanField(default=False)
    region_path = models.CharField(max_length=64, db_index=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "评审结果"
        indexes = [models.Index(fields=["unit", "-id"], name="award_unit"),
                   models.Index(fields=["organizer", "-id"], name="award_organizer"),
                   models.Index(fields=["region_path", "-id"], name="award_region"),
                   models.Index(fields=["status", "stage"], name="award_state")]

    def __str__(self):
        return f"{self.procurement.name} 第{self.lot.seq}包评审结果（{self.number}）"

    @property
    def attachment_ids(self) -> list[int]:
        return []  # the upload field starts empty: linked attachments are listed beside it

    @property
    def savings_rate(self) -> Decimal | None:
        """节约率: (预算 − 中标金额) / 预算."""
        if self.winner_amount is None or not self.budget:
            return None
        return ((self.budget - self.winner_amount) / self.budget * 100).quantize(Decimal("0.01"))


class Candidate(models.Model):
    """中标（成交）候选人 of a result, in rank order; replaced rows are kept inactive."""

    result = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="candidates")
    seq = models.PositiveIntegerField("序号")
    is_active = models.BooleanField(default=True)
    supplier = models.ForeignKey("orgs.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name="供应商（库内）")
    supplier_name = models.CharField("供应商名称", max_length=200)
    credit_code = models.CharField("统一社会信用代码", max_length=18)
    amount = models.DecimalField("报价（元）", **MONEY)
    score = models.DecimalField("评审得分", max_digits=8, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField("名次")

    class Meta:
        verbose_name = verbose_name_plural = "中标候选人"
        ordering = ["seq"]


class ResultRequest(RequestDocument):
    """预中标（成交）异常处理 (JX 异常处理) on a confirmed result: filed by its organizer."""

    doc_type = "award_exception"

    result = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="requests")
    organizer = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="组织单位")
    region_path = models.CharField(max_length=64, db_index=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "预中标（成交）异常处理"
        indexes = [models.Index(fields=["organizer", "-id"], name="award_exception_organizer")]

    def save(self, *args, **kwargs):
        # the kit creates requests with the target's unit; who files and sees it is the result's organizer
        if self.organizer_id is None:
            self.organizer_id = self.result.organizer_id
            self.region_path = self.result.region_path
        super().save(*args, **kwargs)

    @property
    def procurement(self):
        return self.result.procurement
