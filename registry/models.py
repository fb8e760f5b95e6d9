from django.db import models

from orgs.models import Region, Unit, User
from workflow.models import Reviewable

# The two documents began in orgs (tables orgs_unitregistration / orgs_subordination, migrated here by
# registry 0001). Their audit rows keep the key they were written under, so each document's chain goes on
# where it left off (audit.services.object_key reads `audit_label`); their index keeps its first name.


class UnitRegistration(Reviewable):
    """用户库基本信息: what a purchaser unit submits for the regulator of its region to review."""

    doc_type = "registration"
    audit_label = "orgs.unitregistration"

    name = models.CharField("单位名称", max_length=100)
    credit_code = models.CharField("统一社会信用代码", max_length=18)
    budget_code = models.CharField("单位预算编码", max_length=32)
    level = models.CharField("单位级次", max_length=8, choices=Unit.LEVELS)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name="所属区划")
    address = models.CharField("单位地址", max_length=200)
    legal_representative = models.CharField("法定代表人", max_length=30)
    contact_name = models.CharField("联系人", max_length=30)
    contact_phone = models.CharField("联系电话", max_length=30)
    is_competent = models.BooleanField("是否主管预算单位", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "采购单位用户库基本信息"
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["status", "current_node"], name="orgs_unitre_status_d1b1ea_idx")]

    def __str__(self):
        return f"{self.name}（{self.number}）"


class Subordination(Reviewable):
    """隶属关系: a unit chooses its competent unit; the competent unit confirms; a regulator may dissolve."""

    doc_type = "subordination"
    audit_label = "orgs.subordination"

    competent_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="subordination_requests",
                                       verbose_name="主管预算单位")
    note = models.CharField("说明", max_length=200, blank=True, default="")
    dissolved_at = models.DateTimeField("解除时间", null=True, blank=True)
    dissolved_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="解除人")
    dissolve_reason = models.CharField("解除原因", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "隶属关系"
        ordering = ["-updated_at"]

    def __str__(self):
        return f"{self.unit} → {self.competent_unit}"
