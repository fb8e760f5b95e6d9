"""Sections of the 采购项目执行 detail page that other apps contribute (公告, 评审结果, 废标处理, 质疑投诉 …)
without trading importing them: each registers in its AppConfig.ready()

    panels.register("results", "评审结果", "awards/_panel.html", "awards.selectors.panel_context", order=30)

and the page renders every panel whose context function returns a dict (None hides it)."""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Panel:
    code: str
    title: str
    template: str
    context: str   # dotted path: (request, procurement) -> dict | None
    order: int = 50


PANELS: dict[str, Panel] = {}


def register(code: str, title: str, template: str, context: str, *, order: int = 50) -> None:
    PANELS[code] = Panel(code, title, template, context, order)


def render_all(request, procurement) -> list[dict]:
    out = []
    for panel in sorted(PANELS.values(), key=lambda p: (p.order, p.code)):
        ctx = import_string(panel.context)(request, procurement)
        if ctx is None:
            continue
        html = render_to_string(panel.template, {"procurement": procurement, "panel": panel, **ctx}, request=request)
        out.append({"code": panel.code, "title": panel.title, "html": html})
    return out
