"""Rule parameters: the value in force on a date for a region and a unit level.

Each app declares the parameters it reads, with their kind, in its AppConfig (`rule_parameters`), and reads them
through its accessor: `PARAMS = params.of("orgs")`, then `PARAMS.login_max_failures()`. At start-up
(CoreConfig.ready) `check_reads` refuses a read of a name its app did not declare, so a typo stops the process
instead of surfacing as `parameter_missing` on some later request.
"""

import ast
import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from .errors import BusinessError
from .models import RuleParameter

KINDS = {RuleParameter.KIND_DECIMAL: Decimal, RuleParameter.KIND_INT: int}

SEED_KEY = ("name", "region_code", "level", "effective_from")


def seed(rows: list[dict], model=None) -> None:
    """Put an app's seeded parameter rows in, keeping rows already there (a region's later edition is another
    row). `model`: the historical RuleParameter when a migration seeds."""
    model = model or RuleParameter
    for row in rows:
        model.objects.get_or_create(**{k: row[k] for k in SEED_KEY},
                                    defaults={k: v for k, v in row.items() if k not in SEED_KEY})


# the region tree is orgs' (core sits below it): orgs registers how to read it in its ready()
_tree: dict = {}


def set_region_tree(*, path, codes_under) -> None:
    """`path(code)`: a region's path ("/350000/350100/") or None; `codes_under(path)`: the codes of the regions at
    or below a path (a lazy query, usable as a subquery)."""
    _tree.update(path=path, codes_under=codes_under)


def _region_tree(what: str):
    try:
        return _tree[what]
    except KeyError:
        raise RuntimeError("no region tree registered (orgs registers it in ready())") from None


def region_path(region_code: str) -> str | None:
    return _region_tree("path")(region_code)


def region_codes_under(path: str):
    return _region_tree("codes_under")(path)


def region_chain(region_code: str) -> list[str]:
    """The codes that cover a region, most specific first: 350102 → [350102, 350100, 350000, ''].

    Read from the region tree, not the code digits: 平潭综合实验区 (350128) reports to the province.
    """
    chain = []
    if region_code:
        path = region_path(region_code)
        chain = list(reversed([c for c in (path or region_code).split("/") if c]))
    chain.append("")
    return chain


def lookup(name: str, *, region_code: str = "", level: str = "", on: dt.date | None = None) -> RuleParameter:
    on = on or timezone.localdate()
    chain = region_chain(region_code)
    rows = list(
        RuleParameter.objects.filter(name=name, region_code__in=chain, level__in=[level, ""],
                                     effective_from__lte=on)
        .order_by("-effective_from")
    )
    if not rows:
        raise BusinessError(f"规则参数「{name}」未配置，请联系系统管理员。", code="parameter_missing")

    def rank(p: RuleParameter):
        # most specific region first, then a level-specific row, then the newest edition
        return (chain.index(p.region_code), 0 if p.level == level and level else 1, -p.effective_from.toordinal())

    return sorted(rows, key=rank)[0]


def value(name: str, **kw):
    p = lookup(name, **kw)
    if p.kind == RuleParameter.KIND_DECIMAL:
        return Decimal(p.value)
    if p.kind == RuleParameter.KIND_INT:
        return int(p.value)
    return p.value


# ---- per-app declarations ------------------------------------------------------------------------------


def declared(app_label: str) -> dict[str, str]:
    """The parameters an app declared: {name: kind}."""
    return _specs(apps.get_app_config(app_label))


def _specs(config) -> dict[str, str]:
    specs = getattr(config, "rule_parameters", None) or {}
    for name, kind in specs.items():
        if kind not in KINDS:
            raise ImproperlyConfigured(f"{config.label}: rule parameter {name!r} has unknown kind {kind!r}")
    return specs


class Parameter:
    """One declared parameter: call it for the value in force, converted to the declared kind."""

    def __init__(self, name: str, kind: str):
        self.name, self.kind = name, kind

    def __call__(self, *, region_code: str = "", level: str = "", on: dt.date | None = None):
        row = lookup(self.name, region_code=region_code, level=level, on=on)
        if row.kind != self.kind:
            raise BusinessError(f"规则参数「{self.name}」的类型与声明不符，请联系系统管理员。", code="parameter_kind")
        return KINDS[self.kind](row.value)

    def __repr__(self):
        return f"<Parameter {self.name} ({self.kind})>"


class AppParameters:
    """`PARAMS.<name>`: the Parameter an app declared; an undeclared name is refused."""

    def __init__(self, app_label: str):
        self._app_label = app_label

    def __getattr__(self, name: str) -> Parameter:
        if name.startswith("_"):
            raise AttributeError(name)
        specs = declared(self._app_label)
        if name not in specs:
            raise ImproperlyConfigured(f"{self._app_label} reads rule parameter {name!r} without declaring it "
                                       f"in its AppConfig.rule_parameters")
        return Parameter(name, specs[name])


def of(app_label: str) -> AppParameters:
    return AppParameters(app_label)


def check_reads(app_configs=None) -> list[str]:
    """Every `PARAMS.<name>` and `params.value/lookup("<name>")` in an app's code (tests and migrations
    aside) names a parameter that app declared. Returns the problems as "file:line: message"."""
    problems = []
    for config in app_configs or apps.get_app_configs():
        root = Path(config.path)
        if {"site-packages", "dist-packages"} & set(root.parts):
            continue  # Django's and third-party apps
        names = set(_specs(config))
        for path in sorted(root.rglob("*.py")):
            rel = path.relative_to(root).parts
            if "tests" in rel or "migrations" in rel or rel[-1].startswith("test_") or rel[-1] == "conftest.py":
                continue
            text = path.read_text(encoding="utf-8")
            if ("PARAMS." not in text and "params.value(" not in text and "params.lookup(" not in text
                    or path == Path(__file__)):  # this module only names them in its docs
                continue
            for node in ast.walk(ast.parse(text, filename=str(path))):
                where = f"{config.label}/{'/'.join(rel)}:{getattr(node, 'lineno', 0)}"
                if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                        and node.value.id == "PARAMS" and node.attr not in names):
                    problems.append(f"{where}: rule parameter {node.attr!r} is not declared by {config.label}")
                elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                      and isinstance(node.func.value, ast.Name) and node.func.value.id == "params"
                      and node.func.attr in ("value", "lookup")):
                    arg = node.args[0] if node.args else None
                    if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                        problems.append(f"{where}: read a rule parameter by its declared name (PARAMS.<name>)")
                    elif arg.value not in names:
                        problems.append(f"{where}: rule parameter {arg.value!r} is not declared by {config.label}")
    return problems
