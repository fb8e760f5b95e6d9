"""The scope matrix: every URL pattern with a path parameter (pages and the JSON API), tried on real rows by
one user of each role in each relation to the row, plus every list/export page checked for rows it must not
show. Generated from the URLconf; the patterns' parameters are declared in ROUTES below, so a new document's
URLs fail `test_every_parameterised_pattern_is_declared` until they are declared here.

Expected: in scope → anything but a 5xx; out of scope → 404 (pages; a refusal before the row is looked up,
the same status as for a missing row, also reveals nothing) or 403/404 (API). A leak is a 2xx out of scope,
a write (audit or review record) out of scope, or an out-of-scope row's identifying text in a list or export.
Every request runs inside a savepoint that is rolled back, so actions leave the world as it was.

Who is in scope is decided here from DESIGN §5, not by calling access/: own unit for everyone; the units below
for a competent unit's 主管预算单位 role; the region and below for a regulator (the role in a regulator unit);
every row for the system administrator.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.testing import client_for, json_request
from orgs.models import Role
from projects.models import ProjectRequest
from workflow.kit.actions import DONE as ENGINE_ACTIONS

GET, POST, PUT = ("GET",), ("POST",), ("PUT",)
MISSING_PK = 2_000_000_000  # inside every database's integer range, never a row here
ROLES = [r.value for r in Role]


@dataclass(frozen=True)
class Route:
    """How a parameterised pattern finds its rows: `rows` names a row set of the world (None: the parameter
    is not a row, e.g. a form code); `values` lists the values of the other parameters; `methods` (pages
    only; API methods come from the API itself) are what the page answers."""

    rows: str | None
    methods: tuple[str, ...] = GET
    values: dict = field(default_factory=dict)
    submit_rows: str | None = None  # 提交 meets a draft; the other engine actions meet `rows` (pending)


# pages dispatch every engine action through one handler after the row lookup: 提交 on a draft and 审核通过 on a
# pending row stand for all four (the API's actions are separate operations and are all tried)
ACTIONS = {"action": ["submit", "approve"]}
assert set(ACTIONS["action"]) <= set(ENGINE_ACTIONS)
ROUTES: dict[str, Route] = {
    # every document type declared on the kit: generated (kit_routes below)
    # pages
    "registry:registration_detail": Route("registration"),
    "registry:registration_action": Route("registration", POST, ACTIONS),
    "registry:unit_detail": Route("unit"),
    "registry:subordination_detail": Route("subordination"),
    "registry:subordination_dissolve": Route("subordination", POST),
    "registry:subordination_action": Route("subordination", POST, ACTIONS),
    "attachments:download": Route("attachment"),
    "attachments:delete": Route("attachment", POST),
    "budgets:office_deactivate": Route("office", POST),
    "budgets:office_activate": Route("office", POST),
    "budgets:indicator_detail": Route("indicator"),
    "projects:new": Route(None, GET, {"form": ["general"]}),
    "plans:pick": Route(None, GET + POST, {"plan_type": ["general", "joint"]}),  # 新增 → the type's picker
    "projects:detail": Route("project_any"),
    "projects:edit": Route("project_draft", GET + POST),
    "projects:action": Route("project_pending", POST, ACTIONS, "project_draft"),
    # the requests' pages are the kit's (projects/request_kinds): 放弃 is request_action's `discard`
    "projects:request_new": Route("project", GET + POST, {"kind": [ProjectRequest.KIND_REVOKE]}),
    "projects:request_buttons": Route("project"),
    "projects:request_money_check": Route("project", POST, {"kind": [ProjectRequest.KIND_CHANGE]}),
    "projects:request_detail": Route("request_any"),
    "projects:request_edit": Route("request_draft", GET + POST),
    "projects:request_action": Route("request_pending", POST, ACTIONS, "request_draft"),
    "projects:form_change": Route("project", GET + POST),
    "integration:message_detail": Route("message"),
    "portal:bulletin": Route("bulletin"),
    "jobs:detail": Route("job"),
    "jobs:download": Route("job"),
    "intentions_public:detail": Route("intention_published"),  # published: public, no login
    "trading:accept": Route("plan_awaiting", GET + POST),  # 受理 of a filed plan (the clerk's own, self-organised)
    "trading:detail": Route("procurement"),
    "challenges:detail": Route("challenge"),
    "challenges:answer": Route("challenge", POST),
    "challenges:complain": Route("challenge", GET + POST),
    "challenges:complaint_detail": Route("complaint"),
    "challenges:complaint_accept": Route("complaint", POST),
    "challenges:complaint_suspend": Route("complaint", POST),
    "challenges:complaint_decide": Route("complaint", POST),
    "challenges:complaint_withdraw": Route("complaint", POST),
    # 流标/废标 of a procurement's lots, the purchaser's step of a 废标处理 (failures)
    "failures:declare": Route("procurement", POST),
    "failures:purchaser_step": Route("failures_pending", GET + POST),
    "awards:confirm": Route("awards_pending", POST),  # the reviewer's 确认中标（成交）供应商
    "awards:notice": Route("awards_approved"),  # the printable 通知书 (404 until issued)
    "awards_public:detail": Route("award_published"),  # published: public, no login
    "api:awards_confirm": Route("awards_pending"),
    "api:awards_notice": Route("awards_approved"),
    "api:awards_awarded": Route("procurement"),
    "trading:register": Route("announcement_published", GET + POST),  # every supplier registers (others: 403)
    "announcements:file": Route("announcement_file"),
    "trading_public:detail": Route("announcement_published"),  # published: public, no login
    "trading_public:file": Route("announcement_file_public"),
    "api:trading_accept": Route("plan_awaiting"),
    "api:trading_procurement_detail": Route("procurement"),
    "api:trading_procurement_registrations": Route("procurement"),
    "api:trading_register": Route("announcement_published"),
    # JSON API (one pattern per operation name; the methods of its path are taken from django-ninja)
    "api:unit_detail": Route("unit"),
    "api:challenge_detail": Route("challenge"),
    "api:challenge_answer": Route("challenge"),
    "api:challenge_complaint": Route("challenge"),
    "api:complaint_detail": Route("complaint"),
    "api:complaint_accept": Route("complaint"),
    "api:complaint_suspend": Route("complaint"),
    "api:complaint_decide": Route("complaint"),
    "api:complaint_withdraw": Route("complaint"),
    "api:registration_detail": Route("registration"),
    "api:registration_update": Route("registration"),
    "api:registration_submit": Route("registration"),
    "api:registration_withdraw": Route("registration"),
    "api:registration_approve": Route("registration"),
    "api:registration_reject": Route("registration"),
    "api:subordination_detail": Route("subordination"),
    "api:subordination_withdraw": Route("subordination"),
    "api:subordination_confirm": Route("subordination"),
    "api:subordination_reject": Route("subordination"),
    "api:subordination_dissolve": Route("subordination"),
    "api:indicator_detail": Route("indicator"),
    "api:project_detail": Route("project_any"),
    "api:project_update": Route("project_draft"),
    "api:project_form_change": Route("project"),  # 实施形式变更 of an approved, unused project
    "api:projects_submit": Route("project_draft"),
    "api:projects_withdraw": Route("project_pending"),
    "api:projects_approve": Route("project_pending"),
    "api:projects_reject": Route("project_pending"),
    # the requests' API is the kit's too (RequestType.api): 新增 on an approved project, the engine actions
    "api:projects_request_create": Route("project"),
    "api:projects_request_detail": Route("request_any"),
    "api:projects_request_update": Route("request_draft"),
    "api:projects_requests_submit": Route("request_draft"),
    "api:projects_requests_discard": Route("request_draft"),
    "api:projects_requests_withdraw": Route("request_pending"),
    "api:projects_requests_approve": Route("request_pending"),
    "api:projects_requests_reject": Route("request_pending"),
    "api:failures_of_procurement": Route("procurement"),
    "api:failure_declare": Route("procurement"),
    "api:failures_purchaser_entry": Route("failures_pending"),
}


def kit_routes() -> dict[str, Route]:
    """The routes of every DocumentType (workflow.kit): its pages, its requests' pages and their API
    operations, with rows built by workflow.kit.testing (row sets `<ns>_any`, `<ns>_draft` …)."""
    from workflow.kit.actions import ENGINE_ACTIONS as KIT_ACTIONS
    from workflow.kit.documents import DOCUMENT_TYPES

    get_resolver().url_patterns  # noqa: B018  (loading the URLconf declares the document types)
    out = {}
    for ns, dt in DOCUMENT_TYPES.items():
        out.update({
            f"{ns}:detail": Route(f"{ns}_any"), f"{ns}:edit": Route(f"{ns}_draft", GET + POST),
            f"{ns}:action": Route(f"{ns}_pending", POST, ACTIONS, f"{ns}_draft"),
            f"api:{ns}_detail": Route(f"{ns}_any"), f"api:{ns}_update": Route(f"{ns}_draft"),
        })
        extra = [s.action for s in dt.flow.stages] + [a.code for a in dt.flow.direct_actions]
        for action in (*KIT_ACTIONS, *extra):
            rows = f"{ns}_draft" if action in ("submit", "discard") else (
                f"{ns}_approved" if action in extra else f"{ns}_pending")
            out[f"api:{ns}_{action}"] = Route(rows)
        if dt.requests is not None:
            out.update({
                f"{ns}:request_new": Route(f"{ns}_approved", GET + POST, {"kind": [dt.requests.kinds[0].code]}),
                f"{ns}:request_detail": Route(f"{ns}_request_any"),
                f"{ns}:request_edit": Route(f"{ns}_request_draft", GET + POST),
                f"{ns}:request_action": Route(f"{ns}_request_pending", POST, ACTIONS, f"{ns}_request_draft"),
                f"api:{ns}_request_create": Route(f"{ns}_approved"),
                f"api:{ns}_request_detail": Route(f"{ns}_request_any"),
                f"api:{ns}_request_update": Route(f"{ns}_request_draft"),
            })
            for action in KIT_ACTIONS:
                rows = f"{ns}_request_draft" if action in ("submit", "discard") else f"{ns}_request_pending"
                out[f"api:{ns}_requests_{action}"] = Route(rows)
    return out


ROUTES.update(kit_routes())
# 统招分签: the invited unit's answer pages (an invitation's unit is the invited one) and the lead's responses
ROUTES.update({
    "joint:invitation": Route("joint_invitation"), "joint:decline": Route("joint_invitation", POST),
    "joint:respond": Route("joint_invitation", GET + POST), "api:joint_invitation": Route("joint_invitation"),
    "joint:respond_money_check": Route("joint_invitation", POST),
    "api:joint_decline": Route("joint_invitation"), "api:joint_respond": Route("joint_invitation"),
    "api:joint_responses": Route("joint_any"),
})
# parameterless patterns that are not lists: entry forms, the session's own pages, the API's documents
SKIP_LISTS = {"logout", "login", "password_change", "api:openapi-json", "api:openapi-view", "api:api-root",
              "api:me", "attachments:upload", "projects:new_choose", "projects:gov_check",
              "projects:money_check"}


def is_list(p) -> bool:
    return not p.params and p.name not in SKIP_LISTS and not p.name.endswith("_new")


@dataclass
class Pattern:
    name: str
    route: str
    params: tuple[str, ...]
    api_methods: tuple[str, ...] = ()

    @property
    def is_api(self) -> bool:
        return self.name.startswith("api:")


def _ninja_methods(callback, name: str) -> tuple[str, ...]:
    """The methods of the operation named `name` (a path's view serves all its operations)."""
    for cell in getattr(callback, "__closure__", None) or ():
        ops = getattr(cell.cell_contents, "operations", None)
        if ops is not None:
            mine = [op for op in ops if (getattr(op, "url_name", None) or op.view_func.__name__) == name]
            return tuple(sorted({m for op in mine or ops for m in op.methods}))
    return ()


def walk(resolver=None, prefix="", ns="", inherited=()) -> list[Pattern]:
    """Every named pattern of the URLconf, recursively, with the path parameters it takes."""
    out = []
    for p in (resolver or get_resolver()).url_patterns:
        params = tuple(inherited) + tuple(_params(p.pattern))
        if isinstance(p, URLResolver):
            sub_ns = f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns)
            out += walk(p, prefix + str(p.pattern), sub_ns, params)
        elif isinstance(p, URLPattern) and p.name and not prefix.startswith("django-admin/"):
            name = f"{ns}:{p.name}" if ns else p.name
            api_methods = _ninja_methods(p.callback, p.name) if name.startswith("api:") else ()
            out.append(Pattern(name, prefix + str(p.pattern), params, api_methods))
    return out


def _params(pattern) -> list[str]:
    if hasattr(pattern, "converters") and pattern.converters:
        return list(pattern.converters)
    regex = getattr(pattern, "regex", None)
    return list(regex.groupindex) if regex is not None else []


# ---- who is in scope (the oracle) ------------------------------------------------------------------------


def _chain(unit):
    while unit is not None:
        yield unit
        unit = unit.competent


def _regions(region):
    while region is not None:
        yield region.pk
        region = region.parent


def sees_unit(user, unit) -> bool:
    roles = user.role_codes
    if "admin" in roles or user.unit_id == unit.pk:
        return True
    if "competent" in roles and any(u.pk == user.unit_id for u in _chain(unit.competent)):
        return True
    return is_regulator(user) and user.unit.region_id in set(_regions(unit.region))


def is_regulator(user) -> bool:
    return "regulator" in user.role_codes and user.unit.kind == "regulator"


def in_scope(user, kind: str, row) -> bool:
    if kind == "public":  # a published notice of the public portal
        return True
    if kind == "message":
        return "admin" in user.role_codes or (is_regulator(user)
                                              and row.region_path.startswith(user.unit.region.path))
    if kind == "bulletin":
        below = is_regulator(user) and row.region.path.startswith(user.unit.region.path)
        return "admin" in user.role_codes or user.unit.region.path.startswith(row.region.path) or below
    if kind == "unit":
        return sees_unit(user, row)
    if kind == "job":  # a background job (an export of what its owner saw) is its owner's alone
        return row.owner_id == user.pk
    if kind == "office":  # kept by the regulators of its region (and above)
        return "admin" in user.role_codes or (is_regulator(user) and row.region.path.startswith(user.unit.region.path))
    if kind == "indicator" and row.unit is not None and user.unit.is_competent:
        # 包含下级单位 (budgets.selectors.may_include_subordinates): every staff of a competent unit
        return sees_unit(user, row.unit) or any(u.pk == user.unit_id for u in _chain(row.unit.competent))
    units = [row.unit, row.competent_unit] if kind == "subordination" else [row.unit]
    return any(sees_unit(user, u) for u in units)


# ---- the world's rows as the routes name them ----------------------------------------------------------


def row_sets(w) -> dict[str, tuple[str, list]]:
    """{row set: (document kind for the oracle, [rows])}, reloaded from the database (units may have moved)."""
    def fresh(obj):
        return type(obj).objects.get(pk=obj.pk)

    req = {k: fresh(r) for k, r in w.requests.items()}
    return {
        "unit": ("unit", [fresh(w.own)]),
        "registration": ("registration", [fresh(w.registration)]),
        "subordination": ("subordination", [fresh(w.subordination)]),
        "attachment": ("attachment", [fresh(w.attachment)]),
        "indicator": ("indicator", [fresh(w.indicator), fresh(w.virtual)]),
        "project_any": ("project", [fresh(w.project), fresh(w.project_pending)]),
        "project_draft": ("project", [fresh(w.project_draft)]),
        "project_pending": ("project", [fresh(w.project_pending)]),
        "project": ("project", [fresh(w.project)]),
        "request_any": ("project_request", list(req.values())),
        "request_draft": ("project_request", [r for r in req.values() if r.status != "pending"][:1]),
        "request_pending": ("project_request", [r for r in req.values() if r.status == "pending"][:1]),
        "message": ("message", [fresh(w.message)]),
        "bulletin": ("bulletin", [fresh(w.bulletin)]),
        "office": ("office", [fresh(w.office)]),
        "job": ("job", [fresh(w.job)]),
        "intention_published": ("public", [fresh(w.intention_published)]),
        "award_published": ("public", [fresh(w.award_published)]),
        **{key: (f"kit:{ns}", [fresh(r) for r in rows]) for (ns, key), rows in w.kit_rows.items()},
        "joint_invitation": ("joint_invitation", [fresh(w.joint_invitation)]),
        "plan_awaiting": ("plan", [fresh(w.plan_awaiting)]),
        "procurement": ("procurement", [fresh(w.procurement)]),
        "challenge": ("challenge", [fresh(w.challenge)]),
        "complaint": ("complaint", [fresh(w.complaint)]),
        "announcement_published": ("public", [fresh(w.announcement_published)]),
        # a 采购文件 of the published announcement: its unit is the uploader's (本单位, which organises it)
        "announcement_file": ("attachment", [fresh(w.announcement_file)]),
        "announcement_file_public": ("public", [fresh(w.announcement_file)]),
    }


def markers(w) -> list[tuple[str, object, str]]:
    """(kind, row, identifying text) of the rows that list pages and exports must not show out of scope."""
    sets = row_sets(w)
    out = []
    kit_any = [key for (_ns, key) in w.kit_rows if key.endswith("_any")]
    for key in ("registration", "subordination", "indicator", "project_any", "request_any", "message", "bulletin",
                "job", "procurement", "challenge", "complaint",
                *kit_any):
        kind, rows = sets[key]
        for row in rows:
            text = {"indicator": lambda r: r.bgt_id, "message": lambda r: r.message_id,
                    "bulletin": lambda r: r.title, "job": lambda r: r.label}.get(kind, lambda r: r.number)(row)
            out.append((kind, row, text))
    return out


# ---- bodies ----------------------------------------------------------------------------------------------


def _api_body(name: str, method: str, row):
    version = getattr(row, "version", None)
    if method == "PUT" and name.startswith("api:registration"):
        return {"name": row.name, "credit_code": row.credit_code, "budget_code": row.budget_code,
                "level": row.level, "region_code": row.region.code, "address": row.address,
                "legal_representative": row.legal_representative, "contact_name": row.contact_name,
                "contact_phone": row.contact_phone, "is_competent": row.is_competent, "version": version}
    if method == "PUT" and name == "api:project_update":
        return {"name": row.name + "（改）", "fiscal_year": row.fiscal_year,
                "implementation_form": row.implementation_form, "procurement_kind": row.procurement_kind,
                "summary": row.summary, "contact_name": row.contact_name, "contact_phone": row.contact_phone,
                "is_gov_procurement": row.is_gov_procurement, "version": version,
                "content_lines": [{"category_id": ln.category_id, "item_name": ln.item_name,
                                   "quantity": str(ln.quantity), "measure_unit": ln.measure_unit,
                                   "unit_price": str(ln.unit_price)} for ln in row.content_lines.filter(is_active=True)],
                "fund_lines": [{"indicator_id": f.indicator_id, "amount": str(f.amount)}
                               for f in row.fund_lines.filter(is_active=True)]}
    return {"version": version, "opinion": "矩阵测试意见", "reason": "矩阵测试原因"}


def _page_body(row) -> dict:
    return {"version": getattr(row, "version", ""), "opinion": "矩阵测试意见", "reason": "矩阵测试原因"}


# ---- running -------------------------------------------------------------------------------------------


def _writes() -> tuple[int, int]:
    from audit.models import AuditLog
    from workflow.models import ReviewRecord

    return AuditLog.objects.count(), ReviewRecord.objects.count()


def _rolled_back(fn, *args):
    """Run one request in a savepoint that is always rolled back; also say whether it wrote anything."""
    with transaction.atomic():
        before = _writes()
        resp = fn(*args)
        wrote = _writes() != before
        transaction.set_rollback(True)
    return resp, wrote


@dataclass
class Result:
    pairs: int = 0
    leaks: list = field(default_factory=list)
    tells: list = field(default_factory=list)      # out of scope, not 404, and not what a missing row gets
    errors: list = field(default_factory=list)     # 5xx anywhere
    in_scope_404: Counter = field(default_factory=Counter)
    tried: Counter = field(default_factory=Counter)
    reached: Counter = field(default_factory=Counter)  # in-scope answers other than 404 (the row was found)
    by_status: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    seen: Counter = field(default_factory=Counter)     # markers seen in scope

    def summary(self, title: str, relations, roles, patterns) -> str:
        lines = [f"== scope matrix: {title} ==",
                 f"patterns {len(patterns)} × relations {len(relations)} × roles {len(roles)}: "
                 f"{self.pairs} requests in {self.seconds:.1f}s; leaks {len(self.leaks)}, "
                 f"non-404 refusals differing from a missing row {len(self.tells)}, 5xx {len(self.errors)}",
                 "statuses: " + ", ".join(f"{k}×{v}" for k, v in sorted(self.by_status.items()))]
        if self.seen:
            lines.append("rows found in scope in lists/exports: " + ", ".join(
                f"{k}×{v}" for k, v in sorted(self.seen.items())))
        if self.in_scope_404:
            lines.append("in scope but 404 (fewer rights than DESIGN §5, not a leak): "
                         + ", ".join(f"{k}×{v}" for k, v in sorted(self.in_scope_404.items())))
        for title_, items in (("LEAK", self.leaks), ("TELL", self.tells), ("5XX", self.errors)):
            lines += [f"  {title_} {item}" for item in items[:40]]
        return "\n".join(lines)


class Matrix:
    def __init__(self, w, relations: dict | None = None):
        self.w = w
        self.relations = relations or w.relations
        self.clients: dict[int, Client] = {}
        self.result = Result()
        self._missing: dict = {}

    def users(self):
        out = []
        for rel in self.relations:
            for role, user in self.w.users[rel].items():
                user = type(user).objects.select_related("unit__region").get(pk=user.pk)
                self.client(user)  # log in outside the rolled-back savepoints, or the session would vanish
                out.append((rel, role, user))
        return out

    def client(self, user) -> Client:
        c = self.clients.get(user.pk)
        if c is None:
            c = self.clients[user.pk] = client_for(user)
        return c

    def _call(self, user, method, url, body, is_api):
        c = self.client(user)
        if is_api:
            return json_request(c, method, url, None if method == "GET" else body)
        if method == "GET":
            return c.get(url)
        return c.post(url, body)

    def _missing_status(self, user, pattern, method, kwargs, row_param):
        key = (user.pk, pattern.name, method, tuple(sorted((k, v) for k, v in kwargs.items() if k != row_param)))
        if key not in self._missing:
            url = reverse(pattern.name, kwargs={**kwargs, row_param: MISSING_PK})
            resp, _ = _rolled_back(self._call, user, method, url, {"version": 1}, pattern.is_api)
            self._missing[key] = resp.status_code
        return self._missing[key]

    # -- parameterised patterns ------------------------------------------------------------------------

    def run_patterns(self, patterns: list[Pattern]):
        started = time.monotonic()
        sets = row_sets(self.w)
        users = list(self.users())
        r = self.result
        for p in patterns:
            route = ROUTES[p.name]
            methods = p.api_methods or route.methods
            row_param = next((x for x in p.params if x not in route.values), None)
            for combo in _combos(route.values):
                key = route.submit_rows if route.submit_rows and dict(combo).get("action") == "submit" else route.rows
                kind, rows = sets[key] if key else (None, [None])
                for row in rows:
                    kwargs = dict(combo)
                    if row_param and row is not None:
                        kwargs[row_param] = row.pk
                    url = reverse(p.name, kwargs=kwargs)
                    for method in methods:
                        body = _api_body(p.name, method, row) if p.is_api else _page_body(row)
                        for rel, role, user in users:
                            resp, wrote = _rolled_back(self._call, user, method, url, body, p.is_api)
                            status = resp.status_code
                            _logged_in(resp, f"{method} {url} by {role}@{rel}")
                            r.pairs += 1
                            r.tried[p.name] += 1
                            r.by_status[status] += 1
                            where = f"{method} {url} [{p.name}] by {role}@{rel} → {status}"
                            if status >= 500:
                                r.errors.append(where)
                            if kind is None:
                                continue
                            if in_scope(user, kind, row):
                                if status == 404:
                                    r.in_scope_404[f"{role}@{rel}"] += 1
                                else:
                                    r.reached[p.name] += 1
                                continue
                            if 200 <= status < 300 or wrote:
                                r.leaks.append(where + (" (wrote)" if wrote else ""))
                            elif status == 404 or (p.is_api and status == 403):
                                pass
                            elif status != self._missing_status(user, p, method, kwargs, row_param):
                                r.tells.append(where + " (a missing row gets "
                                               f"{self._missing_status(user, p, method, kwargs, row_param)})")
        r.seconds += time.monotonic() - started
        return r

    # -- lists and exports -------------------------------------------------------------------------------

    def _exports(self, url, users) -> bool:
        """Does this page export (?export=xlsx) for a clerk, a competent unit or a regulator?"""
        probe = [u for rel, role, u in users if (rel, role) in {("own", "clerk"), ("competent", "competent"),
                                                                ("regulator", "regulator")}]
        for user in probe:
            resp, _ = _rolled_back(self._call, user, "GET", url + "?export=xlsx", None, False)
            if "spreadsheet" in resp.get("Content-Type", ""):
                return True
        return False

    def run_lists(self, patterns: list[Pattern]):
        """Every parameterless GET page (and its ?export=xlsx) must not show an out-of-scope row's text."""
        from .world import xlsx_text

        started = time.monotonic()
        marks = markers(self.w)
        r = self.result
        users = list(self.users())
        for p in patterns:
            if not is_list(p) or "GET" not in (p.api_methods or GET):
                continue
            url = reverse(p.name)
            # the export holds every row of a list (its page only the first ones): check the export where the
            # page has one, the page itself otherwise
            suffix = "?export=xlsx" if not p.is_api and self._exports(url, users) else ""
            for rel, role, user in users:
                resp, wrote = _rolled_back(self._call, user, "GET", url + suffix, None, p.is_api)
                _logged_in(resp, f"GET {url}{suffix} by {role}@{rel}")
                r.pairs += 1
                r.tried[p.name + suffix] += 1
                r.by_status[resp.status_code] += 1
                where = f"GET {url}{suffix} [{p.name}] by {role}@{rel} → {resp.status_code}"
                if resp.status_code >= 500:
                    r.errors.append(where)
                if wrote:
                    r.leaks.append(where + " (a GET wrote)")
                if resp.status_code != 200 or not hasattr(resp, "content"):
                    continue
                ctype = resp.get("Content-Type", "")
                text = xlsx_text(resp.content) if "spreadsheet" in ctype else resp.content.decode("utf-8", "replace")
                for kind, row, mark in marks:
                    if mark not in text:
                        continue
                    if in_scope(user, kind, row):
                        r.seen[mark] += 1
                    else:
                        r.leaks.append(f"{where}: shows {kind} 「{mark}」")
        r.seconds += time.monotonic() - started
        return r


def _logged_in(resp, where):
    """A lost session would make every answer look like a refusal: stop instead."""
    assert resp.status_code != 401 and not (resp.status_code == 302 and resp["Location"].startswith("/login/")), (
        f"not logged in: {where}")


def _combos(values: dict):
    if not values:
        yield ()
        return
    names = list(values)
    first, rest = names[0], {k: values[k] for k in names[1:]}
    for v in values[first]:
        for tail in _combos(rest):
            yield ((first, v),) + tail


def parameterised(patterns: list[Pattern]) -> list[Pattern]:
    return [p for p in patterns if p.params]


def undeclared(patterns: list[Pattern]) -> list[str]:
    return [f"{p.name} ({p.route})" for p in parameterised(patterns) if p.name not in ROUTES]
