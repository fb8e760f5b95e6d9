from django.db import models

from workflow.models import Reviewable

MONEY = {"max_digits": 18, "decimal_places": 2}


class Intention(Reviewable):
    """采购意向公开 (财库〔2020〕10号): one line per project; published once, never withdrawn or corrected."""

    doc_type = "intention"

    title = models.CharField("标题", max_length=200)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "采购意向公开"
        indexes = [
            models.Index(fields=["unit", "status", "-id"], name="intention_unit_status"),
            models.Index(fields=["stage", "-published_at"], name="intention_published"),
        ]

    def __str__(self):
        return self.title


class IntentionLine(models.Model):
    """One project of the intention, with the intention's own copy of what it publishes. It was picked from an
    approved project of the unit (`project`) or, for the lead unit, a collected 统招分签 (`joint`)."""

    intention = models.ForeignKey(Intention, on_delete=models.PROTECT, related_name="lines")
    seq = models.PositiveIntegerField("序号")
    project = models.ForeignKey("projects.Project", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name="采购项目")
    joint = models.ForeignKey("joint.JointProject", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name="统招分签项目")
    name = models.CharField("采购项目名称", max_length=200)
    demand_summary = models.TextField("采购需求概况")
    budget_amount = models.DecimalField("预算金额（元）", **MONEY)
    expected_month = models.DateField("预计采购时间")  # the month's first day
    remark = models.CharField("备注", max_length=500, blank=True, default="")
    is_active = models.BooleanField(default=True)  # replaced lines are kept, never deleted

    class Meta:
        verbose_name = verbose_name_plural = "采购意向明细"
        ordering = ["seq"]
        indexes = [models.Index(fields=["project", "is_active"], name="intention_line_project"),
                   models.Index(fields=["joint", "is_active"], name="intention_line_joint")]
