"""The regulator's lists (JX 查询: 中标通知书, 自行采购中标通知书, 标后数据; 异常处理: 预中标（成交）异常处理), each
declared once (rows, tabs, columns); the page, its query form, its Excel export and its URL come from the
declaration (views.region_view, urls.py), the menu entries from awards.apps.REGION_PAGES. Also the public list."""

from dataclasses import dataclass, field

from django import forms
from django.db.models import Q
from django.urls import reverse

from core.forms import Form
from core.listing import Column, ListSpec, Tab
from workflow.models import Status

from . import selectors
from .apps import REGION_PAGES

TITLES = {code: title for code, _, title in REGION_PAGES}
GROUPS = {code: group for code, group, _ in REGION_PAGES}


class ResultFilterForm(Form):
    number = forms.CharField(label="单据编号", required=False, max_length=40)
    name = forms.CharField(label="项目名称", required=False, max_length=200)
    unit_name = forms.CharField(label="采购单位", required=False, max_length=100)
    supplier = forms.CharField(label="中标（成交）供应商", required=False, max_length=200)
    organizer_name = forms.CharField(label="代理机构", required=False, max_length=100)


def _filter(prefix=""):
    def apply(qs, data):
        text = {"number": "number__startswith", "name": f"{prefix}procurement__name__contains",
                "unit_name": "unit__name__contains", "supplier": f"{prefix}winner_name__contains",
                "organizer_name": "organizer__name__contains"}
        for name, lookup in text.items():
            if value := (data.get(name) or "").strip():
                qs = qs.filter(**{lookup: value})
        return qs
    return apply


def _detail(r) -> str:
    return reverse("awards:detail", args=[r.pk])


def _notice(r) -> str:
    return reverse("awards:notice", args=[r.pk])


def _rate(r) -> str:
    rate = r.savings_rate
    return "" if rate is None else f"{rate}%"


LEAD = [Column("采购项目", "procurement.name"), Column("采购编号", "procurement.number"),
        Column("采购包", lambda r: f"第{r.lot.seq}包"), Column("采购单位", "unit.name")]
WINNER = [Column("中标（成交）供应商", "winner_name"), Column("中标（成交）金额（元）", "winner_amount", kind="money")]
CONFIRMED = Q(status=Status.APPROVED, confirmed_at__isnull=False)


@dataclass
class RegionList:
    code: str
    base: Q
    columns: list
    tabs: list = field(default_factory=list)
    requests: bool = False

    @property
    def title(self) -> str:
        return TITLES[self.code]

    def queryset(self, user):
        if self.requests:
            return selectors.requests_visible(user).filter(self.base)
        return selectors.visible(user).filter(self.base)

    def spec(self) -> ListSpec:
        return ListSpec(title=self.title, breadcrumb=["政府采购", GROUPS[self.code], self.title], columns=self.columns,
                        tabs=self.tabs, form_class=ResultFilterForm, apply_filters=_filter("result__" if self.requests
                                                                                           else ""),
                        export_name=self.title, ordering=("-id",),
                        row_actions=(lambda req, x: [("查看", reverse("awards:request_detail", args=[x.pk]))])
                        if self.requests else (lambda req, r: [("查看", _detail(r))]
                                               + ([("通知书", _notice(r))] if r.notice_number else [])))


def _node(req) -> str:
    from .docs import REQUEST_FLOW

    return REQUEST_FLOW.node(req.current_node).label if req.status == Status.PENDING and req.current_node else ""


PAGES = {p.code: p for p in [
    RegionList("notices", CONFIRMED & Q(self_purchase=False),
               [Column("通知书编号", "notice_number", link=_detail), *LEAD, Column("组织单位", "organizer.name"), *WINNER,
                Column("确认时间", "confirmed_at", kind="datetime"), Column("发出时间", "notice_issued_at", kind="datetime"),
                Column("结果公告", lambda r: "已发布" if r.published_at else "未发布")],
               [Tab("pending", "待发出", Q(stage="notice")), Tab("issued", "已发出", ~Q(notice_number="")),
                Tab("published", "结果公告已发布", Q(stage="publish_done")), Tab("all", "全部", Q())]),
    RegionList("self_notices", CONFIRMED & Q(self_purchase=True),
               [Column("通知书编号", "notice_number", link=_detail), *LEAD, *WINNER,
                Column("成交日期", "report_date", kind="date"), Column("发出时间", "notice_issued_at", kind="datetime")],
               [Tab("pending", "待发出", Q(stage="notice")), Tab("issued", "已发出", Q(stage="notice_done")),
                Tab("all", "全部", Q())]),
    RegionList("post_award", CONFIRMED,
               [Column("单据编号", "number", link=_detail), *LEAD, Column("采购方式", lambda r: selectors.method_label(
                   r.procurement_method) or ("自行采购" if r.self_purchase else "")),
                Column("包预算金额（元）", "budget", kind="money"), *WINNER,
                Column("节约金额（元）", lambda r: (r.budget - r.winner_amount) if r.winner_amount is not None else None,
                       kind="money"), Column("节约率", _rate)],
               [Tab("government", "政府采购", Q(self_purchase=False)), Tab("self", "自行采购", Q(self_purchase=True)),
                Tab("all", "全部", Q())]),
    RegionList("exceptions", Q(last_action__in=("submit", "approve", "reject")) | Q(status=Status.APPROVED),
               [Column("单据编号", "number", link=lambda x: reverse("awards:request_detail", args=[x.pk])),
                Column("采购项目", "result.procurement.name"), Column("采购包", lambda x: f"第{x.result.lot.seq}包"),
                Column("采购单位", "unit.name"), Column("代理机构", "organizer.name"), Column("原因", "reason"),
                Column("当前环节", _node), Column("状态", "status_text", kind="status"),
                Column("提交时间", "submitted_at", kind="datetime")],
               [Tab("pending", "审核中", Q(status=Status.PENDING)),
                Tab("regulator", "待监管部门审核", Q(status=Status.PENDING, current_node="regulator")),
                Tab("approved", "已办结", Q(status=Status.APPROVED)), Tab("all", "全部", Q())], requests=True),
]}


class PublicSearch(Form):
    q = forms.CharField(label="项目名称、采购单位或供应商", required=False, max_length=100)


def _public_search(qs, data):
    if q := (data.get("q") or "").strip():
        qs = qs.filter(Q(procurement__name__contains=q) | Q(unit__name__contains=q) | Q(winner_name__contains=q))
    return qs


def _public_url(r) -> str:
    return reverse("awards_public:detail", args=[r.pk])


PUBLIC_SPEC = ListSpec(
    title="中标（成交）结果公告", breadcrumb=["政府采购信息公开", "中标（成交）结果公告"],
    columns=[Column("采购项目名称", "procurement.name", link=_public_url), Column("采购编号", "procurement.number"),
             Column("采购包", lambda r: f"第{r.lot.seq}包 {r.lot.name}"), Column("采购单位", "unit.name"),
             Column("中标（成交）供应商", "winner_name"), Column("中标（成交）金额（元）", "winner_amount", kind="money"),
             Column("发布时间", "published_at", kind="datetime")],
    form_class=PublicSearch, apply_filters=_public_search, row_actions=lambda request, r: [("查看", _public_url(r))],
    ordering=("-published_at", "-id"))
