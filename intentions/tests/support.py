"""Helpers of the intention tests: save / submit / approve through the document type, as the pages do."""

from intentions.docs import INTENTION
from intentions.models import Intention
from intentions.testing import line_for
from workflow import engine
from workflow.kit import editing


def save(clerk, *projects, doc=None, title="", submit=False, **line_over) -> Intention:
    rows = [line_for(p, **line_over) for p in projects]
    data = {"title": title, **INTENTION.clean_lines({"line": rows})}
    return editing.save_and_submit(lambda: INTENTION.save_doc(clerk, doc, data, doc.version if doc else None),
                                   actor=clerk, submit=submit)


def approved(clerk, reviewer, *projects) -> Intention:
    doc = save(clerk, *projects, submit=True)
    return engine.approve(doc, reviewer, opinion="同意")


def published(clerk, reviewer, *projects) -> Intention:
    return engine.advance(approved(clerk, reviewer, *projects), clerk, "publish")


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)
