from django.db import models

from workflow.models import RequestDocument, Reviewable, Status

MONEY = {"max_digits": 18, "decimal_places": 2}
PCT = {"max_digits": 5, "decimal_places": 2}


class PlanType(models.TextChoices):
    GENERAL = "general", "项目采购·一般项目采购"
    MALL = "mall", "网上超市"
    RENEWAL = "renewal", "其他采购·合同续签"
    SELF = "self", "其他采购·自行采购"
    JOINT = "joint", "统招分签"


# the project's 实施形式 each plan type takes (projects.models.ImplementationForm values)
# (统招分签 takes no project: it takes the lead's collected JointProject)
PROJECT_FORM = {PlanType.GENERAL: "general", PlanType.MALL: "mall", PlanType.RENEWAL: "renewal",
                PlanType.SELF: "self"}
NO_AGENCY = (PlanType.MALL, PlanType.RENEWAL, PlanType.SELF)  # 网上超市 / 合同续签 / 自行采购: no 组织实施 by an agency


class OrganizationForm(models.TextChoices):
    CENTRAL = "central", "集中采购机构采购"
    DEPARTMENT = "department", "部门集中采购"
    ENTRUSTED = "entrusted", "分散采购委托代理"
    SELF_ORGANIZED = "self_organized", "分散采购自行组织"


class Method(models.TextChoices):
    OPEN = "open_tender", "公开招标"
    INVITED = "invited_tender", "邀请招标"
    NEGOTIATION = "negotiation", "竞争性谈判"
    CONSULTATION = "consultation", "竞争性磋商"
    INQUIRY = "inquiry", "询价"
    SINGLE_SOURCE = "single_source", "单一来源"
    FRAMEWORK = "framework", "框架协议"


NON_OPEN = [m for m in Method.values if m != Method.OPEN]


class Plan(Reviewable):
    """采购计划申报 (FJ 4.1). What it took from the project (统招分签: from the collected JointProject) is a copy
    (name, amount, lines, funds), frozen once submitted: a later 资金 request on the project does not rewrite a
    filed plan."""

    doc_type = "plan"

    plan_type = models.CharField("计划类型", max_length=10, choices=PlanType.choices)
    project = models.ForeignKey("projects.Project", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name="采购项目")
    joint_project = models.ForeignKey("joint.JointProject", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", verbose_name="统招分签项目")
    mall_line = models.ForeignKey("projects.ContentLine", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name="网上超市采购明细")
    # copied from the project (read-only in the plan)
    project_number = models.CharField("项目编号", max_length=40, blank=True, default="")
    name = models.CharField("项目名称", max_length=200, blank=True, default="")
    fiscal_year = models.PositiveIntegerField("预算年度", null=True, blank=True)
    procurement_kind = models.CharField("采购类别", max_length=10, blank=True, default="",
                                        choices=[("goods", "货物"), ("works", "工程"), ("services", "服务")])
    total_amount = models.DecimalField("计划金额", **MONEY, default=0)
    summary = models.TextField("项目概况", blank=True, default="")
    funds = models.JSONField("资金构成", default=list, blank=True)  # [{indicator, bgt_id, pro_code, pro_name, amount}]
    # 组织实施方案
    organization_form = models.CharField("组织形式", max_length=16, blank=True, default="",
                                         choices=OrganizationForm.choices)
    procurement_method = models.CharField("采购方式", max_length=16, blank=True, default="", choices=Method.choices)
    agency = models.ForeignKey("orgs.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name="委托代理机构")
    original_contract = models.ForeignKey("contracts.Contract", null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="+", verbose_name="原合同")
    # 执行相关政策
    sme_oriented = models.BooleanField("专门面向中小企业采购", default=False)
    sme_reserved_pct = models.DecimalField("预留中小企业份额（%）", **PCT, null=True, blank=True)
    sme_micro_pct = models.DecimalField("预留份额中小微企业比例（%）", **PCT, null=True, blank=True)
    sme_reason = models.TextField("未按政策预留的原因", blank=True, default="")
    split_explanation = models.TextField("化整为零情况说明", blank=True, default="")
    # 项目联系方式
    contact_name = models.CharField("联系人", max_length=30, blank=True, default="")
    contact_phone = models.CharField("联系电话", max_length=30, blank=True, default="")
    # facts
    filed_agency = models.ForeignKey("orgs.Unit", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="接收代理机构")  # set when filed: its inbox
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    # 采购计划终止 (FJ 4.3): an approved 废标处理 ended the procurement; the project is free again
    ended_at = models.DateTimeField("终止时间", null=True, blank=True)
    end_reason = models.TextField("终止情况说明", blank=True, default="")
    region_path = models.CharField(max_length=64, db_index=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "采购计划"
        indexes = [models.Index(fields=["unit", "status", "-id"], name="plan_unit_status"),
                   models.Index(fields=["region_path", "status", "-id"], name="plan_region_status"),
                   models.Index(fields=["filed_agency", "-id"], name="plan_filed_agency"),
                   models.Index(fields=["project", "status"], name="plan_project"),
                   models.Index(fields=["organization_form", "region_path", "-id"], name="plan_region_form")]

    def __str__(self):
        return f"{self.name or '采购计划'}（{self.number}）"

    @property
    def status_text(self) -> str:
        if self.revoked_at is not None:
            return "已撤销"
        if self.ended_at is not None:
            return "已终止"
        if self.status == Status.APPROVED:
            return "已备案"
        return super().status_text

    @property
    def is_filed(self) -> bool:
        return self.status == Status.APPROVED and self.revoked_at is None and self.ended_at is None

    # the form's list fields read from the lines (as text: what a posted checkbox carries)
    def _flagged(self, flag: str) -> list[str]:
        if not self.pk:
            return []
        return [str(s) for s in self.lines.filter(is_active=True, **{flag: True}).values_list("seq", flat=True)]

    @property
    def import_lines(self) -> list[str]:
        return self._flagged("is_import")

    @property
    def service_lines(self) -> list[str]:
        return self._flagged("is_gov_service")

    @property
    def attachment_ids(self) -> list[str]:
        return []


class PlanLine(models.Model):
    """采购内容清单 of the plan: a copy of the project's lines (or of the one 网上超市 line), plus the flags the
    clerk sets per line."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="lines")
    seq = models.PositiveIntegerField("序号")
    source_line_id = models.PositiveBigIntegerField("项目明细", null=True, blank=True)
    category = models.ForeignKey("core.Category", on_delete=models.PROTECT, related_name="+",
                                 verbose_name="政府采购品目")
    item_name = models.CharField("标的名称", max_length=200)
    quantity = models.DecimalField("数量", max_digits=18, decimal_places=4)
    measure_unit = models.CharField("计量单位", max_length=20)
    unit_price = models.DecimalField("单价", **MONEY)
    amount = models.DecimalField("金额", **MONEY)
    is_import = models.BooleanField("是否进口产品", default=False)
    is_gov_service = models.BooleanField("是否政府购买服务", default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = verbose_name_plural = "采购计划明细"
        ordering = ["seq"]

    @property
    def import_status(self) -> str:
        return "待进口产品审批" if self.is_import else ""


class PlanShare(models.Model):
    """A plan line's amount under one 预算项目 (PRO_CODE of an indicator paying the project, pro rata) of one
    purchaser: the rows the 化整为零 check (实施条例 28) sums, written when the plan is submitted. `unit` is the
    plan's unit, except in a 统招分签 plan: each responding unit's share under its own indicators."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="shares")
    unit = models.ForeignKey("orgs.Unit", null=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name="采购单位")
    category_code = models.CharField("品目编码", max_length=20)
    pro_code = models.CharField("预算项目编码", max_length=40)
    amount = models.DecimalField("金额", **MONEY)

    class Meta:
        indexes = [models.Index(fields=["pro_code", "category_code"], name="plan_share_key"),
                   models.Index(fields=["unit", "pro_code", "category_code"], name="plan_share_unit_key")]


class PlanRequest(RequestDocument):
    """采购计划撤销 (FJ 4.2): a request on a filed plan."""

    doc_type = "plan_request"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="requests", verbose_name="采购计划")

    class Meta:
        verbose_name = verbose_name_plural = "采购计划申请"
