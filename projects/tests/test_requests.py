"""Requests on an approved project (projects.requests): every rule's allowed path and its refusal, the money
they move through the ledger, and 实施形式变更."""

from decimal import Decimal

import pytest

from audit import services as audit
from audit.models import AuditLog
from budgets import ledger
from budgets.models import LedgerEntry
from core.errors import BusinessError, FieldErrors, NotAllowed
from core.testing import postgres_only, race
from orgs.models import Role
from orgs.testing import make_user
from projects import request_kinds as rq
from projects import services
from projects.models import ContentLine, FundLine, Project, ProjectRequest
from workflow import engine
from workflow.models import Status

from .support import upload
from .test_request_support import (
    D,
    approved_project,
    category,
    indicator,
    leader,
    mark_contract_filed,
    mark_used,
    unmark_used,
)

pytestmark = pytest.mark.django_db

REVOKE, CHANGE, CLOSE = ProjectRequest.KIND_REVOKE, ProjectRequest.KIND_CHANGE, ProjectRequest.KIND_CLOSE
ADD, RECLAIM, REPLACE = ProjectRequest.KIND_FUND_ADD, ProjectRequest.KIND_FUND_RECLAIM, ProjectRequest.KIND_FUND_REPLACE


@pytest.fixture
def env(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    w = world
    w.leader = leader(w.dept)
    w.ind1 = indicator(w.dept, "500000", name="办公设备购置")
    w.ind2 = indicator(w.dept, "300000", name="信息化建设")
    w.ind3 = indicator(w.dept, "100000", name="专项经费")
    w.project = approved_project(w.dept_clerk, {w.ind1: "200000", w.ind2: "100000"}, name="教育厅办公设备采购")
    return w


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def held(doc):
    return ledger.held(ledger.holder_key(doc))


def active_lines(project):
    return {ln.indicator_id: ln.amount for ln in FundLine.objects.filter(project=project, is_active=True)}


def assert_lines_match_ledger(project):
    """Invariant: the active fund lines are exactly what the project holds in the ledger."""
    assert active_lines(project) == held(project)
    for ind_id in {ln.indicator_id for ln in FundLine.objects.filter(project=project)}:
        ind = fresh(FundLine.objects.filter(indicator_id=ind_id).first().indicator)
        assert ind.reserved == ledger.ledger_reserved(ind.pk)


def create(w, kind, project=None, actor=None, **kw):
    kw.setdefault("reason", f"{dict(ProjectRequest.KINDS)[kind]}原因")
    if kind in (ADD, RECLAIM) and "proposed" not in kw:
        # the 采购内容清单 follows the money in the same request: one line of the new 项目金额
        p = fresh(project or w.project)
        moved = sum((D(str(m["amount"])) for m in kw.get("moves") or [] if str(m["amount"]).strip()), D("0"))
        new_total = p.total_amount + (moved if kind == ADD else -moved)
        kw["proposed"] = {"content_lines": lines(("台式计算机", "1", str(new_total)))}
    if kind in rq.REQUIRED_ATTACHMENTS and "attachment_ids" not in kw:
        kw["attachment_ids"] = [upload(actor or w.dept_clerk, rq.REQUIRED_ATTACHMENTS[kind]).pk]
    return rq.request_create(actor=actor or w.dept_clerk, project=project or w.project, kind=kind, **kw)


def through(w, req):
    """提交 by the clerk, 审核通过 by the leader."""
    engine.submit(fresh(req), w.dept_clerk)
    return engine.approve(fresh(req), w.leader, opinion="同意")


# ---- who may ask, and on what ---------------------------------------------------------------------------


def test_request_is_a_numbered_draft_of_the_project_unit(env):
    req = create(env, REVOKE)
    assert req.status == Status.DRAFT and req.unit_id == env.dept.pk and req.created_by == env.dept_clerk
    assert req.number.endswith("-350000-2026-000001") or "-350000-" in req.number
    assert [r.action for r in engine.timeline(req)] == ["save"]
    assert AuditLog.objects.filter(object_key=audit.object_key(req), action="project_request.save").exists()


@pytest.mark.parametrize("who", ["dept_reviewer", "sub1_clerk", "fz_clerk", "dept_competent"])
def test_only_the_project_units_clerk_may_ask(env, who):
    with pytest.raises(NotAllowed):
        create(env, REVOKE, actor=getattr(env, who))
    assert not ProjectRequest.objects.exists()


def test_an_unapproved_project_takes_no_request(env):
    Project.objects.filter(pk=env.project.pk).update(status=Status.PENDING)
    with pytest.raises(BusinessError, match="已审核通过"):
        create(env, REVOKE, project=fresh(env.project))


def test_reason_is_required(env):
    with pytest.raises(FieldErrors) as exc:
        create(env, REVOKE, reason="  ")
    assert exc.value.errors == {"reason": "请填写撤销原因。"}


def test_one_open_request_per_project(env):
    first = create(env, REVOKE)
    with pytest.raises(BusinessError, match=f"已有未办结的撤销申请（{first.number}）"):
        create(env, CHANGE, proposed={"name": "新名称"})
    engine.submit(first, env.dept_clerk)
    with pytest.raises(BusinessError, match="未办结"):
        create(env, REVOKE)
    # withdrawn (撤回) it no longer blocks; but it cannot be submitted again while another is open
    engine.withdraw(fresh(first), env.dept_clerk)
    second = create(env, CHANGE, proposed={"name": "新名称"})
    with pytest.raises(BusinessError, match="未办结的变更申请"):
        engine.submit(fresh(first), env.dept_clerk)
    assert fresh(first).status == Status.WITHDRAWN
    # a draft given up (放弃) frees the project as well
    engine.discard(second, env.dept_clerk)
    assert fresh(second).status == Status.WITHDRAWN
    engine.submit(fresh(first), env.dept_clerk)
    assert fresh(first).status == Status.PENDING


def test_allowed_requests_follow_the_projects_state(env):
    p, clerk = env.project, env.dept_clerk
    assert rq.allowed_requests(clerk, p) == [REVOKE, CHANGE]
    assert rq.allowed_requests(env.dept_reviewer, p) == []
    assert rq.allowed_requests(env.leader, p) == []
    assert rq.allowed_requests(env.fz_clerk, p) == []
    mark_used(p)
    assert rq.allowed_requests(clerk, p) == [REPLACE, ADD, RECLAIM]
    mark_contract_filed(p)
    assert rq.allowed_requests(clerk, p) == [REPLACE, ADD, RECLAIM, CLOSE]
    req = create(env, CLOSE, project=p)
    assert rq.allowed_requests(clerk, p) == []  # one open request at a time
    through(env, req)
    assert rq.allowed_requests(clerk, fresh(p)) == []


# ---- 撤销 ---------------------------------------------------------------------------------------------------


def test_revoke_of_a_used_project_is_refused(env):
    mark_used(env.project)
    with pytest.raises(BusinessError, match="项目已被使用，不能撤销"):
        create(env, REVOKE)
    assert not ProjectRequest.objects.exists()


def test_withdrawing_a_pending_revoke_releases_nothing(env):
    req = create(env, REVOKE)
    engine.submit(req, env.dept_clerk)
    assert "withdraw" in engine.available_actions(env.dept_clerk, fresh(req))
    rows = LedgerEntry.objects.count()
    engine.withdraw(fresh(req), env.dept_clerk)
    p = fresh(env.project)
    assert fresh(req).status == Status.WITHDRAWN
    assert LedgerEntry.objects.count() == rows
    assert p.status == Status.APPROVED and p.revoked_at is None
    assert held(p) == {env.ind1.pk: D("200000.00"), env.ind2.pk: D("100000.00")}
    assert fresh(env.ind1).reserved == D("200000.00")


def test_approved_revoke_releases_all_money_and_marks_the_project_revoked(env):
    req = create(env, REVOKE, reason="项目取消")
    engine.submit(req, env.dept_clerk)
    assert fresh(env.project).revoked_at is None  # nothing happens before the leader decides
    engine.approve(fresh(req), env.leader, opinion="同意撤销")
    p = fresh(env.project)
    assert p.revoked_at is not None and p.status == Status.APPROVED and not p.is_live
    assert held(p) == {}
    for ind in (env.ind1, env.ind2):
        ind = fresh(ind)
        assert ind.reserved == D("0") and ind.available == ind.amount
        assert ledger.ledger_reserved(ind.pk) == D("0")
    releases = LedgerEntry.objects.filter(holder=ledger.holder_key(p), kind="release")
    assert sorted(r.amount for r in releases) == [D("-200000.00"), D("-100000.00")]
    assert AuditLog.objects.filter(object_key=audit.object_key(p), action="project.revoke").exists()
    assert [r.action for r in engine.timeline(req)] == ["save", "submit", "approve"]
    with pytest.raises(BusinessError, match="已撤销"):
        create(env, CHANGE, project=p, proposed={"name": "x"})
    assert audit.verify() == []


def test_revoke_is_refused_at_submit_and_at_approval_when_the_project_got_used_meanwhile(env):
    req = create(env, REVOKE)
    mark_used(env.project)
    with pytest.raises(BusinessError, match="已被使用"):
        engine.submit(fresh(req), env.dept_clerk)
    assert fresh(req).status == Status.DRAFT
    unmark_used(env.project)
    engine.submit(fresh(req), env.dept_clerk)
    mark_used(env.project)
    with pytest.raises(BusinessError, match="已被使用"):
        engine.approve(fresh(req), env.leader)
    assert fresh(req).status == Status.PENDING
    assert fresh(env.project).revoked_at is None and held(env.project)


# ---- the 需求领导 node -------------------------------------------------------------------------------------


def test_without_a_leader_the_request_goes_to_the_units_reviewer_decided_at_submit(world, settings, tmp_path):
    """FJ 2.2.2 注①: a unit without a 需求领导 has its 审核岗 decide; the route is fixed when submitted."""
    settings.MEDIA_ROOT = tmp_path / "media"
    ind = indicator(world.dept, "500000")
    project = approved_project(world.dept_clerk, {ind: "100000"})
    w = world
    w.project = project
    req = create(w, REVOKE)
    engine.submit(fresh(req), w.dept_clerk)
    req = fresh(req)
    assert req.current_node == "reviewer"
    assert "approve" in engine.available_actions(w.dept_reviewer, req)
    boss = leader(w.dept)  # a leader appointed meanwhile does not take over this request
    assert "approve" not in engine.available_actions(boss, req)
    with pytest.raises(NotAllowed):
        engine.approve(req, boss)
    engine.approve(fresh(req), w.dept_reviewer, opinion="同意")
    assert fresh(project).revoked_at is not None
    # the next one goes to the leader, and the reviewer may not decide it
    other = approved_project(w.dept_clerk, {ind: "100000"})
    w.project = other
    req2 = create(w, REVOKE)
    engine.submit(fresh(req2), w.dept_clerk)
    req2 = fresh(req2)
    assert req2.current_node == "leader" and "approve" not in engine.available_actions(w.dept_reviewer, req2)
    assert "approve" in engine.available_actions(boss, req2)


def test_a_clerk_who_is_also_leader_cannot_approve_their_own_request(env):
    both = make_user("dept_clerk_leader", env.dept, Role.CLERK, Role.LEADER)
    req = create(env, REVOKE, actor=both)
    engine.submit(req, both)
    assert "approve" not in engine.available_actions(both, fresh(req))
    with pytest.raises(NotAllowed, match="本人提交"):
        engine.approve(fresh(req), both)
    assert fresh(env.project).revoked_at is None
    engine.approve(fresh(req), env.leader)
    assert fresh(env.project).revoked_at is not None


@pytest.mark.parametrize("who", ["dept_reviewer", "other_leader"])
def test_only_a_leader_of_the_project_unit_decides(env, who):
    actor = env.dept_reviewer if who == "dept_reviewer" else leader(env.fz_unit, "fz_leader")
    req = create(env, REVOKE)
    engine.submit(req, env.dept_clerk)
    with pytest.raises(NotAllowed):
        engine.approve(fresh(req), actor)


def test_leader_returns_a_revoke_with_an_opinion(env):
    req = create(env, REVOKE)
    engine.submit(req, env.dept_clerk)
    engine.reject(fresh(req), env.leader, "理由不充分")
    req = fresh(req)
    assert req.status == Status.DRAFT and req.was_returned
    assert fresh(env.project).revoked_at is None
    rq.request_update(actor=env.dept_clerk, request=req, reason="补充说明：项目需求已取消")
    through(env, req)
    assert fresh(env.project).revoked_at is not None


# ---- 变更 ---------------------------------------------------------------------------------------------------


def lines(*rows):
    return [{"category": category().pk, "item_name": n, "quantity": q, "measure_unit": "台", "unit_price": p}
            for n, q, p in rows]


def test_change_of_a_used_project_is_refused(env):
    mark_used(env.project)
    with pytest.raises(BusinessError, match="不能变更"):
        create(env, CHANGE, proposed={"name": "新名称"})


def test_change_shows_and_applies_old_to_new(env):
    proposed = {"name": "教育厅办公设备采购（调整）", "summary": "台式机与笔记本",
                "content_lines": lines(("台式计算机", "40", "5000"), ("便携式计算机", "20", "5000"))}
    req = create(env, CHANGE, proposed=proposed, reason="需求调整")
    diff = rq.change_diff(req)
    name = diff["fields"][0]
    assert (name["old"], name["new"], name["changed"]) == ("教育厅办公设备采购", "教育厅办公设备采购（调整）", True)
    assert diff["old_total"] == D("300000") and diff["new_total"] == D("300000")
    assert [ln.item_name for ln in diff["old_lines"]] == ["台式计算机"]
    assert [ln["item_name"] for ln in diff["new_lines"]] == ["台式计算机", "便携式计算机"]
    old_line = ContentLine.objects.get(project=env.project)
    through(env, req)
    p = fresh(env.project)
    assert p.name == "教育厅办公设备采购（调整）" and p.summary == "台式机与笔记本"
    assert not fresh(old_line).is_active  # kept, superseded
    active = list(p.content_lines.filter(is_active=True).order_by("seq"))
    assert [(ln.item_name, ln.quantity, ln.amount) for ln in active] == [
        ("台式计算机", D("40"), D("200000")), ("便携式计算机", D("20"), D("100000"))]
    assert p.total_amount == D("300000")
    assert held(p) == {env.ind1.pk: D("200000"), env.ind2.pk: D("100000")}  # money untouched
    assert AuditLog.objects.filter(object_key=audit.object_key(p), action="project.change").exists()


def test_change_refusals_are_field_errors(env):
    with pytest.raises(FieldErrors) as exc:
        create(env, CHANGE, proposed={"name": " "})
    assert exc.value.errors["name"] == "请填写项目名称。"
    with pytest.raises(FieldErrors) as exc:
        create(env, CHANGE, proposed={"name": env.project.name})
    assert "相同" in exc.value.errors["reason"]
    with pytest.raises(FieldErrors) as exc:  # content no longer matches the money
        create(env, CHANGE, proposed={"content_lines": lines(("台式计算机", "10", "5000"))})
    assert "不一致" in exc.value.errors["content_lines"]
    with pytest.raises(FieldErrors) as exc:
        create(env, CHANGE, proposed={"content_lines": lines(("台式计算机", "0", "5000"))})
    assert exc.value.errors["content_lines.0.quantity"] == "第1行：数量必须大于0。"
    with pytest.raises(FieldErrors) as exc:
        create(env, CHANGE, proposed={"content_lines": [{**lines(("物业", "1", "300000"))[0],
                                                         "category": category("services").pk}]})
    assert "与项目采购类别（货物）不一致" in exc.value.errors["content_lines.0.category"]
    assert not ProjectRequest.objects.exists()


def test_change_of_fund_lines_reserves_the_increase_on_submit_and_re_reserves_on_approval(env):
    proposed = {"content_lines": lines(("台式计算机", "70", "5000")),
                "fund_lines": [{"indicator": env.ind1.pk, "amount": "250000"},
                               {"indicator": env.ind3.pk, "amount": "100000"}]}
    req = create(env, CHANGE, proposed=proposed)
    engine.submit(req, env.dept_clerk)
    assert held(req) == {env.ind1.pk: D("50000"), env.ind3.pk: D("100000")}
    engine.withdraw(fresh(req), env.dept_clerk)
    assert held(req) == {} and fresh(env.ind3).reserved == D("0")
    through(env, req)
    p = fresh(env.project)
    assert held(req) == {}
    assert held(p) == {env.ind1.pk: D("250000"), env.ind3.pk: D("100000")}
    assert fresh(env.ind2).reserved == D("0") and fresh(env.ind1).reserved == D("250000")
    assert p.total_amount == D("350000")
    assert FundLine.objects.filter(project=p, is_active=False).count() == 2  # both old lines kept, inactive
    assert_lines_match_ledger(p)


def test_change_keeps_the_implementation_forms_rules(env):
    """A 变更 that lifts a 自行采购 project to the 分散采购限额 is refused; one that lifts a general project over it
    makes it 政府采购."""
    big = indicator(env.dept, "3000000")
    own = approved_project(env.dept_clerk, {big: "90000"}, form="self")
    with pytest.raises(FieldErrors) as exc:
        create(env, CHANGE, project=own, proposed={"content_lines": lines(("台式计算机", "200", "5000")),
                                                   "fund_lines": [{"indicator": big.pk, "amount": "1000000"}]})
    assert "自行采购仅适用于未达到分散采购限额的项目" in exc.value.errors["content_lines"]
    general = approved_project(env.dept_clerk, {big: "90000"})
    assert not general.is_gov_procurement
    req = create(env, CHANGE, project=general, proposed={"content_lines": lines(("台式计算机", "240", "5000")),
                                                         "fund_lines": [{"indicator": big.pk, "amount": "1200000"}]})
    assert req.proposed["is_gov_procurement"] is True
    assert {"label": "是否政府采购", "old": "否", "new": "是", "changed": True} in rq.change_diff(req)["fields"]
    through(env, req)
    general = fresh(general)
    assert general.is_gov_procurement and general.total_amount == D("1200000")
    assert_lines_match_ledger(general)


def test_a_pending_request_cannot_be_discarded(env):
    req = create(env, REVOKE)
    engine.submit(req, env.dept_clerk)
    with pytest.raises(BusinessError, match="撤回"):
        engine.discard(fresh(req), env.dept_clerk)
    with pytest.raises(BusinessError):  # the engine checks the state before the actor (the pages: 403 first)
        engine.discard(fresh(req), env.leader)
    assert fresh(req).status == Status.PENDING


def test_change_raising_funds_over_available_is_refused(env):
    other = approved_project(env.dept_clerk, {env.ind3: "90000"})
    assert other.pk
    with pytest.raises(FieldErrors) as exc:
        create(env, CHANGE, proposed={"content_lines": lines(("台式计算机", "80", "5000")),
                                      "fund_lines": [{"indicator": env.ind1.pk, "amount": "200000"},
                                                     {"indicator": env.ind2.pk, "amount": "100000"},
                                                     {"indicator": env.ind3.pk, "amount": "100000"}]})
    assert "可用金额 10,000.00 元" in exc.value.errors["fund_lines.2.amount"]


# ---- 资金追加 / 回收 / 替换 -----------------------------------------------------------------------------------


def test_fund_operations_on_an_unused_project_are_refused(env):
    for kind in (ADD, RECLAIM, REPLACE):
        with pytest.raises(BusinessError, match="尚未被使用"):
            create(env, kind, budget_office="预算处", moves=[{"indicator": env.ind3.pk, "amount": "1"}])


@pytest.mark.parametrize("kind", [ADD, RECLAIM, REPLACE])
def test_fund_operations_after_closing_are_refused(env, kind):
    mark_contract_filed(mark_used(env.project))
    through(env, create(env, CLOSE, reason="合同履行完毕"))
    p = fresh(env.project)
    assert p.closed_at is not None
    with pytest.raises(BusinessError) as exc:
        create(env, kind, project=p, budget_office="预算处",
               moves=[{"from_indicator": env.ind1.pk, "indicator": env.ind3.pk, "amount": "1000"}])
    assert exc.value.message == "项目已结项，不能进行资金操作。"


@pytest.mark.parametrize("kind", [REVOKE, CLOSE])
def test_revoke_and_close_need_their_attachment(env, kind):
    mark_used(env.project) if kind == CLOSE else None
    mark_contract_filed(env.project) if kind == CLOSE else None
    purpose = rq.REQUIRED_ATTACHMENTS[kind]
    assert purpose == {REVOKE: "项目撤销说明附件", CLOSE: "项目结项附件"}[kind]
    with pytest.raises(FieldErrors) as exc:
        create(env, kind, project=fresh(env.project), attachment_ids=[])
    assert exc.value.errors["attachments"] == f"{dict(ProjectRequest.KINDS)[kind]}申请须上传{purpose}。"
    other = upload(env.dept_clerk, "项目相关附件")
    with pytest.raises(FieldErrors) as exc:  # an upload for another purpose does not count
        create(env, kind, project=fresh(env.project), attachment_ids=[other.pk])
    assert "不是" in exc.value.errors["attachments"]
    assert not ProjectRequest.objects.exists()
    req = create(env, kind, project=fresh(env.project))
    assert rq.request_attachments(req, purpose).count() == 1
    # the attachment removed while editing: saving and submitting are refused again
    from attachments.services import attachment_delete

    attachment_delete(actor=env.dept_clerk, attachment=rq.request_attachments(req, purpose).get())
    with pytest.raises(FieldErrors) as exc:
        engine.submit(fresh(req), env.dept_clerk)
    assert purpose in exc.value.errors["attachments"]
    assert fresh(req).status == Status.DRAFT
    with pytest.raises(FieldErrors):
        rq.request_update(actor=env.dept_clerk, request=fresh(req), reason="再次保存")
    rq.request_update(actor=env.dept_clerk, request=fresh(req), reason="再次保存",
                      attachment_ids=[upload(env.dept_clerk, purpose).pk])
    through(env, req)
    assert fresh(req).status == Status.APPROVED


def test_close_before_the_contract_is_filed_is_refused(env):
    mark_used(env.project)
    with pytest.raises(BusinessError, match="合同尚未备案，不能结项"):
        create(env, CLOSE)
    mark_contract_filed(env.project)
    req = create(env, CLOSE, project=fresh(env.project))
    through(env, req)
    assert fresh(env.project).closed_at is not None
    with pytest.raises(BusinessError, match="不能重复结项"):
        create(env, CLOSE, project=fresh(env.project))


def test_fund_add_needs_the_budget_office_and_a_line(env):
    mark_used(env.project)
    with pytest.raises(FieldErrors) as exc:
        create(env, ADD, moves=[{"indicator": env.ind3.pk, "amount": "50000"}])
    assert exc.value.errors == {"budget_office": "资金追加须选择指标管理处室。"}
    with pytest.raises(FieldErrors) as exc:
        create(env, ADD, budget_office="预算处", moves=[{"indicator": "", "amount": ""}])
    assert exc.value.errors == {"moves": "请至少填写一行资金明细。"}
    with pytest.raises(FieldErrors) as exc:
        create(env, ADD, budget_office="预算处", moves=[{"indicator": env.ind3.pk, "amount": "0"}])
    assert exc.value.errors == {"moves.0": "第1行：金额必须大于0。"}
    assert not ProjectRequest.objects.exists()


def test_fund_add_takes_only_usable_indicators_of_the_unit(env):
    mark_used(env.project)
    foreign = indicator(env.fz_unit, "100000")
    dead = indicator(env.dept, "100000", is_valid=False)
    frozen = indicator(env.dept, "100000", is_executable=False)
    for ind in (foreign, dead, frozen):
        with pytest.raises(FieldErrors) as exc:
            create(env, ADD, budget_office="预算处", moves=[{"indicator": ind.pk, "amount": "100"}])
        assert "已失效、不可执行或不属于本单位" in exc.value.errors["moves.0"]
    last_year = indicator(env.dept, "100000", year=2025)
    with pytest.raises(FieldErrors) as exc:
        create(env, ADD, budget_office="预算处", moves=[{"indicator": last_year.pk, "amount": "100"}])
    assert "属于2025年度，与项目预算年度（2026）不一致" in exc.value.errors["moves.0"]


def test_fund_add_over_available_is_refused_at_submit(env):
    mark_used(env.project)
    req = create(env, ADD, budget_office="教科文处", moves=[{"indicator": env.ind3.pk, "amount": "80000"}])
    approved_project(env.dept_clerk, {env.ind3: "50000"})  # someone else takes part of it meanwhile
    rows = LedgerEntry.objects.count()
    with pytest.raises(BusinessError, match="可用金额 50,000.00 元，不足本次使用的 80,000.00 元"):
        engine.submit(fresh(req), env.dept_clerk)
    assert fresh(req).status == Status.DRAFT and LedgerEntry.objects.count() == rows and held(req) == {}


def test_fund_add_through_the_leader_reserves_then_moves_to_the_project(env):
    mark_used(env.project)
    req = create(env, ADD, budget_office="教科文处", reason="追加采购数量",
                 moves=[{"indicator": env.ind3.pk, "amount": "60000"}, {"indicator": env.ind1.pk, "amount": "40000"}])
    assert req.budget_office == "教科文处" and req.fund_moves.count() == 2
    engine.submit(req, env.dept_clerk)
    assert held(req) == {env.ind3.pk: D("60000"), env.ind1.pk: D("40000")}
    assert fresh(env.ind3).available == D("40000")  # reserved while the leader decides
    assert held(env.project) == {env.ind1.pk: D("200000"), env.ind2.pk: D("100000")}
    engine.approve(fresh(req), env.leader, opinion="同意追加")
    p = fresh(env.project)
    assert held(req) == {}
    assert held(p) == {env.ind1.pk: D("240000"), env.ind2.pk: D("100000"), env.ind3.pk: D("60000")}
    assert fresh(env.ind3).reserved == D("60000") and fresh(env.ind1).reserved == D("240000")
    assert p.total_amount == D("400000")
    assert FundLine.objects.filter(project=p, indicator=env.ind1, is_active=False, amount=D("200000")).exists()
    assert_lines_match_ledger(p)
    assert AuditLog.objects.filter(object_key=audit.object_key(p), action="project.fund_add").exists()


def test_fund_add_returned_by_the_leader_releases_its_reservation(env):
    mark_used(env.project)
    req = create(env, ADD, budget_office="教科文处", moves=[{"indicator": env.ind3.pk, "amount": "60000"}])
    engine.submit(req, env.dept_clerk)
    engine.reject(fresh(req), env.leader, "请核实金额")
    assert held(req) == {} and fresh(env.ind3).reserved == D("0")
    assert held(env.project) == {env.ind1.pk: D("200000"), env.ind2.pk: D("100000")}


def test_reclaim_more_than_held_is_refused(env):
    mark_used(env.project)
    with pytest.raises(FieldErrors) as exc:
        create(env, RECLAIM, moves=[{"indicator": env.ind2.pk, "amount": "100000.01"}])
    assert exc.value.errors["moves.0"] == "第1行：回收金额不能超过项目在该指标上的占用金额 100,000.00 元。"
    with pytest.raises(FieldErrors) as exc:
        create(env, RECLAIM, moves=[{"indicator": env.ind3.pk, "amount": "1"}])
    assert exc.value.errors["moves.0"] == "第1行：请选择本项目占用的指标。"


def test_reclaim_through_the_leader_gives_the_money_back(env):
    mark_used(env.project)
    req = create(env, RECLAIM, moves=[{"indicator": env.ind1.pk, "amount": "50000"},
                                      {"indicator": env.ind2.pk, "amount": "100000"}])
    engine.submit(req, env.dept_clerk)
    assert held(req) == {} and fresh(env.ind1).reserved == D("200000")  # nothing moves before approval
    engine.approve(fresh(req), env.leader)
    p = fresh(env.project)
    assert held(p) == {env.ind1.pk: D("150000")}
    assert fresh(env.ind1).reserved == D("150000") and fresh(env.ind2).reserved == D("0")
    assert p.total_amount == D("150000")
    assert not FundLine.objects.filter(project=p, indicator=env.ind2, is_active=True).exists()
    assert FundLine.objects.filter(project=p, indicator=env.ind2).count() == 1  # kept, inactive
    assert_lines_match_ledger(p)


def test_reclaim_is_checked_again_at_approval(env):
    mark_used(env.project)
    req = create(env, RECLAIM, moves=[{"indicator": env.ind2.pk, "amount": "80000"}])
    engine.submit(req, env.dept_clerk)
    with transaction_atomic():  # the project's holding shrinks by other means meanwhile
        ledger.release(actor=env.dept_clerk, holder=ledger.holder_key(env.project), amounts={env.ind2.pk: D("50000")},
                       reason="测试")
    with pytest.raises(FieldErrors):
        engine.approve(fresh(req), env.leader)
    assert fresh(req).status == Status.PENDING


# ---- 追加 / 回收 re-derive the project (issue 6 item 11) -------------------------------------------------------


def test_fund_add_pushing_a_self_procurement_over_the_limit_is_refused_with_the_reason(env):
    from projects import services

    big = indicator(env.dept, "2000000", name="大额专项")
    p = mark_used(approved_project(env.dept_clerk, {big: "300000"}, form="self", name="自行采购项目"))
    limit = services.decentralized_limit(p.unit, "goods")
    extra = limit - D("300000")  # 项目金额 reaches the 限额 exactly
    with pytest.raises(FieldErrors) as exc:
        create(env, ADD, project=p, budget_office="教科文处", moves=[{"indicator": big.pk, "amount": str(extra)}])
    assert exc.value.errors["moves"] == (f"自行采购仅适用于未达到分散采购限额的项目：项目金额 {limit:,.2f} 元，"
                                         f"货物类分散采购限额 {limit:,.2f} 元。")
    req = create(env, ADD, project=p, budget_office="教科文处", moves=[{"indicator": big.pk, "amount": "100000"}])
    through(env, req)
    p = fresh(p)
    assert p.total_amount == D("400000") and not p.is_gov_procurement


def test_fund_add_over_the_limit_makes_a_general_project_gov_procurement(env):
    from projects import services

    big = indicator(env.dept, "2000000", name="大额专项")
    mark_used(env.project)
    limit = services.decentralized_limit(env.project.unit, "goods")
    req = create(env, ADD, budget_office="教科文处", moves=[{"indicator": big.pk, "amount": str(limit)}])
    through(env, req)
    p = fresh(env.project)
    assert p.is_gov_procurement and p.total_amount == limit + D("300000")
    assert sum(ln.amount for ln in p.content_lines.filter(is_active=True)) == p.total_amount


def test_reclaim_needs_the_content_lines_to_agree_with_the_new_amount(env):
    mark_used(env.project)
    moves = [{"indicator": env.ind2.pk, "amount": "50000"}]
    with pytest.raises(FieldErrors) as exc:  # lines left as they were: 300,000 ≠ 250,000
        create(env, RECLAIM, moves=moves, proposed={"content_lines": lines(("台式计算机", "1", "300000"))})
    assert exc.value.errors["content_lines"] == ("采购内容清单合计 300,000.00 元与资金回收后的项目金额 250,000.00 元不一致，"
                                                 "请在本申请中调整采购内容清单。")
    with pytest.raises(FieldErrors) as exc:  # nothing given at all
        create(env, RECLAIM, moves=moves, proposed={})
    assert "请在本申请中调整采购内容清单" in exc.value.errors["content_lines"]
    req = create(env, RECLAIM, moves=moves,
                 proposed={"content_lines": lines(("台式计算机", "40", "5000"), ("打印机", "10", "5000"))})
    through(env, req)
    p = fresh(env.project)
    active = list(p.content_lines.filter(is_active=True).order_by("seq"))
    assert [ln.item_name for ln in active] == ["台式计算机", "打印机"]
    assert p.total_amount == D("250000") == sum(ln.amount for ln in active) == sum(held(p).values())
    assert ContentLine.objects.filter(project=p, is_active=False).count() == 1  # the old line is kept
    assert_lines_match_ledger(p)


def test_reclaiming_everything_is_a_revoke(env):
    mark_used(env.project)
    with pytest.raises(FieldErrors) as exc:
        create(env, RECLAIM, moves=[{"indicator": env.ind1.pk, "amount": "200000"},
                                    {"indicator": env.ind2.pk, "amount": "100000"}], proposed={"content_lines": []})
    assert exc.value.errors["moves"] == "不能回收项目的全部资金；如项目不再实施，请发起撤销申请。"
    assert not ProjectRequest.objects.exists()


def test_replace_moves_the_reservation_to_another_indicator(env):
    mark_used(env.project)
    with pytest.raises(FieldErrors) as exc:
        create(env, REPLACE, moves=[{"from_indicator": env.ind2.pk, "indicator": env.ind3.pk, "amount": "100000.01"}])
    assert "替换金额不能超过" in exc.value.errors["moves.0"]
    with pytest.raises(FieldErrors) as exc:
        create(env, REPLACE, moves=[{"from_indicator": env.ind2.pk, "indicator": env.ind2.pk, "amount": "10"}])
    assert "不能与原指标相同" in exc.value.errors["moves.0"]
    with pytest.raises(FieldErrors) as exc:
        create(env, REPLACE, moves=[{"from_indicator": env.ind3.pk, "indicator": env.ind1.pk, "amount": "10"}])
    assert "请选择要替换的本项目指标" in exc.value.errors["moves.0"]
    req = create(env, REPLACE, reason="指标调整", moves=[
        {"from_indicator": env.ind2.pk, "indicator": env.ind3.pk, "amount": "70000"}])
    engine.submit(req, env.dept_clerk)
    assert held(req) == {env.ind3.pk: D("70000")}
    assert fresh(env.ind2).reserved == D("100000")
    engine.approve(fresh(req), env.leader)
    p = fresh(env.project)
    assert held(req) == {}
    assert held(p) == {env.ind1.pk: D("200000"), env.ind2.pk: D("30000"), env.ind3.pk: D("70000")}
    assert fresh(env.ind2).reserved == D("30000") and fresh(env.ind3).reserved == D("70000")
    assert p.total_amount == D("300000")
    assert_lines_match_ledger(p)


def test_submit_refuses_a_request_whose_new_indicator_moved_to_another_unit(env):
    """重置预算匹配 between 保存 and 提交: the request reserves nothing on the other unit's indicator."""
    mark_used(env.project)
    req = create(env, REPLACE, moves=[{"from_indicator": env.ind2.pk, "indicator": env.ind3.pk, "amount": "70000"}])
    type(env.ind3).objects.filter(pk=env.ind3.pk).update(unit=env.sub1)
    with pytest.raises(FieldErrors) as exc:
        engine.submit(fresh(req), env.dept_clerk)
    assert exc.value.errors["moves.0"] == f"第1行：指标「专项经费（{env.ind3.bgt_id}）」已失效、不可执行或不属于本单位。"
    assert fresh(req).status == Status.DRAFT and held(req) == {} and fresh(env.ind3).reserved == D("0")


def test_submit_refuses_a_change_whose_fund_line_moved_to_another_unit(env):
    proposed = {"content_lines": lines(("台式计算机", "70", "5000")),
                "fund_lines": [{"indicator": env.ind1.pk, "amount": "250000"},
                               {"indicator": env.ind3.pk, "amount": "100000"}]}
    req = create(env, CHANGE, proposed=proposed)
    type(env.ind3).objects.filter(pk=env.ind3.pk).update(unit=env.sub1)
    with pytest.raises(FieldErrors) as exc:
        engine.submit(fresh(req), env.dept_clerk)
    assert "第2行" in exc.value.errors["fund_lines.1.indicator"]
    assert "专项经费" in exc.value.errors["fund_lines.1.indicator"]
    assert "不属于本单位" in exc.value.errors["fund_lines.1.indicator"]
    assert fresh(req).status == Status.DRAFT and held(req) == {} and fresh(env.ind3).reserved == D("0")


def test_withdrawn_replace_releases_the_new_indicator(env):
    mark_used(env.project)
    req = create(env, REPLACE, moves=[{"from_indicator": env.ind2.pk, "indicator": env.ind3.pk, "amount": "70000"}])
    engine.submit(req, env.dept_clerk)
    engine.withdraw(fresh(req), env.dept_clerk)
    assert held(req) == {} and fresh(env.ind3).reserved == D("0")
    assert held(env.project) == {env.ind1.pk: D("200000"), env.ind2.pk: D("100000")}


def test_update_replaces_the_draft_lines(env):
    mark_used(env.project)
    req = create(env, ADD, budget_office="教科文处", moves=[{"indicator": env.ind3.pk, "amount": "60000"}])
    rq.request_update(actor=env.dept_clerk, request=req, reason="改为小额追加", budget_office="预算处",
                      moves=[{"indicator": env.ind3.pk, "amount": "1000"}],
                      proposed={"content_lines": lines(("台式计算机", "1", "301000"))})
    req = fresh(req)
    assert req.budget_office == "预算处" and [m.amount for m in req.fund_moves.all()] == [D("1000")]
    # the replaced line is kept, inactive: nothing is hard-deleted
    from projects.models import FundMove
    assert [(m.amount, m.is_active) for m in FundMove.all_objects.filter(request=req).order_by("id")] == [
        (D("60000"), False), (D("1000"), True)]
    engine.submit(req, env.dept_clerk)
    with pytest.raises(BusinessError, match="已提交"):
        rq.request_update(actor=env.dept_clerk, request=fresh(req), reason="x", budget_office="预算处",
                          moves=[{"indicator": env.ind3.pk, "amount": "2"}])


def test_every_step_is_audited_and_the_chain_verifies(env):
    mark_used(env.project)
    req = create(env, ADD, budget_office="教科文处", moves=[{"indicator": env.ind3.pk, "amount": "60000"}])
    through(env, req)
    actions = set(AuditLog.objects.filter(object_key=audit.object_key(req)).values_list("action", flat=True))
    assert {"project_request.save", "project_request.submit", "project_request.approve"} <= actions
    assert AuditLog.objects.filter(object_key=audit.object_key(fresh(env.ind3)), action="indicator.reserve").count() == 2
    assert audit.verify() == []


# ---- 实施形式变更 -------------------------------------------------------------------------------------------


def test_form_change_to_self_purchase_at_the_limit_is_refused_with_the_reason(env):
    ind = indicator(env.dept, "2000000")
    project = approved_project(env.dept_clerk, {ind: "1000000"})  # 省级货物 2026: 限额 100万
    logs = AuditLog.objects.count()
    with pytest.raises(FieldErrors) as exc:
        services.implementation_form_change(actor=env.dept_clerk, project=project, form="self")
    assert "implementation_form" in exc.value.errors and "限额" in exc.value.errors["implementation_form"]
    assert fresh(project).implementation_form == "general" and AuditLog.objects.count() == logs


def test_form_change_allowed_is_saved_and_audited(env):
    ind = indicator(env.dept, "2000000")
    project = approved_project(env.dept_clerk, {ind: "80000"})
    services.implementation_form_change(actor=env.dept_clerk, project=project, form="self")
    p = fresh(project)
    assert p.implementation_form == "self"
    log = AuditLog.objects.get(object_key=audit.object_key(p), action="project.implementation_form_change")
    assert log.before == {"implementation_form": "general"} and log.after == {"implementation_form": "self"}


def test_form_change_refusals(env):
    p = env.project
    with pytest.raises(NotAllowed):
        services.implementation_form_change(actor=env.dept_reviewer, project=p, form="self")
    with pytest.raises(NotAllowed):
        services.implementation_form_change(actor=env.fz_clerk, project=p, form="self")
    with pytest.raises(FieldErrors) as exc:
        services.implementation_form_change(actor=env.dept_clerk, project=p, form="general")
    assert exc.value.errors == {"implementation_form": "新的实施形式与原实施形式相同。"}
    with pytest.raises(FieldErrors):
        services.implementation_form_change(actor=env.dept_clerk, project=p, form="joint_response")
    mark_used(p)
    with pytest.raises(BusinessError, match="已被使用"):
        services.implementation_form_change(actor=env.dept_clerk, project=p, form="self")
    assert fresh(p).implementation_form == "general"


# ---- concurrency ---------------------------------------------------------------------------------------


def transaction_atomic():
    from django.db import transaction

    return transaction.atomic()


@pytest.mark.pg
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_on_one_project_leave_one_open(world, settings, tmp_path):
    postgres_only()
    settings.MEDIA_ROOT = tmp_path / "media"
    ind = indicator(world.dept, "100000")
    project = approved_project(world.dept_clerk, {ind: "50000"})
    clerks = [world.dept_clerk] + [make_user(f"dept_clerk_{i}", world.dept, Role.CLERK) for i in range(5)]
    notes = {c.pk: upload(c, rq.REQUIRED_ATTACHMENTS[REVOKE]).pk for c in clerks}
    calls = [lambda c=c: rq.request_create(actor=c, project=project, kind=REVOKE, reason="撤销",
                                           attachment_ids=[notes[c.pk]]) for c in clerks]
    ok, refused = race(calls)
    outcomes = ["ok"] * len(ok) + [code for _i, code in refused]
    assert outcomes.count("ok") == 1 and outcomes.count("request_open") == len(clerks) - 1
    assert ProjectRequest.objects.filter(project=project).count() == 1


@pytest.mark.pg
@pytest.mark.django_db(transaction=True)
def test_concurrent_fund_adds_never_overdraw_an_indicator(world):
    postgres_only()
    pool = indicator(world.dept, "100000")
    base = indicator(world.dept, "1000000")
    clerks = [make_user(f"dept_clerk_{i}", world.dept, Role.CLERK) for i in range(6)]
    reqs = []
    for clerk in clerks:
        project = mark_used(approved_project(clerk, {base: "1000"}))
        reqs.append(create(world, ADD, project=project, actor=clerk, budget_office="预算处",
                           moves=[{"indicator": pool.pk, "amount": "30000"}], reason="追加"))
    calls = [lambda r=r, c=c: engine.submit(ProjectRequest.objects.get(pk=r.pk), c)
             for r, c in zip(reqs, clerks, strict=True)]
    ok, refused = race(calls)
    outcomes = ["ok"] * len(ok) + [code for _i, code in refused]
    assert outcomes.count("ok") == 3 and outcomes.count("over_available") == 3
    pool = fresh(pool)
    assert pool.reserved == D("90000") == ledger.ledger_reserved(pool.pk) and pool.available >= 0


def test_decimal_amounts_are_exact(env):
    mark_used(env.project)
    req = create(env, ADD, budget_office="预算处", moves=[{"indicator": env.ind3.pk, "amount": "0.1"},
                                                        {"indicator": env.ind1.pk, "amount": "0.2"}])
    through(env, req)
    assert fresh(env.project).total_amount == Decimal("300000.30")


def test_form_change_over_the_api(env):
    from core.testing import api_call

    ind = indicator(env.dept, "2000000")
    project = approved_project(env.dept_clerk, {ind: "80000"})
    url = f"/api/projects/{project.pk}/implementation-form"
    assert api_call(env.dept_reviewer, "post", url, {"implementation_form": "self"}).status_code == 403
    assert api_call(env.jx_clerk, "post", url, {"implementation_form": "self"}).status_code == 404
    bad = api_call(env.dept_clerk, "post", url, {"implementation_form": "nonsense"})
    assert bad.status_code == 422 and "implementation_form" in bad.json()["errors"]
    ok = api_call(env.dept_clerk, "post", url, {"implementation_form": "self"})
    assert ok.status_code == 200 and ok.json()["implementation_form"] == "self"
    again = api_call(env.dept_clerk, "post", url, {"implementation_form": "self"})
    assert again.status_code == 422 and "相同" in again.json()["errors"]["implementation_form"]
