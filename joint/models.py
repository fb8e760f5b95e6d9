from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.models import Category
from workflow.models import RequestDocument, Reviewable, Status

MONEY = {"max_digits": 18, "decimal_places": 2}


class JointProject(Reviewable):
    """统招分签项目 (FJ 2.1): the lead unit declares it, invited units respond with their own projects."""

    doc_type = "joint_project"

    name = models.CharField("项目名称", max_length=200)
    fiscal_year = models.PositiveIntegerField("预算年度")
    procurement_kind = models.CharField("采购类别", max_length=10, choices=Category.KINDS)
    summary = models.TextField("项目概况", blank=True, default="")
    demand_summary = models.TextField("采购需求概况", blank=True, default="")  # taken over by the 意向公开
    expected_month = models.DateField("预计采购时间", null=True, blank=True)   # the month's first day
    total_amount = models.DecimalField("预算金额（元）", **MONEY, default=Decimal("0"))
    deadline = models.DateTimeField("响应截止时间")
    execution_plan = models.TextField("项目执行方案", blank=True, default="")
    # after approval
    collected_at = models.DateTimeField("归集时间", null=True, blank=True)
    planned_by = models.CharField("使用计划", max_length=60, blank=True, default="")  # 'plans.plan:12'
    terminated_at = models.DateTimeField("终止时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "统招分签项目"
        indexes = [models.Index(fields=["unit", "status", "-id"], name="joint_unit_status")]

    def __str__(self):
        return f"{self.name}（{self.number}）"

    @property
    def status_text(self) -> str:
        if self.terminated_at is not None:
            return "已终止"
        if self.status == Status.APPROVED and self.stage == "collect":
            return "响应中" if self.is_open else "响应已截止"
        return super().status_text

    @property
    def is_open(self) -> bool:
        """Units may answer: approved, not collected, not terminated, before the deadline (computed on read,
        so the window closes by itself)."""
        return (self.status == Status.APPROVED and self.stage == "collect" and self.terminated_at is None
                and timezone.now() < self.deadline)

    @property
    def attachment_ids(self) -> list[int]:
        """The form's upload field starts empty: linked attachments are listed beside it."""
        return []

    @property
    def invited_units(self) -> list[int]:
        """The form's value: the invited units' ids."""
        if not self.pk:
            return []
        return list(self.responses.filter(is_active=True).order_by("seq").values_list("unit_id", flat=True))


class JointLine(models.Model):
    """采购内容清单 of the joint project: what the responses take quantities (goods) or totals (services) of."""

    joint = models.ForeignKey(JointProject, on_delete=models.PROTECT, related_name="lines")
    seq = models.PositiveIntegerField("序号")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+", verbose_name="政府采购品目")
    item_name = models.CharField("标的名称", max_length=200)
    quantity = models.DecimalField("数量", max_digits=18, decimal_places=4)
    measure_unit = models.CharField("计量单位", max_length=20)
    unit_price = models.DecimalField("单价（元）", **MONEY)
    amount = models.DecimalField("金额（元）", **MONEY)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = verbose_name_plural = "统招分签采购内容清单"
        ordering = ["seq"]


class JointResponse(models.Model):
    """One invited unit of a joint project (项目归集范围及单位响应情况) and its answer."""

    NONE, DECLINED, RESPONDED = "", "declined", "responded"
    ANSWERS = [(NONE, "未响应"), (DECLINED, "不响应"), (RESPONDED, "响应")]

    joint = models.ForeignKey(JointProject, on_delete=models.PROTECT, related_name="responses")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="受邀单位")
    seq = models.PositiveIntegerField("序号")
    is_active = models.BooleanField(default=True)  # a draft's removed invitations are kept, never deleted
    answer = models.CharField("响应情况", max_length=10, choices=ANSWERS, blank=True, default=NONE)
    decline_reason = models.TextField("不响应原因", blank=True, default="")
    answered_at = models.DateTimeField("响应时间", null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="经办人")
    project = models.ForeignKey("projects.Project", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name="响应项目")
    included = models.BooleanField("纳入归集", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "统招分签单位响应"
        ordering = ["seq"]
        indexes = [models.Index(fields=["unit", "is_active", "answer"], name="joint_response_unit")]
        constraints = [models.UniqueConstraint(fields=["project"], condition=models.Q(project__isnull=False),
                                               name="joint_response_one_project")]

    def __str__(self):
        return f"{self.unit}：{self.joint}"


class JointResponseLine(models.Model):
    """What a response took of one joint line (goods: a quantity; services: a total price)."""

    response = models.ForeignKey(JointResponse, on_delete=models.PROTECT, related_name="lines")
    joint_line = models.ForeignKey(JointLine, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField("数量", max_digits=18, decimal_places=4)
    amount = models.DecimalField("金额（元）", **MONEY)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = verbose_name_plural = "统招分签响应明细"
        ordering = ["joint_line__seq"]


class JointRequest(RequestDocument):
    """终止 of an approved joint project (FJ 2.1.2)."""

    doc_type = "joint_request"

    joint = models.ForeignKey(JointProject, on_delete=models.PROTECT, related_name="requests")

    class Meta:
        verbose_name = verbose_name_plural = "统招分签项目申请"
