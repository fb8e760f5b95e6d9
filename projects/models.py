from decimal import Decimal

from django.db import models
from django.db.models import Exists, Min, OuterRef, Q, Subquery

from core.models import Category
from workflow.models import RequestDocument, Reviewable

MONEY = {"max_digits": 18, "decimal_places": 2}


class ImplementationForm(models.TextChoices):
    GENERAL = "general", "一般项目采购"
    MALL = "mall", "网上超市"
    RENEWAL = "renewal", "合同续签"
    SELF = "self", "自行采购"
    JOINT_RESPONSE = "joint_response", "统招分签采购"


def live_uses():
    """The live ProjectUse rows of the outer project: for Exists / Subquery on a project queryset."""
    return ProjectUse.objects.filter(project=OuterRef("pk"), released_at__isnull=True)


def used_q() -> Q:
    """Projects some document uses now: an anti-/semi-join on ProjectUse's partial (project, by) index."""
    return Q(Exists(live_uses()))


class ProjectQuerySet(models.QuerySet):
    def with_use(self):
        """Annotate `use_since` (what Project.used_at / is_used read) in the same query: for lists."""
        return self.annotate(use_since=Subquery(live_uses().order_by("since").values("since")[:1]))


class Project(Reviewable):
    """采购项目立项. Usage (ProjectUse) and contract filing are facts set by the plan / joint-project / contract
    modules."""

    doc_type = "project"

    name = models.CharField("项目名称", max_length=200)
    fiscal_year = models.PositiveIntegerField("预算年度")
    implementation_form = models.CharField("实施形式", max_length=20, choices=ImplementationForm.choices)
    procurement_kind = models.CharField("采购类别", max_length=10, choices=Category.KINDS)
    summary = models.TextField("项目概况", blank=True, default="")
    # taken over by the 采购意向公开
    demand_summary = models.TextField("采购需求概况", blank=True, default="")
    expected_month = models.DateField("预计采购时间", null=True, blank=True)  # the month's first day
    total_amount = models.DecimalField("项目金额", **MONEY, default=Decimal("0"))
    is_gov_procurement = models.BooleanField("是否政府采购", default=False)
    cumulative_reason = models.TextField("累计达到限额标准相关说明", blank=True, default="")
    contact_name = models.CharField("联系人", max_length=30, blank=True, default="")
    contact_phone = models.CharField("联系电话", max_length=30, blank=True, default="")
    # facts from later modules (which documents use the project: ProjectUse)
    contract_filed_at = models.DateTimeField("合同备案时间", null=True, blank=True)
    # results of approved requests
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    closed_at = models.DateTimeField("结项时间", null=True, blank=True)
    # denormalized for scope filters at a million rows (kept by the services)
    unit_path = models.CharField(max_length=255, db_index=True, default="")
    region_path = models.CharField(max_length=64, db_index=True, default="")

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "采购项目"
        indexes = [
            models.Index(fields=["unit", "status", "-id"], name="project_unit_status"),
            models.Index(fields=["region_path", "status", "-id"], name="project_region_status"),
            # the 已撤销 tab: few rows, so a count that finds none must not scan the table
            models.Index(fields=["region_path", "-id"], name="project_revoked",
                         condition=models.Q(revoked_at__isnull=False)),
        ]

    def __str__(self):
        return f"{self.name}（{self.number}）"

    @property
    def status_text(self) -> str:
        # every list, count and export reads this: a revoked project is never 已办结
        if self.revoked_at is not None:
            return "已撤销"
        return super().status_text

    @property
    def used_at(self):
        """Since when some document uses the project (the earliest live use), None when none does. Read from
        the `with_use()` annotation when the row came with it, else one indexed query (never cached: a
        service may mark the project between two reads)."""
        if "use_since" in self.__dict__:
            return self.use_since
        return self.uses.filter(released_at__isnull=True).aggregate(at=Min("since"))["at"]

    @property
    def is_used(self) -> bool:
        if "use_since" in self.__dict__:
            return self.use_since is not None
        return self.uses.filter(released_at__isnull=True).exists()

    @property
    def is_live(self) -> bool:
        return self.status == "approved" and self.revoked_at is None


class ProjectUse(models.Model):
    """A document using an approved project (RULES §A: a plan, a 统招分签 response, a contract). While one is live
    (released_at empty) the project can no longer be revoked or changed, only get fund operations. Never
    deleted: a release dates the row, and a later use of the same document is a new row."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="uses", verbose_name="采购项目")
    by = models.CharField("使用单据", max_length=80)  # the document's key, e.g. "plans.plan:12"
    label = models.CharField("单据名称", max_length=200, blank=True, default="")
    since = models.DateTimeField("使用时间")
    released_at = models.DateTimeField("释放时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "采购项目使用情况"
        ordering = ["since", "id"]
        constraints = [
            # one live use per (project, document); also the index of "is this project used"
            models.UniqueConstraint(fields=["project", "by"], condition=Q(released_at__isnull=True),
                                    name="project_use_live"),
        ]
        indexes = [
            # "the live uses of a document" (a plan's revocation releases what it uses)
            models.Index(fields=["by"], condition=Q(released_at__isnull=True), name="project_use_live_by"),
        ]

    def __str__(self):
        return self.label or self.by

    @property
    def is_live(self) -> bool:
        return self.released_at is None


class ContentLine(models.Model):
    """采购内容清单."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="content_lines")
    seq = models.PositiveIntegerField("序号")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+", verbose_name="政府采购品目")
    item_name = models.CharField("标的名称", max_length=200)
    quantity = models.DecimalField("数量", max_digits=18, decimal_places=4)
    measure_unit = models.CharField("计量单位", max_length=20)
    unit_price = models.DecimalField("单价", **MONEY)
    amount = models.DecimalField("金额", **MONEY)
    is_active = models.BooleanField(default=True)  # superseded lines are kept, never deleted

    class Meta:
        verbose_name = verbose_name_plural = "采购内容清单"
        ordering = ["seq"]


class FundLine(models.Model):
    """项目资金构成: how much of which indicator the project uses."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="fund_lines")
    indicator = models.ForeignKey("budgets.BudgetIndicator", on_delete=models.PROTECT, related_name="fund_lines",
                                  verbose_name="指标")
    amount = models.DecimalField("本次使用金额", **MONEY)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = verbose_name_plural = "项目资金构成"
        ordering = ["id"]


class ProjectRequest(RequestDocument):
    """A request acting on an approved project once approved (DESIGN §5): 撤销, 变更, 资金替换/追加/回收, 结项.
    Its kinds are classes in projects/request_kinds.py; the fields below keep their table as it was."""

    KIND_REVOKE = "revoke"
    KIND_CHANGE = "change"
    KIND_FUND_REPLACE = "fund_replace"
    KIND_FUND_ADD = "fund_add"
    KIND_FUND_RECLAIM = "fund_reclaim"
    KIND_CLOSE = "close"
    KINDS = [(KIND_REVOKE, "撤销"), (KIND_CHANGE, "变更"), (KIND_FUND_REPLACE, "资金替换"),
             (KIND_FUND_ADD, "资金追加"), (KIND_FUND_RECLAIM, "资金回收"), (KIND_CLOSE, "结项")]

    doc_type = "project_request"

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="requests", verbose_name="采购项目")
    kind = models.CharField("申请类型", max_length=20, choices=KINDS)
    budget_office = models.CharField("指标管理处室", max_length=60, blank=True, default="")
    # 变更: the proposed values {field: new}; lines as lists of dicts. Old values are read from the project.
    proposed = models.JSONField("变更内容", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "项目申请"
        indexes = [models.Index(fields=["project", "status"])]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.project.name}"


class ActiveManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(is_active=True)


class FundMove(models.Model):
    """A line of a fund request: for 替换 the indicator given up (from_indicator) and the one taken;
    for 追加 the indicator and amount added; for 回收 the indicator and amount given back."""

    request = models.ForeignKey(ProjectRequest, on_delete=models.PROTECT, related_name="fund_moves")
    from_indicator = models.ForeignKey("budgets.BudgetIndicator", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+", verbose_name="原指标")
    indicator = models.ForeignKey("budgets.BudgetIndicator", on_delete=models.PROTECT, related_name="+",
                                  verbose_name="指标")
    amount = models.DecimalField("金额", **MONEY)
    is_active = models.BooleanField(default=True)  # a draft's replaced lines are kept, never deleted

    objects = ActiveManager()  # also what request.fund_moves sees
    all_objects = models.Manager()  # noqa: DJ012

    class Meta:
        verbose_name = verbose_name_plural = "资金调整明细"
        ordering = ["id"]
