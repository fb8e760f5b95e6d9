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
