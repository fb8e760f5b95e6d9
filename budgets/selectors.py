"""Reads of budgets, always scoped through access.

指标预算查询 shows the budget platform's indicators of the user's own unit (and, on request, of its
subordinate units); 采购预算查询 shows every procurement budget (platform and virtual) with subordinate
units by default; a regulator sees its region. Scope filters are prefix filters on `Unit.path` /
`Unit.region_path` (index range scans).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.apps import apps
from django.db.models import Count, Q, QuerySet, Sum
from django.urls import NoReverseMatch, reverse

from access import rights, scope
from orgs.models import Region, Unit

from .models import BudgetIndicator, BudgetOffice, LedgerEntry

CENT = Decimal("0.01")

# 资金性质 (FUND_TYPE_CODE): hierarchical codes, a sub-code is labelled by its nearest known ancestor
# (e.g. 111 → 11 一般公共预算资金). FUND_TYPES are the families offered in filters and forms.
FUND_TYPE_TREE = {
    "1": "财政拨款资金",
    "11": "一般公共预算资金",
    "12": "政府性基金预算资金",
    "13": "国有资本经营预算资金",
    "2": "财政专户管理资金",
    "3": "单位资金",
    "9": "其他资金",
}
FUND_TYPES = [(code, FUND_TYPE_TREE[code]) for code in ("11", "12", "13", "2", "3")]

# 新增虚拟预算 scenarios (RULES.md §A, regulator; Jiangxi manual 预算管理).
VIRTUAL_SCENARIOS = [
    ("not_issued", "政府采购预算暂未下达（有资金保障），需先行走政府采购程序的项目"),
    ("joint", "省直预算单位统招分签、分付的采购项目（省市县三级预算）"),
    ("multi_year", "物业等一招三年、分年度支付的项目"),
    ("self_funded", "财政安排部分预算、其他部分由单位自筹的项目"),
    ("central", "银行、海关、税务等中央驻本省单位通过本省交易系统采购的项目"),
]
VIRTUAL_SCENARIO_LABELS = dict(VIRTUAL_SCENARIOS)

# The budget platform's wire names (RULES.md, end) beside our field names, in the data standard's order.
PLATFORM_FIELDS = [
    ("bgt_id", "BGT_ID"),
    ("mof_div_code", "MOF_DIV_CODE"),
    ("fiscal_year", "FISCAL_YEAR"),
    ("agency_code", "AGENCY_CODE"),
    ("pro_code", "PRO_CODE"),
    ("pro_name", "PRO_NAME"),
    ("cor_bgt_doc_no", "COR_BGT_DOC_NO"),
    ("bgt_type_code", "BGT_TYPE_CODE"),
    ("source_type_code", "SOURCE_TYPE_CODE"),
    ("fund_type_code", "FUND_TYPE_CODE"),
    ("exp_func_code", "EXP_FUNC_CODE"),
    ("gov_bgt_eco_code", "GOV_BGT_ECO_CODE"),
    ("dep_bgt_eco_code", "DEP_BGT_ECO_CODE"),
    ("pay_type_code", "PAY_TYPE_CODE"),
    ("is_gov_pur", "IS_GOV_PUR"),
    ("amount", "AMOUNT"),
    ("cur_amt", "CUR_AMT"),
    ("is_executable", "BGT_EXE_FLAG"),
    ("ori_bgt_id", "ORI_BGT_ID"),
    ("adj_batch_no", "ADJ_BATCH_NO"),
]

# Holders with a detail page: model label → URL name (reversed lazily; absent apps are no dead links).
HOLDER_URLS = {
    "projects.project": "projects:detail",
    "projects.projectrequest": "projects:request_detail",
}


def fund_type_label(code: str) -> str:
    for end in range(len(code), 0, -1):
        if code[:end] in FUND_TYPE_TREE:
            return FUND_TYPE_TREE[code[:end]]
    return code


def may_include_subordinates(user) -> bool:
    """包含下级单位 widens a purchaser's view to its subordinate tree (access.rights)."""
    return rights.may_include_subordinates(user)


def _region_codes_q(region_path: str) -> Q:
    """Indicators not yet matched to a unit, by their 财政区划 inside the region."""
    return Q(unit__isnull=True, mof_div_code__in=scope.region_codes_below(region_path))


def _scope_q(user, include_subordinates: bool) -> Q:
    if not user.is_authenticated:
        return scope.nothing()
    if rights.is_admin(user):
        return Q()  # before the OR below: Q() | x is x
    if user.is_regulator:
        # a regulator sees its region whatever 包含下级单位 says, and the unmatched indicators of its region
        return scope.scope_q(user, BudgetIndicator) | _region_codes_q(user.unit.region_path)
    return scope.scope_q(user, BudgetIndicator, include_subordinates=include_subordinates)


def procurement_budgets(user, include_subordinates: bool = True) -> QuerySet:
    """采购预算查询: every budget (platform-synced and virtual) the user may see."""
    return (BudgetIndicator.objects.filter(_scope_q(user, include_subordinates))
            .select_related("unit", "created_by"))


def indicators(user, *, include_subordinates: bool = False) -> QuerySet:
    """指标预算查询: the budget platform's indicators, own unit unless subordinates are asked for."""
    return procurement_budgets(user, include_subordinates).filter(source=BudgetIndicator.SOURCE_PLATFORM)


def region_indicators(user) -> QuerySet:
    """The regulator's 一体化预算指标: the platform indicators of its region (and the regions below), matched to
    a unit or not yet. Empty for anyone else."""
    if not rights.is_regulator(user):
        return BudgetIndicator.objects.none()
    return procurement_budgets(user).filter(source=BudgetIndicator.SOURCE_PLATFORM)


def virtual_budgets(user) -> QuerySet:
    """The regulator's 预算管理: virtual budgets of its region."""
    if not (rights.is_regulator(user) or rights.is_admin(user)):
        return BudgetIndicator.objects.none()
    return procurement_budgets(user).filter(source=BudgetIndicator.SOURCE_VIRTUAL)


def unit_indicators(unit) -> QuerySet:
    """A unit's own indicators, for a service of another app that checks a document of that unit."""
    return BudgetIndicator.objects.filter(unit=unit)


def usable_indicators(unit) -> QuerySet:
    """The indicators a document of `unit` may draw on: the unit's own, valid and executable."""
    return unit_indicators(unit).filter(is_valid=True, is_executable=True)


def indicators_by_id(ids) -> QuerySet:
    """Indicators by id, whatever unit holds them now, for another app's rules and pages about a document it
    has already read in the user's scope (a request on a project): an indicator chosen on that document may
    have moved to another unit since (重置预算匹配), and the message must still name it and the page still show
    what the document holds on it. Unscoped on purpose: the ids come from the document, not from the user, and
    a unit filter would turn "moved" into "missing"."""
    return BudgetIndicator.objects.filter(pk__in=list(ids))


def unmatched_platform_totals() -> QuerySet:
    """Valid platform indicators that no unit holds yet: count and total per (财政区划, 单位预算编码)."""
    return (BudgetIndicator.objects.filter(source=BudgetIndicator.SOURCE_PLATFORM, unit__isnull=True, is_valid=True)
            .values("mof_div_code", "agency_code").annotate(count=Count("id"), total=Sum("amount"))
            .order_by("agency_code", "mof_div_code"))


def indicator_for(user, pk: int) -> BudgetIndicator | None:
    """One indicator within the user's widest view (subordinates included), or None."""
    return procurement_budgets(user, include_subordinates=True).filter(pk=pk).first()


def region_purchasers(user) -> QuerySet:
    """Purchaser units of a regulator's region, registered or not: the only units 新增虚拟预算 looks up, so a
    unit elsewhere is answered exactly like a missing one."""
    if not user.is_authenticated or not user.is_regulator:
        return Unit.objects.none()
    return (Unit.objects.filter(scope.region_q(user, Unit, unit_field=""), kind=Unit.KIND_PURCHASER)
            .select_related("region").order_by("region__code", "name"))


def virtual_budget_units(user) -> QuerySet:
    """Units a regulator may give a virtual budget: registered (正式库会员) purchasers of its region."""
    return region_purchasers(user).filter(is_member=True)


# ---- 指标管理处室 ---------------------------------------------------------------------------------------------


def budget_offices(region: Region | None) -> list[BudgetOffice]:
    """The active offices a unit of `region` may name in a 资金追加: its region's first, then each region above."""
    if region is None:
        return []
    codes = [c for c in region.path.split("/") if c]  # province first
    rows = BudgetOffice.objects.filter(region__code__in=codes, is_active=True).select_related("region")
    depth = {code: i for i, code in enumerate(codes)}
    return sorted(rows, key=lambda o: (-depth[o.region.code], o.order, o.pk))


def budget_office_names(region: Region | None) -> list[str]:
    """budget_offices() as the names a request stores (a name kept by two levels is offered once)."""
    return list(dict.fromkeys(o.name for o in budget_offices(region)))


def regulated_offices(user) -> QuerySet:
    """指标管理处室 page: the offices of the regulator's own region, active and not (others keep their own)."""
    if not user.is_authenticated or not user.is_regulator:
        return BudgetOffice.objects.none()
    return (BudgetOffice.objects.filter(region_id=user.unit.region_id)
            .select_related("region", "created_by").order_by("-is_active", "order", "id"))


def inherited_offices(user) -> list[BudgetOffice]:
    """The active offices of the regions above the regulator's, shown read-only beside its own."""
    if not user.is_authenticated or not user.is_regulator:
        return []
    region = user.unit.region
    return [o for o in budget_offices(region) if o.region_id != region.pk]


def office_for(user, pk) -> BudgetOffice | None:
    """One office the regulator keeps, or None (another region's is as missing as a missing one)."""
    return regulated_offices(user).filter(pk=pk).first()


# ---- holders -----------------------------------------------------------------------------------------


def _split_holder(key: str) -> tuple[str, str]:
    label, _, pk = key.partition(":")
    return label, pk


def resolve_holders(keys) -> dict[str, dict]:
    """{holder key: {"label", "url", "object"}}; one query per holder model, models looked up lazily."""
    by_model: dict[str, list[str]] = defaultdict(list)
    for key in set(keys):
        label, pk = _split_holder(key)
        if pk.isdigit():
            by_model[label].append(pk)
    resolved: dict[str, dict] = {}
    for label, pks in by_model.items():
        app_label, _, model_name = label.partition(".")
        try:
            model = apps.get_model(app_label, model_name)
        except (LookupError, ValueError):
            continue
        url_name = HOLDER_URLS.get(label)
        for obj in model._default_manager.filter(pk__in=pks):
            url = None
            if url_name:
                try:
                    url = reverse(url_name, args=[obj.pk])
                except NoReverseMatch:
                    url = None
            resolved[f"{label}:{obj.pk}"] = {"label": str(obj), "url": url, "object": obj,
                                             "kind": model._meta.verbose_name}
    return resolved


def holders(indicator: BudgetIndicator) -> list[dict]:
    """The documents currently reserving `indicator`: [{"holder", "amount", "label", "url", "object",
    "kind"}], largest first. From the ledger (sums by holder), not from the documents themselves."""
    sums = (LedgerEntry.objects.filter(indicator=indicator).values("holder")
            .annotate(total=Sum("amount")).order_by("holder"))
    rows = [(r["holder"], _money(r["total"])) for r in sums if r["total"]]
    info = resolve_holders(h for h, _ in rows)
    out = []
    for key, total in rows:
        found = info.get(key, {})
        out.append({"holder": key, "amount": total, "label": found.get("label", key), "url": found.get("url"),
                    "object": found.get("object"), "kind": found.get("kind", "")})
    out.sort(key=lambda r: (-r["amount"], r["holder"]))
    return out


def ledger_rows(indicator: BudgetIndicator, limit: int = 500) -> list[LedgerEntry]:
    """The latest ledger rows of an indicator (newest first), each with `holder_label` / `holder_url`."""
    rows = list(LedgerEntry.objects.filter(indicator=indicator).select_related("actor").order_by("-id")[:limit])
    info = resolve_holders(r.holder for r in rows)
    for r in rows:
        found = info.get(r.holder, {})
        r.holder_label = found.get("label", r.holder)
        r.holder_url = found.get("url")
    return rows


def ledger_total(indicator: BudgetIndicator) -> Decimal:
    return _money(LedgerEntry.objects.filter(indicator=indicator).aggregate(s=Sum("amount"))["s"])


def _money(value) -> Decimal:
    """Sums come back unquantized on SQLite (e.g. 1234.5): yuan with two places."""
    return Decimal(value or 0).quantize(CENT)
