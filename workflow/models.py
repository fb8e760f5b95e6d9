from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.models import TimeStamped


class Status(models.TextChoices):
    DRAFT = "draft", "编辑中"
    PENDING = "pending", "审核中"
    APPROVED = "approved", "已办结"
    WITHDRAWN = "withdrawn", "已撤回"


EDITABLE = (Status.DRAFT, Status.WITHDRAWN)


class Reviewable(TimeStamped):
    """A document that goes 保存 → 提交 → 审核 through the approval engine (workflow.engine)."""

    doc_type = ""  # key of the declared flow

    number = models.CharField("单据编号", max_length=40, unique=True)
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    current_node = models.CharField("当前节点", max_length=20, blank=True, default="")
    last_action = models.CharField(max_length=10, blank=True, default="")
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="经办人")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="提交人")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    approved_at = models.DateTimeField("办结时间", null=True, blank=True)
    # after approval: the flow's stage (待发布 → 已发布 …), '' when the flow declares none
    stage = models.CharField("阶段", max_length=24, blank=True, default="")

    class Meta:
        abstract = True

    @property
    def is_editable(self) -> bool:
        # a discarded (放弃) document is closed for good, though kept as withdrawn
        return self.status in EDITABLE and self.last_action != "discard"

    @property
    def was_returned(self) -> bool:
        return self.status == Status.DRAFT and self.last_action == "reject"

    @property
    def status_text(self) -> str:
        if self.was_returned:
            return "已退回"
        if self.status == Status.APPROVED and self.stage:
            from .engine import stage_text  # the flow is declared in the engine, which imports this module

            return stage_text(self) or self.get_status_display()
        return self.get_status_display()


class Action(models.TextChoices):
    SAVE = "save", "保存"
    SUBMIT = "submit", "提交"
    WITHDRAW = "withdraw", "撤回"
    DISCARD = "discard", "放弃"
    APPROVE = "approve", "审核通过"
    REJECT = "reject", "审核不通过"
    EFFECT = "effect", "办结"
    DISSOLVE = "dissolve", "解除"
    STAGE = "stage", "办理"          # a post-approval stage's action (发布, 备案 …): node_label names it
    DIRECT = "direct", "直接操作"    # a declared direct action (撤销, 回第一步 …): node_label names it


class ReviewRecord(models.Model):
    """One row per engine action on a document: the 流程记录 timeline."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    document = GenericForeignKey("content_type", "object_id")
    doc_type = models.CharField(max_length=32)
    node = models.CharField("节点", max_length=20)
    node_label = models.CharField("节点名称", max_length=40)
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name="操作人")
    actor_unit = models.ForeignKey("orgs.Unit", null=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="操作单位")
    opinion = models.TextField("审核意见", blank=True, default="")
    from_status = models.CharField(max_length=10, blank=True, default="")
    to_status = models.CharField(max_length=10, blank=True, default="")
    to_node = models.CharField(max_length=20, blank=True, default="")
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "流程记录"
        ordering = ["id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "id"]),
            models.Index(fields=["actor", "action", "at"]),
        ]


class RequestDocument(Reviewable):
    """A request acting on an approved document once approved (DESIGN §5): 撤销, 变更, 终止, 资金 …

    The concrete model adds the foreign key to its target; its kinds are classes (workflow.kit.requests)."""

    kind = models.CharField("申请类型", max_length=20)
    reason = models.TextField("原因")
    # what the request asks, cleaned by its kind: {field: new value}; old values are read from the target
    proposed = models.JSONField("申请内容", default=dict, blank=True)

    class Meta:
        abstract = True
