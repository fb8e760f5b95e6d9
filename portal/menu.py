"""The left menu tree, laid out like the manuals. Only entries that are built and allowed are shown."""

import functools
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse

from access.scope import is_admin
from orgs.models import Role, Unit


def _purchaser(user):
    return user.unit is not None and user.unit.kind == Unit.KIND_PURCHASER


def _regulator(user):
    return user.is_regulator  # the role and a regulator unit


def _regulator_or_admin(user):
    return user.is_regulator or is_admin(user)


@dataclass
class Item:
    label: str
    url_name: str = ""
    allowed: object = None
    children: list = field(default_factory=list)


def _unit_staff(user):
    return _purchaser(user) and user.has_role(Role.CLERK, Role.REVIEWER, Role.LEADER, Role.COMPETENT)


MENU = [
    Item("采购预算管理", children=[
        Item("指标预算查询", "budgets:indicator_list", _unit_staff),
        Item("采购预算查询", "budgets:budget_list", _unit_staff),
    ]),
    Item("采购项目管理", children=[
        Item("采购项目立项", "projects:list", _unit_staff),
        Item("实施形式变更", "projects:form_change_list", lambda u: _purchaser(u) and u.has_role(Role.CLERK)),
        Item("项目申请审核", "projects:request_review_list",
             lambda u: _purchaser(u) and u.has_role(Role.LEADER, Role.REVIEWER)),
    ]),
    Item("单位管理", children=[
        Item("用户库基本信息", "orgs:my_registration",
             lambda u: u.unit is not None and u.unit.is_budget_unit
             and u.has_role(Role.CLERK, Role.REVIEWER, Role.COMPETENT)),
        Item("隶属关系设置", "orgs:my_subordination", lambda u: _purchaser(u) and u.has_role(Role.CLERK)),
        Item("下级单位隶属确认", "orgs:subordination_confirm_list",
             lambda u: _purchaser(u) and u.has_role(Role.COMPETENT)),
    ]),
    Item("主体管理", children=[
        Item("招标人管理", children=[
            Item("采购单位", children=[
                Item("审核采购单位信息", "orgs:registration_review_list", _regulator),
                Item("查看采购单位信息", "orgs:member_list", _regulator),
            ]),
        ]),
        Item("查看/解除隶属关系", "orgs:subordination_list", _regulator),
    ]),
    Item("一体化", children=[
        Item("一体化预算管理", "integration:indicator_messages", _regulator),
        Item("一体化单位基本信息", "integration:unit_list", _regulator),
        Item("重置预算匹配", "integration:rematch", _regulator),
        Item("接收消息日志", "integration:message_list", _regulator),
    ]),
    Item("政府采购", children=[
        Item("计划管理", children=[
            Item("预算管理", "budgets:virtual_list", _regulator),
            Item("指标管理处室", "budgets:office_list", _regulator),
            Item("项目查询", "projects:regulator_list", _regulator),
        ]),
    ]),
    Item("系统管理", children=[
        Item("通知公告", "portal:bulletin_list", _regulator),
        Item("规则参数", "core:parameter_list", _regulator_or_admin),
        Item("工作日调整", "core:workday_list", is_admin),
        Item("修改密码", "password_change", lambda u: True),
    ]),
]


@functools.cache
def _url(url_name: str) -> str | None:
    """URLs are fixed for the life of the process: reverse each menu entry once."""
    try:
        return reverse(url_name)
    except NoReverseMatch:  # not built yet: never a dead link
        return None


def build(user, current_path: str):
    # only the longest menu URL that prefixes the path is active (/budgets/ vs /budgets/indicators/)
    urls = []

    def collect(items):
        for item in items:
            if item.children:
                collect(item.children)
            elif item.url_name and _url(item.url_name):
                urls.append(_url(item.url_name))

    collect(MENU)
    matching = [u for u in urls if current_path.startswith(u)]
    active_url = max(matching, key=len) if matching else None

    def walk(items):
        out = []
        for item in items:
            if item.children:
                kids = walk(item.children)
                if kids:
                    out.append({"label": item.label, "children": kids,
                                "open": any(k.get("active") or k.get("open") for k in kids)})
            elif item.allowed is None or item.allowed(user):
                url = _url(item.url_name)
                if url is None:
                    continue
                out.append({"label": item.label, "url": url, "active": url == active_url})
        return out

    return walk(MENU)
