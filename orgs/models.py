from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from core.models import TimeStamped


class Region(models.Model):
    """行政区划 (GB/T 2260). `path` is the chain of codes from the province: '/350000/350100/'."""

    LEVELS = [("province", "省"), ("city", "市"), ("county", "县")]

    code = models.CharField("区划代码", max_length=6, unique=True)
    name = models.CharField("名称", max_length=50)
    level = models.CharField("层级", max_length=8, choices=LEVELS)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name="上级区划")
    path = models.CharField(max_length=64, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.path = (self.parent.path if self.parent else "/") + self.code + "/"
        super().save(*args, **kwargs)

    @property
    def province_code(self):
        return self.path.strip("/").split("/")[0]


class Unit(TimeStamped):
    """单位: purchaser, agency, regulator or supplier. `path` is the materialized competent-unit chain."""

    KIND_PURCHASER = "purchaser"
    KIND_AGENCY = "agency"
    KIND_REGULATOR = "regulator"
    KIND_SUPPLIER = "supplier"
    KIND_EXPERT = "expert"
    KIND_CENTRAL = "central"  # 集中采购机构: the agency 集中采购机构采购 plans are entrusted to (法 16, 18)
    KINDS = [(KIND_PURCHASER, "采购单位"), (KIND_AGENCY, "代理机构"), (KIND_REGULATOR, "监管部门"),
             (KIND_SUPPLIER, "供应商"), (KIND_EXPERT, "专家"), (KIND_CENTRAL, "集中采购机构")]
    LEVELS = [("province", "省级"), ("city", "市级"), ("county", "县级")]

    name = models.CharField("单位名称", max_length=100)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True, default="", db_index=True)
    budget_code = models.CharField("单位预算编码", max_length=32, blank=True, default="", db_index=True)
    kind = models.CharField("单位类型", max_length=10, choices=KINDS)
    level = models.CharField("单位级次", max_length=8, choices=LEVELS)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="units", verbose_name="所属区划")
    region_path = models.CharField(max_length=64, db_index=True, editable=False)
    competent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="subordinates", verbose_name="主管预算单位")
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    is_competent = models.BooleanField("是否主管预算单位", default=False)
    is_member = models.BooleanField("正式库会员", default=False)
    member_since = models.DateTimeField("入库时间", null=True, blank=True)
    address = models.CharField("单位地址", max_length=200, blank=True, default="")
    contact_name = models.CharField("联系人", max_length=30, blank=True, default="")
    contact_phone = models.CharField("联系电话", max_length=30, blank=True, default="")
    legal_representative = models.CharField("法定代表人", max_length=30, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["region__code", "name"]
        # a code names one unit: claiming another unit's codes would take its indicators (issue 6 #1);
        # blank codes (agencies, suppliers, units not yet registered) may repeat
        constraints = [
            models.UniqueConstraint(fields=["credit_code"], condition=~Q(credit_code=""),
                                    name="unit_credit_code_unique"),
            models.UniqueConstraint(fields=["budget_code"], condition=~Q(budget_code=""),
                                    name="unit_budget_code_unique"),
        ]

    def __str__(self):
        return self.name

    @property
    def rule_region_code(self) -> str:
        """The region whose rule parameters apply: the unit's region taken at the unit's level, so a 省级
        unit gets the province's 限额 even if its region names a city (issue 6 #17)."""
        codes = [c for c in self.region_path.split("/") if c] or [self.region.code]
        depth = {"province": 1, "city": 2, "county": 3}.get(self.level, len(codes))
        return codes[min(depth, len(codes)) - 1]

    @property
    def is_budget_unit(self) -> bool:
        """A budget unit buys and registers: purchasers, and regulators' own departments (财政厅 buys too)."""
        return self.kind in (self.KIND_PURCHASER, self.KIND_REGULATOR)

    def save(self, *args, **kwargs):
        self.region_path = self.region.path
        creating = self.pk is None
        super().save(*args, **kwargs)
        if creating or not self.path:
            self.refresh_path()

    def refresh_path(self):
        """Recompute the materialized path of this unit and every unit below it."""
        parent_path = self.competent.path if self.competent_id else "/"
        new = f"{parent_path}{self.pk}/"
        old = self.path
        if old == new:
            return
        Unit.objects.filter(pk=self.pk).update(path=new)
        self.path = new
        if old:
            for child in Unit.objects.filter(competent=self):
                child.refresh_path()


class User(AbstractUser):
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="users",
                             verbose_name="所属单位")
    full_name = models.CharField("姓名", max_length=30, blank=True, default="")
    phone = models.CharField("手机号", max_length=20, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self):
        return self.full_name or self.username

    @property
    def role_codes(self) -> frozenset[str]:
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            cached = frozenset(self.role_assignments.values_list("role", flat=True)) if self.pk else frozenset()
            self._role_codes = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_codes.intersection(roles))

    @property
    def is_regulator(self) -> bool:
        """The regulator role counts only for staff of a regulator unit (a purchaser cannot supervise itself)."""
        return self.has_role("regulator") and self.unit is not None and self.unit.kind == "regulator"


class Role(models.TextChoices):
    CLERK = "clerk", "采购单位经办岗"
    REVIEWER = "reviewer", "采购单位审核岗"
    LEADER = "leader", "需求领导"
    COMPETENT = "competent", "主管预算单位"
    REGULATOR = "regulator", "监管部门"
    AGENCY = "agency", "代理机构"
    SUPPLIER = "supplier", "供应商"
    EXPERT = "expert", "评审专家"
    ADMIN = "admin", "系统管理员"


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField("岗位", max_length=16, choices=Role.choices)
    granted_at = models.DateTimeField("授予时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "岗位授权"
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="role_assignment_unique")]

    def __str__(self):
        return f"{self.user} {self.get_role_display()}"


class LoginAttempt(models.Model):
    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True)
    succeeded = models.BooleanField()
    at = models.DateTimeField(auto_now_add=True, db_index=True)


class ApiToken(models.Model):
    """A machine client's bearer token. Only its SHA-256 is stored; the key is shown once at creation."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens", verbose_name="用户")
    name = models.CharField("用途", max_length=60)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField("前缀", max_length=8)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "接口令牌"

    def __str__(self):
        return f"{self.name}（{self.prefix}…）"
