"""采购项目执行: a filed plan accepted (受理) by the agency it is entrusted to, or taken up by the purchaser
itself (分散采购自行组织; 其他采购·自行采购), with its own 采购编号 and its lots (包). Announcements, results,
failures and challenges hang on it."""

from django.conf import settings
from django.db import models

from core.models import TimeStamped
from workflow.models import Reviewable

MONEY = {"max_digits": 18, "decimal_places": 2}


class ProcurementStatus(models.TextChoices):
    ACCEPTED = "accepted", "已受理"          # no announcement yet
    IN_PROGRESS = "in_progress", "采购中"    # announced (or, for 自行采购, being recorded)
    FAILED = "failed", "流标/废标"           # a lot failed and waits for its 废标处理
    FINISHED = "finished", "已完成"          # every lot awarded or terminated, at least one awarded
    TERMINATED = "terminated", "已终止"      # every lot terminated


class LotStatus(models.TextChoices):
    OPEN = "open", "进行中"
    AWARDED = "awarded", "已成交"
    FAILED = "failed", "流标/废标"
    TERMINATED = "terminated", "已终止"


class Procurement(TimeStamped):
    """One execution of one filed plan. `unit` is the purchaser (scope of its staff and of the regulator);
    `organizer` is who runs it: the agency (代理机构 / 集中采购机构) or the purchaser itself."""

    number = models.CharField("采购编号", max_length=40, unique=True)
    plan = models.OneToOneField("plans.Plan", on_delete=models.PROTECT, related_name="+", verbose_name="采购计划")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="采购单位")
    organizer = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="组织单位")
    self_organized = models.BooleanField("采购单位自行组织", default=False)
    self_purchase = models.BooleanField("自行采购（限额以下）", default=False)
    # copied from the plan when accepted
    plan_number = models.CharField("计划编号", max_length=40)
    project_number = models.CharField("项目编号", max_length=40, blank=True, default="")
    name = models.CharField("项目名称", max_length=200)
    fiscal_year = models.PositiveIntegerField("预算年度", null=True, blank=True)
    procurement_kind = models.CharField("采购类别", max_length=10, blank=True, default="",
                                        choices=[("goods", "货物"), ("works", "工程"), ("services", "服务")])
    budget = models.DecimalField("预算金额", **MONEY)
    # the method in force: the plan's, until an approved 变更采购方式 changes it
    procurement_method = models.CharField("采购方式", max_length=16, blank=True, default="")
    organization_form = models.CharField("组织形式", max_length=16, blank=True, default="")
    status = models.CharField("状态", max_length=12, choices=ProcurementStatus.choices,
                              default=ProcurementStatus.ACCEPTED)
    round = models.PositiveIntegerField("采购轮次", default=1)  # 重新招标 starts the next round
    # 投诉处理期间暂停采购活动 (法 57): results and contracts are refused until the date (inclusive)
    suspended_until = models.DateField("暂停至", null=True, blank=True)
    suspension_reason = models.TextField("暂停原因", blank=True, default="")
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="受理人")
    accepted_at = models.DateTimeField("受理时间")
    region_path = models.CharField(max_length=64, db_index=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "采购项目执行"
        indexes = [models.Index(fields=["unit", "-id"], name="procurement_unit"),
                   models.Index(fields=["organizer", "-id"], name="procurement_organizer"),
                   models.Index(fields=["region_path", "-id"], name="procurement_region")]

    def __str__(self):
        return f"{self.name}（{self.number}）"

    @property
    def status_text(self) -> str:
        return self.get_status_display()

    @property
    def method_text(self) -> str:
        from plans import selectors as plan_selectors  # the plan's method names

        return plan_selectors.method_label(self.procurement_method)


class Lot(models.Model):
    """包: a part of the procurement evaluated and awarded on its own."""

    procurement = models.ForeignKey(Procurement, on_delete=models.PROTECT, related_name="lots")
    seq = models.PositiveIntegerField("包号")
    name = models.CharField("包名称", max_length=200)
    budget = models.DecimalField("包预算金额", **MONEY)
    status = models.CharField("状态", max_length=12, choices=LotStatus.choices, default=LotStatus.OPEN)

    class Meta:
        verbose_name = verbose_name_plural = "采购包"
        ordering = ["seq"]
        constraints = [models.UniqueConstraint(fields=["procurement", "seq"], name="lot_seq_unique")]

    def __str__(self):
        return f"第{self.seq}包 {self.name}"


class LotLine(models.Model):
    """A plan content line placed in a lot (each line of the plan in exactly one lot)."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="lines")
    seq = models.PositiveIntegerField("序号")
    plan_line_seq = models.PositiveIntegerField("计划明细序号")
    category = models.ForeignKey("core.Category", on_delete=models.PROTECT, related_name="+",
                                 verbose_name="政府采购品目")
    item_name = models.CharField("标的名称", max_length=200)
    quantity = models.DecimalField("数量", max_digits=18, decimal_places=4)
    measure_unit = models.CharField("计量单位", max_length=20)
    unit_price = models.DecimalField("单价", **MONEY)
    amount = models.DecimalField("金额", **MONEY)

    class Meta:
        verbose_name = verbose_name_plural = "采购包明细"
        ordering = ["seq"]


class Registration(models.Model):
    """供应商报名: a supplier registers for a procurement (all its lots, or one) in a round, before the
    announcement's deadline (the announcement's rule, checked by the service)."""

    procurement = models.ForeignKey(Procurement, on_delete=models.PROTECT, related_name="registrations")
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                            verbose_name="采购包")
    round = models.PositiveIntegerField("采购轮次")
    supplier = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="供应商")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                      verbose_name="报名人")
    contact_name = models.CharField("联系人", max_length=30)
    contact_phone = models.CharField("联系电话", max_length=30)
    registered_at = models.DateTimeField("报名时间", auto_now_add=True)
    is_active = models.BooleanField("有效", default=True)  # a withdrawn registration is kept, inactive
    region_path = models.CharField(max_length=64, db_index=True, default="")  # the purchaser's region

    class Meta:
        verbose_name = verbose_name_plural = "供应商报名"
        indexes = [models.Index(fields=["supplier", "-id"], name="registration_supplier"),
                   models.Index(fields=["procurement", "round"], name="registration_procurement"),
                   models.Index(fields=["region_path", "-id"], name="registration_region")]
        constraints = [models.UniqueConstraint(fields=["procurement", "round", "lot", "supplier"],
                                               condition=models.Q(is_active=True), name="registration_once")]


# ---- 采购公告 and 更正公告 ---------------------------------------------------------------------------------------

class AnnouncementKind(models.TextChoices):
    PURCHASE = "purchase", "采购公告"
    CORRECTION = "correction", "更正公告"   # 变更 / 澄清 / 补遗 of a published 采购公告


class IntentionReason(models.TextChoices):
    """意向未满30天的理由 (FJ §3.1 注①): asked when the intention is missing or younger than the period."""
    URGENT = "urgent", "紧急采购"
    DEMAND_CHANGED = "demand_changed", "意向公开后采购需求发生变化"
    NOT_PUBLISHED = "not_published", "因故未公开采购意向"
    OTHER = "other", "其他"


class Announcement(Reviewable):
    """采购公告 / 更正公告 of a procurement's round, on the document kit: the organizer (agency staff, or the
    purchaser's clerk when it organises itself) submits, the purchaser's 审核岗 confirms, the organizer publishes.
    `unit` is the purchaser (its scope and the regulator's); `organizer` who writes and publishes."""

    doc_type = "announcement"

    procurement = models.ForeignKey(Procurement, on_delete=models.PROTECT, related_name="announcements",
                                    verbose_name="采购项目")
    organizer = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="组织单位")
    round = models.PositiveIntegerField("采购轮次", default=1)
    kind = models.CharField("公告类型", max_length=12, choices=AnnouncementKind.choices,
                            default=AnnouncementKind.PURCHASE)
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections",
                                 verbose_name="更正的采购公告")
    procurement_method = models.CharField("采购方式", max_length=16, blank=True, default="")  # in force when saved
    title = models.CharField("公告标题", max_length=200)
    docs_start = models.DateField("采购文件获取开始日期", null=True, blank=True)
    docs_end = models.DateField("采购文件获取截止日期", null=True, blank=True)
    bid_deadline = models.DateTimeField("投标（响应）截止时间", null=True, blank=True)
    opening_at = models.DateTimeField("开标（响应文件开启）时间", null=True, blank=True)
    content = models.TextField("公告内容", blank=True, default="")
    affects_bids = models.BooleanField("更正内容影响投标（响应）文件编制", default=False)
    framework_months = models.PositiveIntegerField("框架协议期限（月）", null=True, blank=True)  # 框架协议 only
    intention_reason = models.CharField("意向未满30天的理由", max_length=16, blank=True, default="",
                                        choices=IntentionReason.choices)
    intention_explanation = models.TextField("理由说明", blank=True, default="")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    region_path = models.CharField(max_length=64, db_index=True, default="")  # the purchaser's region

    class Meta:
        verbose_name = verbose_name_plural = "采购公告"
        indexes = [models.Index(fields=["procurement", "round", "kind"], name="announcement_procurement"),
                   models.Index(fields=["organizer", "-id"], name="announcement_organizer"),
                   models.Index(fields=["stage", "-published_at"], name="announcement_published"),
                   models.Index(fields=["region_path", "-id"], name="announcement_region")]

    def __str__(self):
        return self.title

    @property
    def kind_text(self) -> str:
        return self.get_kind_display()

    @property
    def attachment_ids(self) -> list[int]:
        from django.contrib.contenttypes.models import ContentType

        from attachments.models import Attachment  # the 采购文件 linked to it

        ct = ContentType.objects.get_for_model(type(self))
        return list(Attachment.objects.filter(content_type=ct, object_id=self.pk, is_deleted=False)
                    .order_by("id").values_list("pk", flat=True))

    @property
    def method_text(self) -> str:
        from plans import selectors as plan_selectors

        return plan_selectors.method_label(self.procurement_method)
