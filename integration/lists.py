"""The 一体化 message lists, declared once for the pages (views.py) and the API (api.py): columns, status tabs,
the filter forms and the order (core.listing does the counting and the paging)."""

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.listing import Column, ListSpec, Tab

from . import wire
from .forms import IndicatorMessageFilterForm, MessageFilterForm
from .models import InboundMessage

ACTION_LABELS = {**wire.ACTIONS, "batch": "批量"}
ORDERING = ("-id",)


def _status_tabs():
    return [Tab("all", "全部")] + [Tab(code, label, Q(status=code)) for code, label in InboundMessage.STATUSES]


def summary(msg: InboundMessage) -> str:
    if msg.error:
        return msg.error[:80] + ("…" if len(msg.error) > 80 else "")
    records = (msg.result or {}).get("records") or []
    if records:
        first = records[0].get("outcome", "")
        return first + (f" 等 {len(records)} 条" if len(records) > 1 else "")
    if msg.status == InboundMessage.DUPLICATE:
        return f"与 #{msg.result.get('original_id')} 重复，未重复处理"
    return ""


def _detail_link(msg):
    return reverse("integration:message_detail", args=[msg.pk])


def _day_start(day: dt.date):
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _filter_messages(qs, data):
    if data.get("fiscal_year"):
        qs = qs.filter(fiscal_year=data["fiscal_year"])
    if data.get("agency_code"):
        code = data["agency_code"].strip()
        qs = qs.filter(Q(agency_code=code) | Q(agency_code="", body__contains=f'"{code}"'))
    if data.get("action"):
        qs = qs.filter(action=data["action"])
    if data.get("message_id"):
        qs = qs.filter(message_id__startswith=data["message_id"].strip())
    if data.get("kind"):
        qs = qs.filter(kind=data["kind"])
    if data.get("client_label"):
        qs = qs.filter(client_label=data["client_label"].strip())
    if data.get("received_from"):
        qs = qs.filter(received_at__gte=_day_start(data["received_from"]))
    if data.get("received_to"):
        qs = qs.filter(received_at__lt=_day_start(data["received_to"] + dt.timedelta(days=1)))
    return qs


MESSAGE_COLUMNS = [
    Column("消息ID", lambda m: m.message_id or "（无）", link=_detail_link),
    Column("接收时间", "received_at", kind="datetime"),
    Column("操作", lambda m: ACTION_LABELS.get(m.action, m.action)),
    Column("记录数", "record_count"),
    Column("预算年度", "fiscal_year"),
    Column("单位预算编码", "agency_code"),
    Column("财政区划", "mof_div_code"),
    Column("处理状态", "get_status_display", kind="status"),
    Column("处理结果", summary),
]




def indicator_message_spec() -> ListSpec:
    """一体化预算管理."""
    return ListSpec(
        title="一体化预算管理", breadcrumb=["政府采购", "计划管理", "一体化预算指标管理", "一体化预算管理"],
        columns=MESSAGE_COLUMNS, tabs=_status_tabs(), form_class=IndicatorMessageFilterForm,
        apply_filters=_filter_messages, export_name="一体化预算指标消息", ordering=ORDERING,
        row_actions=lambda req, m: [("查看", _detail_link(m))],
    )


def message_spec() -> ListSpec:
    """接收消息日志 (the page) and GET /api/integration/messages."""
    columns = [MESSAGE_COLUMNS[0], MESSAGE_COLUMNS[1], Column("消息类型", "get_kind_display"),
               Column("客户端", lambda m: m.client_label if m.client_id else "（未认证）"), *MESSAGE_COLUMNS[2:3],
               MESSAGE_COLUMNS[5], MESSAGE_COLUMNS[6], Column("应答码", "http_status"), *MESSAGE_COLUMNS[7:]]
    return ListSpec(
        title="接收消息日志", breadcrumb=["政府采购", "计划管理", "接收消息日志"], columns=columns, tabs=_status_tabs(),
        form_class=MessageFilterForm, apply_filters=_filter_messages, export_name="一体化接收消息日志",
        ordering=ORDERING, row_actions=lambda req, m: [("查看", _detail_link(m))],
    )
