"""The left menu tree, laid out like the manuals, assembled from the entries each app declares in its AppConfig
(`menu = [core.menu.MenuItem(...)]`, read through django.apps: no import of any app). An entry shows exactly
when its right (access.rights, the same predicate the page's `@requires` checks) holds for the user, and only
once its URL exists (never a dead link)."""

import functools

from django.apps import apps
from django.urls import NoReverseMatch, reverse

from core.menu import MenuItem

from . import rights

# the manuals' top-level order; a section no app uses is not shown, a new one goes after these
SECTIONS = ["采购预算管理", "采购项目管理", "采购意向公开", "采购计划管理", "采购执行", "供应商", "合同管理", "单位管理", "主体管理", "政府采购",
            "系统管理"]

def declared() -> list[MenuItem]:
    """Every app's entries, in app order (INSTALLED_APPS), then declaration order."""
    items = []
    for config in apps.get_app_configs():
        own = getattr(config, "menu", None)
        items += own or []
    return items


def check_declarations(items=None) -> list[str]:
    """Problems with the declarations: a right that access.rights does not have, a label declared twice."""
    problems, seen = [], set()
    for item in declared() if items is None else items:
        if item.right not in rights.RIGHTS:
            problems.append(f"{item.label}: access.rights has no right {item.right!r}")
        key = (item.path, item.label)
        if key in seen:
            problems.append(f"{item.label}: declared twice in {'/'.join(item.path)}")
        seen.add(key)
    return problems


@functools.cache
def _tree():
    """The declared entries as a nested tree of ("section", label, children) / ("item", MenuItem), sorted:
    top-level sections by SECTIONS, inside a section by `order` (a subsection sits at its first entry)."""
    items = declared()
    problems = check_declarations(items)
    if problems:
        raise LookupError("menu declarations: " + "; ".join(problems))
    root: dict = {}
    for n, item in enumerate(items):
        node = root
        for level in item.path:
            node = node.setdefault(level, {"__items__": []})
        node["__items__"].append((item.order, n, item))

    def first(node) -> tuple:
        keys = [(o, n) for o, n, _ in node["__items__"]]
        keys += [first(child) for name, child in node.items() if name != "__items__"]
        return min(keys)

    def walk(node) -> list:
        entries = [((o, n), ("item", item)) for o, n, item in node["__items__"]]
        entries += [(first(child), ("section", name, walk(child))) for name, child in node.items()
                    if name != "__items__"]
        return [e for _, e in sorted(entries, key=lambda x: x[0])]

    def top_key(name):
        return (SECTIONS.index(name), ()) if name in SECTIONS else (len(SECTIONS), first(root[name]))

    return [("section", name, walk(root[name])) for name in sorted(root, key=top_key)]


@functools.cache
def _url(url_name: str) -> str | None:
    """URLs are fixed for the life of the process: reverse each menu entry once."""
    try:
        return reverse(url_name)
    except NoReverseMatch:  # not built yet: never a dead link
        return None


def entries() -> list[MenuItem]:
    """Every declared entry in menu order (leaves of the tree)."""
    out = []

    def collect(nodes):
        for node in nodes:
            if node[0] == "item":
                out.append(node[1])
            else:
                collect(node[2])

    collect(_tree())
    return out


def build(user, current_path: str):
    # only the longest menu URL that prefixes the path is active (/budgets/ vs /budgets/indicators/)
    urls = [u for u in (_url(i.url_name) for i in entries()) if u]
    matching = [u for u in urls if current_path.startswith(u)]
    active_url = max(matching, key=len) if matching else None

    def walk(nodes):
        out = []
        for node in nodes:
            if node[0] == "section":
                kids = walk(node[2])
                if kids:
                    out.append({"label": node[1], "children": kids,
                                "open": any(k.get("active") or k.get("open") for k in kids)})
                continue
            item = node[1]
            url = _url(item.url_name)
            if url is None or not rights.get(item.right)(user):
                continue
            out.append({"label": item.label, "url": url, "active": url == active_url})
        return out

    return walk(_tree())
