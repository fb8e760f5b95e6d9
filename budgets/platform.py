"""The writes that the budget platform's feed applies to indicators (and 重置预算匹配's re-linking).

The platform is the authority on its indicators: a decrease below what documents already reserve is
applied, and every document holding money on the indicator gets a 监督预警, so the shortfall never goes
unnoticed (`available` = amount − reserved is then negative and shown as a shortfall). Nothing is deleted:
a deleted indicator becomes invalid. Each function runs atomically, locks the indicator row
(select_for_update) and writes an audit row; `origin` names the inbound message for the audit trail.

Holders are the ledger's holder keys ("app_label.model:pk"); they are resolved through the app registry,
so this module imports no document app.
"""

from __future__ import annotations

import logging
from decimal import Decimal

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum

from audit import services as audit
from core.errors import BusinessError
from core.money import MAX_AMOUNT_MESSAGE, within_limit
from orgs.models import Unit
from supervision.services import warning_raise

from .models import BudgetIndicator, LedgerEntry

logger = logging.getLogger("zhengcai")

# our names of the platform's indicator fields that a new (or carried-over) indicator takes from the message
CREATE_FIELDS = ["bgt_id", "mof_div_code", "fiscal_year", "agency_code", "pro_code", "pro_name", "cor_bgt_doc_no",
                 "bgt_type_code", "source_type_code", "fund_type_code", "exp_func_code", "gov_bgt_eco_code",
                 "dep_bgt_eco_code", "pay_type_code", "is_gov_pur", "amount", "cur_amt", "is_executable",
                 "ori_bgt_id", "adj_batch_no"]
TRACKED = ["unit_id", "amount", "cur_amt", "reserved", "is_executable", "is_valid", "adj_batch_no", "ori_bgt_id"]

KIND_OVER_RESERVED = "indicator_over_reserved"
KIND_NOT_EXECUTABLE = "indicator_not_executable"
KIND_INVALID = "indicator_invalid"


def match_unit(agency_code: str) -> Unit | None:
    """The budget unit (purchaser, or a regulator's own department) whose 单位预算编码 is `agency_code`; None
    when there is none or more than one."""
    if not agency_code:
        return None
    units = list(Unit.objects.filter(kind__in=[Unit.KIND_PURCHASER, Unit.KIND_REGULATOR], budget_code=agency_code)
                 .order_by("pk")[:2])
    return units[0] if len(units) == 1 else None


def holders(indicator_id: int) -> dict[str, Decimal]:
    """Documents holding money on the indicator now (ledger sums per holder, positive only)."""
    rows = (LedgerEntry.objects.filter(indicator_id=indicator_id).values("holder")
            .annotate(total=Sum("amount")).order_by("holder"))
    return {r["holder"]: r["total"] for r in rows if r["total"] and r["total"] > 0}


def _document(holder: str):
    label, _, pk = holder.partition(":")
    try:
        model = apps.get_model(label)
        return model._default_manager.filter(pk=int(pk)).first()
    except (LookupError, ValueError):
        return None


def _state(ind: BudgetIndicator) -> dict:
    return {f: getattr(ind, f) for f in TRACKED}


def _locked(bgt_id: str) -> BudgetIndicator:
    ind = BudgetIndicator.objects.select_for_update(of=("self",)).select_related("unit").filter(bgt_id=bgt_id).first()
    if ind is None:
        raise BusinessError(f"指标 {bgt_id} 不存在。", code="indicator_unknown", field="BGT_ID")
    if ind.source != BudgetIndicator.SOURCE_PLATFORM:
        raise BusinessError(f"指标 {bgt_id} 是虚拟预算，不由一体化平台维护。", code="indicator_virtual", field="BGT_ID")
    return ind


def _warn_holders(ind: BudgetIndicator, *, kind: str, basis: str, describe) -> list:
    """One 监督预警 per document holding money on `ind`; `describe(held)` words it."""
    raised = []
    for holder, held in holders(ind.pk).items():
        doc = _document(holder)
        unit = ind.unit or getattr(doc, "unit", None)
        if unit is None:
            logger.warning("一体化指标 %s：占用单据 %s 找不到所属单位，未生成预警", ind.bgt_id, holder)
            continue
        raised.append(warning_raise(kind=kind, level="warn", unit=unit, target=holder,
                                    target_label=str(doc) if doc is not None else holder,
                                    message=describe(held), basis=basis))
    return raised


def _create(data: dict, origin: str, actor, action: str) -> BudgetIndicator:
    fields = {k: data[k] for k in CREATE_FIELDS if k in data}
    fields.setdefault("cur_amt", fields["amount"])
    if BudgetIndicator.objects.filter(bgt_id=fields["bgt_id"]).exists():
        raise BusinessError(f"指标 {fields['bgt_id']} 已存在；金额变化请用 adjust，结转请用 carry_over。",
                            code="indicator_exists", field="BGT_ID")
    ind = BudgetIndicator(source=BudgetIndicator.SOURCE_PLATFORM, unit=match_unit(fields["agency_code"]), **fields)
    try:
        with transaction.atomic():
            ind.save()
    except IntegrityError as exc:  # the same BGT_ID created by a concurrent message
        raise BusinessError(f"指标 {fields['bgt_id']} 已存在。", code="indicator_exists", field="BGT_ID") from exc
    audit.record(actor=actor, action=action, obj=ind, after={**audit.snapshot(ind), "origin": origin})
    return ind


@transaction.atomic
def indicator_create(*, data: dict, origin: str = "", actor=None) -> BudgetIndicator:
    """新增: a new platform indicator, linked to the purchaser whose 单位预算编码 is its AGENCY_CODE (or none yet)."""
    return _create(data, origin, actor, "indicator.platform_new")


@transaction.atomic
def indicator_adjust(*, bgt_id: str, delta: Decimal, adj_batch_no: str, cur_amt: Decimal | None = None,
                     amount: Decimal | None = None, origin: str = "", actor=None) -> tuple[BudgetIndicator, list]:
    """调增/调减 by a signed `delta`. Applied even when the result is below what is reserved (then every holder
    is warned). `amount`, when the platform sends it, must equal the adjusted amount."""
    ind = _locked(bgt_id)
    if not ind.is_valid:
        raise BusinessError(f"指标 {bgt_id} 已删除（无效），不能调整。", code="indicator_invalid", field="BGT_ID")
    new_amount = ind.amount + delta
    if new_amount < 0:
        raise BusinessError(f"指标 {bgt_id} 金额 {ind.amount:,.2f} 元，调减 {-delta:,.2f} 元后为负数。",
                            code="indicator_negative", field="ADJ_AMT")
    if not within_limit(new_amount):  # the feed refuses such amounts; an adjustment must not reach them either
        raise BusinessError(f"指标 {bgt_id} 金额 {ind.amount:,.2f} 元，调整 {delta:,.2f} 元后超出上限：{MAX_AMOUNT_MESSAGE}",
                            code="amount_too_large", field="ADJ_AMT")
    if amount is not None and amount != new_amount:
        raise BusinessError(f"指标 {bgt_id} 调整后金额应为 {new_amount:,.2f} 元，报文 AMOUNT 为 {amount:,.2f} 元。",
                            code="indicator_amount_mismatch", field="AMOUNT")
    before = _state(ind)
    ind.amount = new_amount
    ind.cur_amt = cur_amt if cur_amt is not None else max(ind.cur_amt + delta, Decimal("0"))
    if not within_limit(ind.cur_amt):
        raise BusinessError(f"指标 {bgt_id} 调整后当前金额超出上限：{MAX_AMOUNT_MESSAGE}", code="amount_too_large",
                            field="ADJ_AMT")
    ind.adj_batch_no = adj_batch_no
    ind.save(update_fields=["amount", "cur_amt", "adj_batch_no", "updated_at"])
    audit.record(actor=actor, action="indicator.platform_adjust", obj=ind, before=before,
                 after={**_state(ind), "delta": delta, "origin": origin})
    warnings = []
    if delta < 0 and ind.amount < ind.reserved:
        shortfall = ind.reserved - ind.amount

        def describe(held):
            return (f"一体化平台调减指标「{ind.pro_name or ind.bgt_id}」（{ind.bgt_id}）{-delta:,.2f} 元（批次 {adj_batch_no}），"
                    f"调减后指标金额 {ind.amount:,.2f} 元，低于已占用 {ind.reserved:,.2f} 元，缺口 {shortfall:,.2f} 元。"
                    f"本单据占用 {held:,.2f} 元，请通过资金替换或资金回收调整项目资金构成。")

        warnings = _warn_holders(ind, kind=KIND_OVER_RESERVED, basis="一体化指标调减", describe=describe)
    return ind, warnings


@transaction.atomic
def indicator_carry_over(*, data: dict, origin: str = "", actor=None) -> tuple[BudgetIndicator, BudgetIndicator, list]:
    """结转: a new-year indicator (data carries ori_bgt_id); the original stops being executable."""
    old = _locked(data["ori_bgt_id"])
    if not old.is_valid:
        raise BusinessError(f"原指标 {old.bgt_id} 已删除（无效），不能结转。", code="indicator_invalid",
                            field="ORI_BGT_ID")
    if data["fiscal_year"] <= old.fiscal_year:
        raise BusinessError(f"结转指标的预算年度（{data['fiscal_year']}）应晚于原指标（{old.fiscal_year}）。",
                            code="carry_over_year", field="FISCAL_YEAR")
    new = _create(data, origin, actor, "indicator.platform_carry_over_new")
    before = _state(old)
    old.is_executable = False
    old.save(update_fields=["is_executable", "updated_at"])
    audit.record(actor=actor, action="indicator.platform_carry_over", obj=old, before=before,
                 after={**_state(old), "carried_to": new.bgt_id, "origin": origin})
    warnings = []
    if old.reserved > 0:
        def describe(held):
            return (f"一体化平台将指标「{old.pro_name or old.bgt_id}」（{old.bgt_id}）结转为 {new.fiscal_year} 年度指标 "
                    f"{new.bgt_id}，原指标不再可执行。本单据在原指标上占用 {held:,.2f} 元，请改用结转后的指标（资金替换）。")

        warnings = _warn_holders(old, kind=KIND_NOT_EXECUTABLE, basis="一体化指标结转", describe=describe)
    return new, old, warnings


@transaction.atomic
def indicator_invalidate(*, bgt_id: str, origin: str = "", actor=None) -> tuple[BudgetIndicator, list, bool]:
    """删除: the indicator becomes invalid and not executable (never deleted). Returns (indicator, warnings,
    changed); deleting an already invalid indicator changes nothing."""
    ind = _locked(bgt_id)
    if not ind.is_valid:
        return ind, [], False
    before = _state(ind)
    ind.is_valid = False
    ind.is_executable = False
    ind.save(update_fields=["is_valid", "is_executable", "updated_at"])
    audit.record(actor=actor, action="indicator.platform_delete", obj=ind, before=before,
                 after={**_state(ind), "origin": origin})
    warnings = []
    if ind.reserved > 0:
        def describe(held):
            return (f"一体化平台已删除指标「{ind.pro_name or ind.bgt_id}」（{ind.bgt_id}），该指标失效。"
                    f"本单据仍占用 {held:,.2f} 元，请通过资金替换改用有效指标或撤销项目。")

        warnings = _warn_holders(ind, kind=KIND_INVALID, basis="一体化指标删除", describe=describe)
    return ind, warnings, True


@transaction.atomic
def indicators_link_unit(*, actor, unit: Unit, origin: str = "重置预算匹配") -> list[dict]:
    """重置预算匹配 for one unit: platform indicators whose AGENCY_CODE is the unit's current 单位预算编码 are
    linked to it; indicators linked to it under another code (before a code correction) go back to the unit
    their code matches (or none). An indicator on which another unit's documents hold money, or that belongs
    to another unit whose 单位预算编码 is the indicator's, is left alone and reported. Returns one row per indicator looked at."""
    code = unit.budget_code
    if not code:
        raise BusinessError(f"「{unit.name}」没有单位预算编码，无法匹配。", code="no_budget_code")
    qs = (BudgetIndicator.objects.select_for_update(of=("self",)).select_related("unit")
          .filter(source=BudgetIndicator.SOURCE_PLATFORM)
          .filter((Q(agency_code=code) & ~Q(unit=unit)) | (Q(unit=unit) & ~Q(agency_code=code)))
          .order_by("pk"))
    rows = []
    for ind in qs:
        before_unit = ind.unit
        target = unit if ind.agency_code == code else match_unit(ind.agency_code)
        row = {"bgt_id": ind.bgt_id, "pro_name": ind.pro_name, "fiscal_year": ind.fiscal_year,
               "agency_code": ind.agency_code, "amount": ind.amount, "reserved": ind.reserved,
               "before": before_unit.name if before_unit else "", "after": target.name if target else ""}
        if (before_unit is not None and target == unit and before_unit.pk != unit.pk
                and before_unit.budget_code == ind.agency_code):
            # the unit whose own code it is holds it: never taken by another claiming that code
            rows.append({**row, "status": "skipped", "after": row["before"],
                         "note": f"该指标属于单位预算编码相同的「{before_unit.name}」，未改动"})
            continue
        if ind.reserved > 0 and before_unit is not None and target != before_unit:
            rows.append({**row, "status": "skipped", "after": row["before"],
                         "note": f"「{before_unit.name}」的单据在该指标上占用 {ind.reserved:,.2f} 元，未改动"})
            continue
        before = _state(ind)
        ind.unit = target
        ind.save(update_fields=["unit", "updated_at"])
        audit.record(actor=actor, action="indicator.relink", obj=ind, before=before,
                     after={**_state(ind), "origin": origin})
        rows.append({**row, "status": "linked" if target == unit else "unlinked",
                     "note": "已匹配到本单位" if target == unit else "单位预算编码与本单位不符，已解除"})
    return rows


def on_unit_registered(sender, *, unit, actor, **kwargs) -> None:
    """orgs.signals.unit_registered: the platform's indicators that arrived under the unit's code now belong to it."""
    if unit.budget_code:
        indicators_link_unit(actor=actor, unit=unit, origin="用户库基本信息审核通过")
