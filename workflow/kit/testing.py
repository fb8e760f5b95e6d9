"""Builders of kit documents for tests and the scope matrix: rows of any declared document type in a given
state, from the type's `example` (through its own form and save, so a row is what a clerk could make)."""

from django.db.models import F

from .. import engine
from ..models import Status
from .documents import DOCUMENT_TYPES, DocumentType


def build(dt: DocumentType | str, clerk, state: str = "draft", **overrides):
    """A document saved by `clerk`; `pending` is submitted; `approved` is moved to approval without its
    reviewers (for worlds of rows — walk the flow with engine calls where approval effects matter)."""
    dt = DOCUMENT_TYPES[dt] if isinstance(dt, str) else dt
    if callable(dt.example):
        doc = dt.example(clerk)
    else:
        form = dt.form(data={**(dt.example or {}), **overrides})
        if not form.is_valid():
            raise AssertionError(f"{dt.namespace}: example is not valid: {form.errors.as_json()}")
        doc = dt.save_doc(clerk, None, form.cleaned_data, None)
    if state in ("pending", "approved"):
        doc = engine.submit(doc, clerk)
    if state == "approved":
        first = dt.flow.stages[0].code if dt.flow.stages else ""
        type(doc).objects.filter(pk=doc.pk).update(status=Status.APPROVED, current_node="", stage=first,
                                                    version=F("version") + 1)
        doc.refresh_from_db()
    return doc


def build_request(dt: DocumentType | str, clerk, target, state: str = "draft"):
    """A request of the type's first kind on an approved `target`, from the kind's example read as the API
    reads a body (the page's parser)."""
    dt = DOCUMENT_TYPES[dt] if isinstance(dt, str) else dt
    rt = dt.requests
    kind = rt.kinds[0]
    example = kind.example(clerk) if callable(kind.example) else (kind.example or {})
    reason, data = rt.read_body(kind, {"reason": "测试申请原因", **example}, target)
    req = rt.create(actor=clerk, target=target, kind=kind.code, reason=reason, data=data)
    if state == "pending":
        req = engine.submit(req, clerk)
    return req
