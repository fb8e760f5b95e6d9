"""Demo rows of 评审结果: on the trading demo (the demo agency's procurement, accepted and announced through the
trading services when nobody did yet), one recorded and confirmed result with its 中标通知书 and 结果公告. Also
the kit's example (a valid draft) for the test builders and the scope matrix."""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from attachments import services as attachment_services
from orgs.models import User
from orgs.testing import credit_code
from trading import selectors as trading
from trading import services as trading_services
from workflow import engine

from . import services
from .models import Result

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def report(actor):
    """An uploaded 评审报告 of the actor's unit."""
    pdf = SimpleUploadedFile("评审报告.pdf", PDF, content_type="application/pdf")
    return attachment_services.attachment_upload(actor=actor, file=pdf, purpose=services.REPORT_PURPOSE)


def _approver(doc, node):
    for user in User.objects.filter(role_assignments__role=node.role, is_active=True).select_related("unit"):
        if engine.can_act_at(user, doc, node) and user.pk != doc.submitted_by_id:
            return user
    raise LookupError(node.code)


def file_plan(plan, clerk):
    """Submit a draft plan and approve it through its chain (whoever sits at each node)."""
    plan = engine.submit(plan, clerk)
    while plan.status == "pending":
        node = engine.flow_for(plan).node(plan.current_node)
        plan = engine.approve(plan, _approver(plan, node), opinion="同意")
    return plan


def _rows(budget, n=2):
    names = ["福州办公设备有限公司", "福建信息技术有限公司", "厦门数码科技有限公司"]
    out = []
    for i in range(n):
        amount = (budget * (95 - 3 * i) / 100).quantize(Decimal("0.01"))
        out.append({"supplier_id": "", "supplier_name": names[i], "credit_code": credit_code(),
                    "amount": str(amount), "score": str(92 - 4 * i),
                    "rank": str(i + 1)})
    return out


def record(actor, lot, *, n=2, report_date=None):
    """A saved draft result of the lot by its organizer, with its 评审报告."""
    from .docs import CANDIDATES, RESULT

    att = report(actor)
    data = {"lot_id": lot.pk, "report_date": report_date or timezone.localdate(), "expert_names": "张评审、李评审、王评审",
            "hide_experts": False, "attachment_ids": [att.pk],
            **RESULT.clean_lines({CANDIDATES.prefix: _rows(lot.budget, n)})}
    return RESULT.save_doc(actor, None, data, None)


def example_result(clerk):
    """A valid draft result recorded by the clerk's unit organising a procurement itself (the kit's `example`)."""
    from plans.demo import example_plan

    proc = next((p for p in trading.visible(clerk).filter(organizer_id=clerk.unit_id, status="in_progress",
                                                          self_organized=True)
                 if any(services.open_result(lot, p.round) is None for lot in trading.open_lots(p))), None)
    if proc is None:
        plan = file_plan(example_plan(clerk), clerk)
        proc = trading_services.procurement_accept(actor=clerk, plan=plan)
        proc = trading_services.procurement_announced(actor=clerk, procurement=proc)
    lot = next(lot for lot in trading.open_lots(proc) if services.open_result(lot, proc.round) is None)
    return record(clerk, lot, n=1)


STORY_PLAN = "2026年教育信息系统运行维护服务"  # trading.demo.STORY_PLAN
# the registered demo suppliers in rank order: username, quote (元), score
STORY_RANKING = (("supplier2", "276000.00", "91.5"), ("supplier1", "283500.00", "87.0"))


@transaction.atomic
def load_demo() -> int:
    """Once: on the agency's demo procurement (announced, `supplier1` and `supplier2` registered, a 质疑 answered)
    the agency records the 评审结果 (yesterday's 评审报告, the two registered suppliers from the library), the
    purchaser's reviewer confirms the first, the agency issues the 成交通知书 and publishes the 结果公告.
    0 when done before or when the trading demo's steps are missing."""
    from .docs import CANDIDATES, RESULT

    agency_user = User.objects.filter(username="agency").first()
    reviewer = User.objects.filter(username="fj_edu_reviewer").first()
    if agency_user is None or reviewer is None:
        return 0
    proc = (trading.visible(agency_user).filter(organizer_id=agency_user.unit_id, name=STORY_PLAN)
            .order_by("pk").first())
    if proc is None or proc.status != "in_progress" or Result.objects.filter(procurement_id=proc.pk).exists():
        return 0
    units = dict(User.objects.filter(username__in=[u for u, _, _ in STORY_RANKING]).values_list("username", "unit_id"))
    if len(units) != len(STORY_RANKING) or not all(trading.is_registered(units[u], proc) for u, _, _ in STORY_RANKING):
        return 0
    rows = [{"supplier_id": str(units[u]), "supplier_name": "", "credit_code": "", "amount": amount, "score": score,
             "rank": str(i)} for i, (u, amount, score) in enumerate(STORY_RANKING, 1)]
    lot = trading.open_lots(proc)[0]
    data = {"lot_id": lot.pk, "report_date": timezone.localdate() - dt.timedelta(days=1),
            "expert_names": "张评审、李评审、王评审", "hide_experts": False, "attachment_ids": [report(agency_user).pk],
            **RESULT.clean_lines({CANDIDATES.prefix: rows})}
    result = engine.submit(RESULT.save_doc(agency_user, None, data, None), agency_user)
    result = services.result_confirm(actor=reviewer, result=result, opinion="同意评审结果，确定排名第一的成交候选人")
    result = engine.advance(result, agency_user, "issue_notice")
    engine.advance(result, agency_user, "publish")
    return 1
