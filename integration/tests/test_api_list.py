"""GET /api/integration/messages: the 接收消息日志 page over JSON, through core.listing's api_list — the page's form
validates the query (same Chinese messages), scoped to the regulator's region, capped count, keyset paging."""

import pytest

from core.testing import client_for
from integration.models import InboundMessage

from .test_views import feed  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
URL = "/api/integration/messages"


def test_regulators_only_and_scoped(world, feed):  # noqa: F811
    assert client_for(None).get(URL).status_code == 401
    assert client_for(world.dept_clerk).get(URL).status_code == 403
    fz = client_for(world.fz_reg).get(URL).json()
    assert {i["message_id"] for i in fz["items"]} == {"MSG-FZ", "MSG-FZ-BAD"}
    assert fz["count"] == 2 and fz["count_capped"] is False and fz["next_after"] is None
    page = client_for(world.fz_reg).get("/integration/messages/").content.decode()
    assert "MSG-FZ-BAD" in page and "MSG-JX" not in page


def test_same_filters_and_tabs_as_the_page(world, feed):  # noqa: F811
    c = client_for(world.fj_reg)
    refused = c.get(URL, {"tab": "refused"}).json()["items"]
    assert [i["message_id"] for i in refused] == ["MSG-FZ-BAD"] and refused[0]["status_label"] == "已拒收"
    assert [i["message_id"] for i in c.get(URL, {"message_id": "MSG-FJ"}).json()["items"]] == ["MSG-FJ"]
    r = c.get(URL, {"received_from": "2026-13-45"})
    assert r.status_code == 422 and r.json()["errors"] == {"received_from": "请填写正确的日期，如 2026-01-31。"}
    assert "请填写正确的日期，如 2026-01-31。" in c.get("/integration/messages/?received_from=2026-13-45").content.decode()
    assert c.get(URL, {"kind": "zz"}).json()["errors"] == {"kind": "请从列表中选择。"}


def test_keyset_walk_matches_the_page_order(world, feed, settings):  # noqa: F811
    settings.LIST_COUNT_CAP = 2
    c = client_for(world.fj_reg)
    body = c.get(URL, {"limit": 1}).json()
    assert body["count"] == 2 and body["count_capped"] is True
    got = []
    while True:
        got += [i["id"] for i in body["items"]]
        if not body["has_next"]:
            break
        body = c.get(URL, {"limit": 1, "after": body["next_after"]}).json()
    assert got == list(InboundMessage.objects.filter(region_path__startswith=world.fj_reg_unit.region_path)
                       .order_by("-id").values_list("id", flat=True))
