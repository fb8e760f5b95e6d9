"""Builders for the project tests (also usable by the lifecycle tests): indicators, lines, a saved project."""

import itertools
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from attachments import services as attachment_services
from budgets.models import BudgetIndicator
from budgets.tests.factories import IndicatorFactory
from core.models import Category
from projects import services
from projects.models import Project
from workflow import engine

_seq = itertools.count(1)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def live_cell(page: str, table: str, row: int, column: str) -> str:
    """The text of a computed cell that a live line table's answer swaps out of band into row `row` (1-based)
    of `#<table>-lines` (core.lines, partials/line_cells.html)."""
    m = re.search(rf'<td class="([^"]*)" data-col="{column}"(?: title="([^"]*)")? '
                  rf'hx-swap-oob="outerHTML:#{table}-lines &gt; tbody &gt; tr:nth-child\({row}\) &gt; '
                  rf'td\[data-col={column}\]">(.*?)</td>', page)
    assert m, f"no cell {table} {row} {column}"
    return m.group(3)


def year() -> int:
    return timezone.localdate().year


def make_indicator(unit, amount, *, fiscal_year=None, pro_name=None, **kw) -> BudgetIndicator:
    """IndicatorFactory with this year's fiscal year and the unit's budget code (000000 when it has none)."""
    kw.setdefault("agency_code", unit.budget_code or "000000")
    if pro_name:
        kw["pro_name"] = pro_name
    return IndicatorFactory(unit=unit, amount=amount, fiscal_year=fiscal_year or year(), **kw)


def cat(code: str) -> Category:
    return Category.objects.get(code=code)


# the default 品目 is outside every seeded 集中采购目录, so the 限额 alone decides 是否政府采购 in these tests
def line(code="A02020200", quantity="1", unit_price="1000", item_name="投影仪", measure_unit="台") -> dict:
    return {"category": cat(code).pk, "item_name": item_name, "quantity": quantity, "measure_unit": measure_unit,
            "unit_price": unit_price}


def fund(indicator, amount) -> dict:
    return {"indicator": indicator.pk, "amount": str(amount)}


def data(**kw) -> dict:
    base = {"name": "教学用计算机采购", "fiscal_year": year(), "implementation_form": "general",
            "procurement_kind": "goods", "summary": "更新机房计算机", "contact_name": "周经办",
            "contact_phone": "0591-87654321", "is_gov_procurement": False, "cumulative_reason": ""}
    base.update(kw)
    return base


def save(actor, *, indicator=None, amount="1000", lines=None, funds=None, project=None, version=None,
         **fields) -> Project:
    """A draft whose single line (or `lines`) is paid from `indicator` (or `funds`)."""
    if lines is None:
        lines = [line(unit_price=amount)]
    if funds is None:
        funds = [fund(indicator, amount)]
    return services.project_save(actor=actor, data=data(**fields), content_lines=lines, fund_lines=funds,
                                 project=project, version=version)


def submitted(actor, **kw) -> Project:
    return engine.submit(save(actor, **kw), actor)


def upload(actor, purpose=services.CUMULATIVE_PURPOSE, name="累计说明.pdf"):
    return attachment_services.attachment_upload(
        actor=actor, file=SimpleUploadedFile(name, PDF, content_type="application/pdf"), purpose=purpose)


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)
