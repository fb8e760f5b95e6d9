"""Kit extensions made for 采购计划: tabs that depend on the user, a form page context hook, and a request type
whose scope differs from its target's."""

import pytest
from django.db.models import Q
from django.test import Client

from core.listing import Tab

from .docs import SAMPLE


def test_callable_tabs_get_the_user_and_form_context_reaches_the_page(world, monkeypatch):
    seen = []

    def tabs(user):
        seen.append(getattr(user, "username", None))
        return [Tab("mine", "我的", Q(created_by=user) if user is not None else Q()), Tab("all", "全部", Q())]

    monkeypatch.setattr(SAMPLE, "tabs", tabs)
    monkeypatch.setattr(SAMPLE, "form_context", lambda request, doc: {"dt": SAMPLE, "form_hint": "来自钩子"})
    monkeypatch.setattr(SAMPLE, "form_template", "kit/form.html")
    c = Client()
    c.force_login(world.sub1_clerk)
    page = c.get("/kitsample/?tab=mine").content.decode()
    assert "我的" in page and "sub1_clerk" in seen
    assert SAMPLE.list_spec().tabs[0].key == "mine" and None in seen  # the OpenAPI text has no user
    resp = c.get("/kitsample/new/")
    assert resp.status_code == 200 and resp.context["form_hint"] == "来自钩子"


@pytest.mark.django_db
def test_request_scope_fields_default_to_the_targets():
    rt = SAMPLE.requests
    assert rt.scope_fields is None  # the kit's get() uses SAMPLE.scope_fields then
