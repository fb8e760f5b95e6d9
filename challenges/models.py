"""质疑与投诉 (政府采购法 第六章; 实施条例 第52–58条).

A 质疑 (Challenge) is a registered supplier's written objection to a procurement's announcement, documents, process
or result, answered by the organizer (the agency, or the purchaser when it organises the procurement itself) or the
purchaser; the answer is sent to every supplier registered in that round (ChallengeNotice). A 投诉 (Complaint) carries
the challenge to the regulator of the purchaser's region, which decides it and may suspend the procurement meanwhile.

Neither is a 保存→提交→审核 document: each is filed once by one party and acted on by another with its own content
(an answer; a 受理, a suspension, a decision), so they are small state machines whose services lock, check and audit.
"""

from django.conf import settings
from django.db import models

from core.models import TimeStamped


class Subject(models.TextChoices):
    ANNOUNCEMENT = "announcement", "采购公告"
    DOCUMENTS = "documents", "采购文件"
    PROCESS = "process", "采购过程"
    RESULT = "result", "中标、成交结果"


class ChallengeStatus(models.TextChoices):
    SUBMITTED = "submitted", "待答复"
    ANSWERED = "answered", "已答复"


class Challenge(TimeStamped):
    number = models.CharField("质疑编号", max_length=40, unique=True)
    procurement = models.ForeignKey("trading.Procurement", on_delete=models.PROTECT, related_name="+",
                                    verbose_name="采购项目")
    round = models.PositiveIntegerField("采购轮次")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="采购单位")
    organizer = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="组织单位")
    supplier = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="质疑供应商")
    subject = models.CharField("质疑事项", max_length=16, choices=Subject.choices)
    known_on = models.DateField("知道或应知权益受损之日")  # the subject's publication date the supplier names
    claims = models.TextField("质疑请求")
    facts = models.TextField("事实依据")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name="质疑人")
    filed_at = models.DateTimeField("质疑时间")
    answer_due = models.DateField("答复期限")
    status = models.CharField("状态", max_length=12, choices=ChallengeStatus.choices,
                              default=ChallengeStatus.SUBMITTED, db_index=True)
    answer = models.TextField("答复内容", blank=True, default="")
    answer_no_secrets = models.BooleanField("答复内容不涉及商业秘密", default=False)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="答复人")
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    overdue_warned_at = models.DateTimeField("逾期预警时间", null=True, blank=True)
    region_path = models.CharField(max_length=64, db_index=True, default="")  # the purchaser's region

    class Meta:
        verbose_name = verbose_name_plural = "质疑"
        indexes = [models.Index(fields=["supplier", "-id"], name="challenge_supplier"),
                   models.Index(fields=["unit", "-id"], name="challenge_unit"),
                   models.Index(fields=["organizer", "-id"], name="challenge_organizer"),
                   models.Index(fields=["region_path", "-id"], name="challenge_region"),
                   models.Index(fields=["status", "answer_due"], name="challenge_due")]

    def __str__(self):
        return f"质疑 {self.number}"

    @property
    def status_text(self) -> str:
        return self.get_status_display()


class ChallengeNotice(models.Model):
    """The written answer sent to a supplier registered in the challenge's round (法 53: 质疑供应商和其他有关供应商)."""

    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="notices")
    supplier = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="供应商")
    sent_at = models.DateTimeField("通知时间")

    class Meta:
        verbose_name = verbose_name_plural = "质疑答复通知"
        indexes = [models.Index(fields=["supplier", "-id"], name="challenge_notice_supplier")]
        constraints = [models.UniqueConstraint(fields=["challenge", "supplier"], name="challenge_notice_once")]


class ComplaintStatus(models.TextChoices):
    SUBMITTED = "submitted", "待受理"
    ACCEPTED = "accepted", "处理中"
    DECIDED = "decided", "已办结"
    WITHDRAWN = "withdrawn", "已撤回"


OPEN_COMPLAINT = (ComplaintStatus.SUBMITTED, ComplaintStatus.ACCEPTED)


class Outcome(models.TextChoices):
    UPHELD = "upheld", "投诉成立"
    NOT_UPHELD = "not_upheld", "投诉不成立"
    DISMISSED = "dismissed", "驳回投诉"


class Complaint(TimeStamped):
    number = models.CharField("投诉编号", max_length=40, unique=True)
    challenge = models.OneToOneField(Challenge, on_delete=models.PROTECT, related_name="complaint",
                                     verbose_name="质疑")
    procurement = models.ForeignKey("trading.Procurement", on_delete=models.PROTECT, related_name="+",
                                    verbose_name="采购项目")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="采购单位")
    organizer = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="组织单位")
    supplier = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="投诉人")
    regulator_region = models.ForeignKey("orgs.Region", on_delete=models.PROTECT, related_name="+",
                                         verbose_name="受理监管部门所在区划")
    claims = models.TextField("投诉请求")
    facts = models.TextField("事实依据")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name="投诉经办人")
    filed_at = models.DateTimeField("投诉时间")
    decision_due = models.DateField("处理期限")
    status = models.CharField("状态", max_length=12, choices=ComplaintStatus.choices,
                              default=ComplaintStatus.SUBMITTED, db_index=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="受理人")
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    # 暂停采购活动 (法 57): the first day and the last day ordered (the limit counts from the first)
    suspended_from = models.DateField("暂停开始日", null=True, blank=True)
    suspended_until = models.DateField("暂停至", null=True, blank=True)
    outcome = models.CharField("处理结果", max_length=12, choices=Outcome.choices, blank=True, default="")
    reasons = models.TextField("处理理由", blank=True, default="")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="处理人")
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdraw_reason = models.TextField("撤回理由", blank=True, default="")
    overdue_warned_at = models.DateTimeField("逾期预警时间", null=True, blank=True)
    region_path = models.CharField(max_length=64, db_index=True, default="")  # the purchaser's region

    class Meta:
        verbose_name = verbose_name_plural = "投诉"
        indexes = [models.Index(fields=["supplier", "-id"], name="complaint_supplier"),
                   models.Index(fields=["unit", "-id"], name="complaint_unit"),
                   models.Index(fields=["organizer", "-id"], name="complaint_organizer"),
                   models.Index(fields=["region_path", "-id"], name="complaint_region"),
                   models.Index(fields=["status", "decision_due"], name="complaint_due")]

    def __str__(self):
        return f"投诉 {self.number}"

    @property
    def status_text(self) -> str:
        return self.get_status_display()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_COMPLAINT
