"""The scope matrix's world: one row of every document type that has URLs, all belonging to one unit (本单位),
and one user of every role in every unit that stands in a relation to it.

Built through the services (the way users make rows) wherever a service exists. The relation units:

    competent        主管单位 above 本单位 (本单位 became its subordinate through a confirmed 隶属关系)
    own              本单位 (a competent unit itself, with a subordinate below)
    subordinate      下级单位 of 本单位
    same_region      another purchaser of 本单位's region
    regulator        the regulator of 本单位's region (福州)
    sibling_regulator a regulator of a neighbouring region of the same province (厦门)
    other_regulator  a regulator of another province (江西)
    other_region     a purchaser of another province (南昌)
"""

import io
from decimal import Decimal
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile

from orgs.models import Role

HOME = "350100"        # 福州: 本单位's region
MOVED_TO = "350200"    # 厦门: where the registration moves it
YEAR = 2026
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
ROLES = [r.value for r in Role]


def _approved_project(w, name, funds, *, used=False, filed=False):
    from projects import services
    from projects.models import Project
    from workflow import engine

    project = _draft_project(w, name, funds)
    engine.submit(project, w.clerk)
    engine.approve(Project.objects.get(pk=project.pk), w.reviewer, opinion="同意")
    project = Project.objects.get(pk=project.pk)
    if used or filed:
        services.project_mark_used(project=project, by=f"plans.plan:{project.pk}")
    if filed:
        services.project_mark_contract_filed(project=project)
    return Project.objects.get(pk=project.pk)


def _line(total):
    from core.models import Category

    return {"category": Category.objects.get(code="A02010104").pk, "item_name": "台式计算机", "quantity": "1",
            "measure_unit": "批", "unit_price": str(total)}


def _draft_project(w, name, funds):
    from core.models import Category
    from projects import services

    total = sum((Decimal(a) for a in funds.values()), Decimal("0"))
    return services.project_save(
        actor=w.clerk,
        data={"name": name, "fiscal_year": YEAR, "implementation_form": "general", "procurement_kind": "goods",
              "summary": "矩阵测试采购", "contact_name": "张三", "contact_phone": "0591-88888888",
              "is_gov_procurement": False, "cumulative_reason": ""},
        content_lines=[{"category": Category.objects.get(code="A02010104"), "item_name": "台式计算机",
                        "quantity": "1", "measure_unit": "批", "unit_price": str(total)}],
        fund_lines=[{"indicator": ind, "amount": Decimal(a)} for ind, a in funds.items()])


def _send_platform_message(w, client_id, secret):
    """An indicator message for 本单位 through the signed HTTP endpoint, as the platform sends it."""
    from integration.models import InboundMessage
    from integration.tests.support import new_record, post_signed

    rec = new_record(w.own, bgt_id="MX-PLATFORM-0001", amount="90000.00", div=HOME, year=YEAR,
                     PRO_CODE="MXPLAT0001", PRO_NAME="矩阵平台指标", COR_BGT_DOC_NO="榕财教指〔2026〕1号")
    resp = post_signed("indicator", rec, message_id="MX-MSG-000001", client_id=client_id, secret=secret)
    assert resp.status_code == 200, resp.content
    return InboundMessage.objects.get(message_id="MX-MSG-000001")


def build(media_root) -> SimpleNamespace:
    from attachments import services as attachment_services
    from budgets.tests.factories import IndicatorFactory
    from core.data.categories import ensure_seeded
    from core.reference import ensure_reference_data
    from integration.models import PlatformClient
    from integration.params import ensure as ensure_integration_params
    from integration.tests.support import on_platform
    from orgs.models import Region, Unit
    from orgs.testing import make_unit, make_user
    from portal import services as portal_services
    from projects import request_kinds as rq
    from projects.models import ProjectRequest
    from projects.tests.support import upload
    from registry import services as org_services
    from workflow import engine

    ensure_reference_data()  # a transactional test's flush removes what the migrations seeded
    ensure_seeded()
    ensure_integration_params()
    w = SimpleNamespace(media_root=media_root)

    # ---- units ------------------------------------------------------------------------------------------
    w.competent = make_unit("矩阵主管局", region_code=HOME, is_competent=True, budget_code="350100901")
    w.own = make_unit("矩阵本单位", region_code=HOME, is_competent=True, budget_code="350100902")
    w.subordinate = make_unit("矩阵下级单位", region_code=HOME, competent=w.own, budget_code="350100903")
    w.same_region = make_unit("矩阵同区单位", region_code=HOME, budget_code="350100904")
    w.regulator = make_unit("矩阵福州监管处", region_code=HOME, kind=Unit.KIND_REGULATOR)
    w.sibling_regulator = make_unit("矩阵厦门监管处", region_code=MOVED_TO, kind=Unit.KIND_REGULATOR)
    w.other_regulator = make_unit("矩阵江西监管处", region_code="360000", kind=Unit.KIND_REGULATOR)
    w.other_region = make_unit("矩阵南昌单位", region_code="360100", budget_code="360100905")
    w.relations = {name: getattr(w, name) for name in (
        "own", "competent", "subordinate", "same_region", "regulator", "sibling_regulator", "other_regulator",
        "other_region")}
    # one user of each role in each relation unit: m_<relation>_<role>
    w.users = {rel: {role: make_user(f"m_{rel}_{role}", unit, role) for role in ROLES}
               for rel, unit in w.relations.items()}
    w.clerk, w.reviewer = w.users["own"]["clerk"], w.users["own"]["reviewer"]
    w.leader, w.reg_user = w.users["own"]["leader"], w.users["regulator"]["regulator"]
    for u in (w.competent, w.own, w.subordinate, w.same_region, w.other_region):
        on_platform(u, YEAR)

    # ---- 隶属关系: 本单位 asks, the 主管单位 confirms (approved, so 解除 is an available action) -----------------
    w.subordination = org_services.subordination_request(actor=w.clerk, competent_unit=w.competent, note="矩阵")
    engine.approve(w.subordination, w.users["competent"]["competent"], opinion="确认")
    w.subordination.refresh_from_db()
    w.own.refresh_from_db()
    assert w.own.competent_id == w.competent.pk

    # ---- 用户库基本信息: pending at the regulator; its approval is what moves 本单位 to 厦门 ------------------
    data = org_services.registration_prefill(w.own)
    data.update(region=Region.objects.get(code=MOVED_TO), address="厦门市思明区矩阵路1号", legal_representative="王五",
                contact_name="赵六", contact_phone="0592-83331234")
    w.registration = engine.submit(org_services.registration_save(actor=w.clerk, data=data), w.clerk)

    # ---- indicators: one from the platform through the signed endpoint (its inbound message too), one
    # virtual budget by the regulator, plain ones for the projects -----------------------------------------
    client = PlatformClient.objects.create(client_id="mx-platform", name="矩阵一体化平台", secret="mx-secret-0123456789")
    w.message = _send_platform_message(w, client.client_id, client.secret)
    from budgets.models import BudgetIndicator
    from budgets.services import virtual_budget_create

    w.indicator = BudgetIndicator.objects.get(bgt_id="MX-PLATFORM-0001")
    assert w.indicator.unit_id == w.own.pk, "the platform indicator was not linked to 本单位"
    w.virtual = virtual_budget_create(actor=w.reg_user, data={
        "unit": w.own.pk, "scenario": _first_scenario(), "fiscal_year": YEAR, "pro_name": "矩阵虚拟预算",
        "amount": "50000.00", "fund_type_code": _first_fund_type(), "is_gov_pur": True})
    ind_a = IndicatorFactory(unit=w.own, amount="2000000", pro_name="矩阵公用经费", fiscal_year=YEAR)
    ind_b = IndicatorFactory(unit=w.own, amount="500000", pro_name="矩阵专项经费", fiscal_year=YEAR)

    # ---- projects in each state ---------------------------------------------------------------------------
    w.project_draft = _draft_project(w, "矩阵草稿项目", {ind_a: "1000"})
    w.project_pending = engine.submit(_draft_project(w, "矩阵审核中项目", {ind_a: "2000"}), w.clerk)
    w.project = _approved_project(w, "矩阵已办结项目", {ind_a: "3000"})
    # ---- one request of each kind, each on its own project (one open request per project) ---------------
    w.requests = {}
    kinds = [
        (ProjectRequest.KIND_REVOKE, {}, {}),
        (ProjectRequest.KIND_CHANGE, {"used": False}, {"proposed": {"name": "矩阵变更后名称"}}),
        (ProjectRequest.KIND_FUND_ADD, {"used": True}, {"budget_office": "教科文处",
                                                        "moves": [{"indicator": ind_b.pk, "amount": "100"}]}),
        (ProjectRequest.KIND_FUND_RECLAIM, {"used": True}, {"moves": [{"indicator": ind_a.pk, "amount": "100"}]}),
        (ProjectRequest.KIND_FUND_REPLACE, {"used": True},
         {"moves": [{"from_indicator": ind_a.pk, "indicator": ind_b.pk, "amount": "100"}]}),
        (ProjectRequest.KIND_CLOSE, {"filed": True}, {}),
    ]
    for kind, state, extra in kinds:
        p = _approved_project(w, f"矩阵{dict(ProjectRequest.KINDS)[kind]}项目", {ind_a: "1000"}, **state)
        if kind in (ProjectRequest.KIND_FUND_ADD, ProjectRequest.KIND_FUND_RECLAIM):
            # the 采购内容清单 follows the money in the same request
            new_total = Decimal("1000") + (100 if kind == ProjectRequest.KIND_FUND_ADD else -100)
            extra = {**extra, "proposed": {"content_lines": [_line(new_total)]}}
        if kind in rq.REQUIRED_ATTACHMENTS:  # 撤销说明 / 结项 attachment
            extra = {**extra, "attachment_ids": [upload(w.clerk, rq.REQUIRED_ATTACHMENTS[kind]).pk]}
        req = rq.request_create(actor=w.clerk, project=p, kind=kind, reason="矩阵测试原因", **extra)
        if kind in (ProjectRequest.KIND_REVOKE, ProjectRequest.KIND_FUND_RECLAIM):
            req = engine.submit(req, w.clerk)  # a pending one too, so 审核 actions meet a live row
        w.requests[kind] = ProjectRequest.objects.get(pk=req.pk)

    # ---- 附件 of the approved project ---------------------------------------------------------------------
    w.attachment = attachment_services.attachment_upload(
        actor=w.clerk, file=SimpleUploadedFile("矩阵附件.pdf", PDF, content_type="application/pdf"),
        purpose="", target=w.project)

    # ---- 通知公告 of 本单位's region, and a rule parameter edition of it -----------------------------------
    w.bulletin = portal_services.bulletin_publish(actor=w.reg_user, title="矩阵通知公告", body="矩阵测试内容")
    w.parameter = _parameter(w)
    # ---- 指标管理处室 of 本单位's region, kept by its regulator ------------------------------------------------
    from budgets.services import budget_office_add

    w.office = budget_office_add(actor=w.reg_user, name="矩阵指标管理处室")
    w.job = _export_job(w)
    w.kit_rows = _kit_rows(w)
    # 统招分签: 本单位's invitation on an approved joint project (its window open)
    w.joint_invitation = w.kit_rows[("joint", "joint_approved")][0].responses.get(unit=w.own)
    w.intention_published = _published_intention(w)
    w.award_published = _published_award(w)
    w.plan_awaiting, w.procurement = _plans_in_execution(w)
    w.challenge, w.complaint = _challenge_and_complaint(w)
    w.announcement_published = _published_announcement(w)
    return w


def _published_announcement(w):
    """采购公告 of 本单位's self-organised procurement, confirmed and published: open for 报名, on the public page."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from attachments import services as attachment_services
    from trading.models import Announcement
    from workflow import engine
    from workflow.kit import testing

    draft = testing.build("announcements", w.clerk)
    att = attachment_services.attachment_upload(
        actor=w.clerk, file=SimpleUploadedFile("询价通知书.pdf", b"%PDF-1.4\n%%EOF\n"), purpose="采购文件")
    w.announcement_file = attachment_services.attachment_link(actor=w.clerk, attachment=att, target=draft)
    doc = engine.approve(engine.submit(draft, w.clerk), w.reviewer, opinion="确认")
    engine.advance(doc, w.clerk, "publish")
    return Announcement.objects.get(pk=doc.pk)


def _plans_in_execution(w):
    """Two filed 分散采购自行组织 plans of 本单位: one waiting for 受理, one taken up (采购项目执行)."""
    from plans.demo import example_plan
    from trading import services as trading_services
    from workflow import engine

    filed = []
    for _ in range(2):
        plan = engine.submit(example_plan(w.clerk), w.clerk)
        while plan.status == "pending":
            plan = engine.approve(plan, w.reviewer if plan.current_node == "reviewer" else w.users["competent"][
                "competent"] if plan.current_node == "competent" else w.reg_user, opinion="同意")
        filed.append(type(plan).objects.get(pk=plan.pk))
    return filed[0], trading_services.procurement_accept(actor=w.clerk, plan=filed[1])


def _challenge_and_complaint(w):
    """质疑 by a supplier registered for 本单位's (self-organised) procurement, answered by 本单位's clerk, and the
    投诉 on it (with the 福州 regulator): rows of 本单位 for the oracle (their `unit` is the purchaser)."""
    from django.utils import timezone

    from challenges import services as challenge_services
    from orgs.models import Unit
    from orgs.testing import make_unit, make_user
    from trading import services as trading_services

    supplier = make_user("m_challenger", make_unit("矩阵质疑供应商", region_code=HOME, kind=Unit.KIND_SUPPLIER),
                         Role.SUPPLIER)
    proc = trading_services.procurement_announced(actor=w.clerk, procurement=w.procurement)
    trading_services.registration_create(actor=supplier, procurement=proc, contact_name="钱七",
                                         contact_phone="13800000001")
    challenge = challenge_services.challenge_create(actor=supplier, procurement=proc, subject="documents",
                                                    known_on=timezone.localdate(), claims="矩阵质疑请求",
                                                    facts="矩阵事实")
    challenge_services.challenge_answer(actor=w.clerk, challenge=challenge, answer="矩阵答复", no_secrets=True)
    complaint = challenge_services.complaint_create(actor=supplier, challenge=challenge, claims="矩阵投诉请求",
                                                    facts="矩阵事实")
    return type(challenge).objects.get(pk=challenge.pk), complaint


def _published_intention(w):
    """采购意向公开 published (发布): its public page answers everyone, signed in or not."""
    from intentions.models import Intention
    from workflow import engine
    from workflow.kit import testing

    doc = engine.approve(testing.build("intentions", w.clerk, "pending"), w.reviewer, opinion="同意")
    engine.advance(doc, w.clerk, "publish")
    return Intention.objects.get(pk=doc.pk)


def _published_award(w):
    """评审结果 confirmed, its 通知书 issued and its 结果公告 published: its public page answers everyone."""
    from awards import services as award_services
    from awards.models import Result
    from workflow import engine
    from workflow.kit import testing

    doc = award_services.result_confirm(actor=w.reviewer, result=testing.build("awards", w.clerk, "pending"))
    doc = engine.advance(doc, w.clerk, "issue_notice")
    engine.advance(doc, w.clerk, "publish")
    return Result.objects.get(pk=doc.pk)


def _export_job(w):
    """后台任务: 本单位's clerk exports 指标预算查询 in the background (the threshold set to 0), the worker's code
    runs it, so the job is 已完成 with its file in the storage."""
    from django.test import override_settings

    from core import jobs
    from core.models import JobProgress
    from core.testing import client_for

    with override_settings(EXPORT_SYNC_MAX_ROWS=0):
        resp = client_for(w.clerk).get("/budgets/indicators/?export=xlsx")
    assert resp.status_code == 302, resp.status_code
    jobs.run_ready()
    job = JobProgress.objects.get(owner=w.clerk)
    assert job.state == JobProgress.DONE and job.result_name, (job.state, job.message)
    return job


def _first_scenario():
    from budgets.selectors import VIRTUAL_SCENARIO_LABELS

    return next(iter(VIRTUAL_SCENARIO_LABELS))


def _first_fund_type():
    from budgets.selectors import FUND_TYPES

    return next(iter(dict(FUND_TYPES)))


def _parameter(w):
    """A 福州 edition of a rule parameter, added by the regulator through the service (None if refused)."""
    from access import rights
    from core import services as core_services
    from core.errors import BusinessError
    from core.models import RuleParameter

    base = RuleParameter.objects.filter(region_code="").order_by("name", "effective_from").first()
    if base is None:
        return None
    data = {"name": base.name, "region_code": HOME, "level": base.level, "effective_from": f"{YEAR}-07-01",
            "value": base.value, "label": base.label, "kind": base.kind, "unit": base.unit, "note": "矩阵"}
    try:
        return core_services.parameter_add(actor=w.reg_user, data=data,
                                           allowed=rights.may_set_parameters(w.reg_user, HOME))
    except BusinessError:  # FieldErrors / NotAllowed: the world is still whole without it
        return None


def xlsx_text(content: bytes) -> str:
    """All the text of an .xlsx (every XML part), for looking for a row's identifying text in an export."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        return "".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist() if n.endswith(".xml"))


def _kit_rows(w) -> dict:
    """Rows of every document type declared on the kit, in the own unit: {(namespace, row set): [rows]}."""
    from workflow.kit import testing
    from workflow.kit.documents import DOCUMENT_TYPES

    out = {}
    for ns, dt in DOCUMENT_TYPES.items():
        draft, pending = testing.build(dt, w.clerk), testing.build(dt, w.clerk, "pending")
        approved = testing.build(dt, w.clerk, "approved")
        out.update({(ns, f"{ns}_draft"): [draft], (ns, f"{ns}_pending"): [pending],
                    (ns, f"{ns}_approved"): [approved], (ns, f"{ns}_any"): [draft, pending, approved]})
        if dt.requests is not None:
            req_draft = testing.build_request(dt, w.clerk, testing.build(dt, w.clerk, "approved"))
            req_pending = testing.build_request(dt, w.clerk, testing.build(dt, w.clerk, "approved"), "pending")
            out.update({(ns, f"{ns}_request_draft"): [req_draft], (ns, f"{ns}_request_pending"): [req_pending],
                        (ns, f"{ns}_request_any"): [req_draft, req_pending]})
    return out
