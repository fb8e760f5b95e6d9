from django.db import models

from workflow.models import RequestDocument, Reviewable


class Notice(Reviewable):
    doc_type = "sample_notice"

    name = models.CharField("名称", max_length=100)
    amount = models.DecimalField("金额（元）", max_digits=18, decimal_places=2)
    summary = models.TextField("概况", blank=True, default="")
    terminated_at = models.DateTimeField("终止时间", null=True, blank=True)

    def __str__(self):
        return self.name


class NoticeRequest(RequestDocument):
    doc_type = "sample_notice_request"

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="requests")


class NoticeLine(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="lines")
    seq = models.PositiveIntegerField("序号")
    item = models.CharField("标的名称", max_length=100)
    quantity = models.DecimalField("数量", max_digits=18, decimal_places=4)
    amount = models.DecimalField("金额", max_digits=18, decimal_places=2)
    is_active = models.BooleanField(default=True)
