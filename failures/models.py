"""流标/废标 (a lot of a procurement failed, with the law's reason) and 废标处理 (the organizer's proposal of the next
step — 重新招标, 终止 or 变更采购方式 — reviewed by the purchaser and, where the law asks, the regulator)."""

from django.conf import settings
from django.db import models

from workflow.models import Reviewable

MONEY = {"max_digits": 18, "decimal_places": 2}
TENDER_METHODS = ("open_tender", "invited_tender")  # 招标方式; the others are 非招标方式 (JX 异常处理)


class FailureReason(models.TextChoices):
    # 政府采购法 第三十六条 (招标)
    FEW_QUALIFIED = "few_qualified", "符合专业条件的供应商或者对招标文件作实质响应的供应商不足三家"
    VIOLATION = "violation", "出现影响采购公正的违法、违规行为"
    OVER_BUDGET = "over_budget", "投标人的报价均超过了采购预算，采购人不能支付"
    CANCELLED = "cancelled", "因重大变故，采购任务取消"
    # 财政部令第74号 第三十七条、财库〔2014〕214号 第三十三条 (谈判、询价、磋商、单一来源)
    NOT_APPLICABLE = "not_applicable", "因情况变化，不再符合规定的采购方式适用情形"
    FEW_RESPONSIVE = "few_responsive", "符合竞争要求的供应商或者报价未超过采购预算的供应商不足三家"


TENDER_REASONS = (FailureReason.FEW_QUALIFIED, FailureReason.VIOLATION, FailureReason.OVER_BUDGET,
                  FailureReason.CANCELLED)
NON_TENDER_REASONS = (FailureReason.NOT_APPLICABLE, FailureReason.VIOLATION, FailureReason.FEW_RESPONSIVE,
                      FailureReason.CANCELLED)
REASON_BASIS = {"tender": "政府采购法第三十六条", "non_tender": "财政部令第74号第三十七条；财库〔2014〕214号第三十三条"}


def method_choices():
    from plans.selectors import METHOD_CHOICES  # read when the field's choices are, not at model loading

    return METHOD_CHOICES


def reasons_for(method: str) -> tuple:
    return TENDER_REASONS if method in TENDER_METHODS else NON_TENDER_REASONS


class Failure(models.Model):
    """流标/废标 of one lot in one round, declared by the organizer (kept; a lot reopened by 重新招标 keeps it)."""

    procurement = models.ForeignKey("trading.Procurement", on_delete=models.PROTECT, related_name="+",
                                    verbose_name="采购项目执行")
    lot = models.ForeignKey("trading.Lot", on_delete=models.PROTECT, related_name="+", verbose_name="采购包")
    round = models.PositiveIntegerField("采购轮次")
    method = models.CharField("采购方式", max_length=16, choices=method_choices)
    reason = models.CharField("废标原因", max_length=20, choices=FailureReason.choices)
    explanation = models.TextField("情况说明")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="采购单位")
    organizer = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="组织单位")
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="登记人")
    declared_at = models.DateTimeField("登记时间", auto_now_add=True)
    region_path = models.CharField(max_length=64, db_index=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "流标/废标"
        indexes = [models.Index(fields=["procurement", "round"], name="failure_procurement")]

    def __str__(self):
        return f"第{self.lot.seq}包 {self.get_reason_display()}"


class HandlingKind(models.TextChoices):
    REBID = "rebid", "重新招标"
    TERMINATE = "terminate", "终止"
    CHANGE_METHOD = "change_method", "变更采购方式"


class FailureHandling(Reviewable):
    """废标处理: ONE document from the organizer (代理机构, or the purchaser's clerk when it organises itself) through
    the purchaser's step (采购计划终止 / 采购方式变更录入, FJ 4.3–4.4), its reviewer, its competent unit where the
    plan's chain has one, and the regulator when the method changes at or above the 公开招标数额 (法 27, 37).
    `unit` is the purchaser (its staff's and the regulator's scope), `organizer` who submits."""

    doc_type = "failure_handling"

    procurement = models.ForeignKey("trading.Procurement", on_delete=models.PROTECT, related_name="+",
                                    verbose_name="采购项目")
    organizer = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="组织单位")
    round = models.PositiveIntegerField("废标轮次")
    method_before = models.CharField("原采购方式", max_length=16, choices=method_choices)
    amount = models.DecimalField("预算金额", **MONEY)
    kind = models.CharField("处理方式", max_length=16, choices=HandlingKind.choices)
    new_method = models.CharField("变更后采购方式", max_length=16, blank=True, default="", choices=method_choices)
    change_reason = models.TextField("变更理由", blank=True, default="")
    explanation = models.TextField("处理说明", blank=True, default="")
    # the purchaser's step (采购计划终止：终止情况说明；采购方式变更录入：变更情况说明; 项目联系方式)
    purchaser_note = models.TextField("采购单位情况说明", blank=True, default="")
    contact_name = models.CharField("联系人", max_length=30, blank=True, default="")
    contact_phone = models.CharField("联系电话", max_length=30, blank=True, default="")
    # what the approval did, for 回第一步
    next_round = models.PositiveIntegerField("下一轮次", null=True, blank=True)
    reopened_lots = models.JSONField("重新采购的包", default=list, blank=True)
    terminated_lots = models.JSONField("终止的包", default=list, blank=True)
    plan_ended = models.BooleanField("采购计划已终止", default=False)
    region_path = models.CharField(max_length=64, db_index=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "废标处理"
        indexes = [models.Index(fields=["organizer", "-id"], name="handling_organizer"),
                   models.Index(fields=["unit", "-id"], name="handling_unit"),
                   models.Index(fields=["region_path", "-id"], name="handling_region"),
                   models.Index(fields=["procurement", "round"], name="handling_procurement")]

    def __str__(self):
        return f"{self.procurement.name}（{self.get_kind_display()}）"

    @property
    def is_tender(self) -> bool:
        return self.method_before in TENDER_METHODS

    @property
    def method_before_text(self) -> str:
        return self.get_method_before_display()

    @property
    def new_method_text(self) -> str:
        return self.get_new_method_display() if self.new_method else ""
