"""The budget platform's inbound feed (预算管理一体化 → 政采): three signed JSON endpoints.

`GET /integration/messages` is the regulator's 接收消息日志 over JSON (the page's form, tabs and order).
The inbound operations do their own authentication (per-client HMAC signature, integration/signing.py) instead of
the API's token/session auth; every message, refused ones too, is kept (integration.InboundMessage).
"""

from datetime import datetime

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from ninja import Field, Router, Schema

from core.api import ErrorOut, actor
from core.errors import NotAllowed
from core.listing import api_list, list_openapi, list_schema

from . import lists, selectors, services
from .models import InboundMessage

router = Router(tags=["一体化接入"])

HEADERS_DOC = (
    "请求头：`X-Client-Id`（客户端标识）、`X-Message-Id`（消息ID，重复的消息ID只确认、不重复处理）、"
    "`X-Timestamp`（Unix 秒，与服务器时间相差不得超过规则参数 integration_max_skew_seconds）、"
    "`X-Signature-Version: 2`，`X-Signature` = 十六进制 HMAC-SHA256(客户端密钥, "
    "`2\\n请求方法\\n请求路径\\n时间戳\\n消息ID\\n原始报文`)；旧版签名（版本1，无 X-Signature-Version，"
    "`时间戳\\n消息ID\\n原始报文`）只在系统管理员为该客户端设定的截止日期前接受。"
    "未认证或被拒收的请求按来源地址限流，已认证的客户端按客户端限流，超限应答 429。"
    "报文为单条记录 `{...}` 或批量 `{\"records\": [...]}`（批量整体处理，一条失败则全部不处理）。"
    "金额为字符串（元，两位小数）。"
)


class AckOut(Schema):
    status: str
    message_id: str
    id: int
    records: list[dict] | None = None
    original_id: int | None = None


RESPONSES = {200: AckOut, 400: ErrorOut, 401: ErrorOut, 413: ErrorOut, 422: ErrorOut, 429: ErrorOut,
             500: ErrorOut, 503: ErrorOut}


def _body_doc(example: dict) -> dict:
    return {"requestBody": {"required": True, "content": {"application/json": {
        "schema": {"type": "object", "additionalProperties": True}, "example": example}}}}


def _receive(request, kind: str):
    source_ip = request.META.get("REMOTE_ADDR") or None
    try:
        raw = request.body
    except RequestDataTooBig:
        reply = services.refuse_too_large(kind=kind, headers=request.headers, source_ip=source_ip)
    else:
        reply = services.receive(kind=kind, headers=request.headers, raw=raw, method=request.method,
                                 path=request.path, source_ip=source_ip)
    response = JsonResponse(reply.body, status=reply.status, json_dumps_params={"ensure_ascii": False})
    for name, value in reply.headers.items():
        response[name] = value
    return response


@router.post("/integration/budget-platform/indicators", auth=None, response=RESPONSES,
             summary="接收一体化预算指标（新增、调整、结转、删除）",
             description=HEADERS_DOC + " 每条记录含 `ACTION`：new | adjust（`ADJ_AMT` 正负调整额、`ADJ_BATCH_NO`）| "
                                       "carry_over（新年度指标，`ORI_BGT_ID` 为原指标）| delete（指标失效，不物理删除）。",
             openapi_extra=_body_doc({"records": [{
                 "ACTION": "new", "BGT_ID": "BGT2026350001001001", "MOF_DIV_CODE": "350000", "FISCAL_YEAR": 2026,
                 "AGENCY_CODE": "350001001", "PRO_CODE": "35002635000100001", "PRO_NAME": "教学设备购置",
                 "COR_BGT_DOC_NO": "闽财教指〔2026〕1号", "BGT_TYPE_CODE": "1", "SOURCE_TYPE_CODE": "1",
                 "FUND_TYPE_CODE": "111", "EXP_FUNC_CODE": "2050204", "GOV_BGT_ECO_CODE": "50601",
                 "DEP_BGT_ECO_CODE": "31002", "PAY_TYPE_CODE": "11", "IS_GOV_PUR": "1", "AMOUNT": "1250000.00",
                 "CUR_AMT": "1250000.00", "BGT_EXE_FLAG": "1"},
                 {"ACTION": "adjust", "BGT_ID": "BGT2026350001001001", "ADJ_AMT": "-200000.00",
                  "ADJ_BATCH_NO": "TZ20260001"}]}))
def indicators(request):
    return _receive(request, InboundMessage.KIND_INDICATOR)


@router.post("/integration/budget-platform/units", auth=None, response=RESPONSES,
             summary="接收一体化单位基本信息", description=HEADERS_DOC + " 按 USCC + FISCAL_YEAR 新增或更新。",
             openapi_extra=_body_doc({"AGENCY_CODE": "350001001", "AGENCY_NAME": "福建省教育厅",
                                      "USCC": "12350000003591177X", "MOF_DIV_CODE": "350000",
                                      "FISCAL_YEAR": 2026, "IS_VALID": "1"}))
def units(request):
    return _receive(request, InboundMessage.KIND_UNIT)


@router.post("/integration/budget-platform/subordinations", auth=None, response=RESPONSES,
             summary="接收一体化隶属关系",
             description=HEADERS_DOC + " 只记录并在「一体化隶属关系」页与本系统隶属关系比对，不自动修改本系统的隶属关系。",
             openapi_extra=_body_doc({"AGENCY_CODE": "350001002", "SUPER_AGENCY_CODE": "350001001"}))
def subordinations(request):
    return _receive(request, InboundMessage.KIND_SUBORDINATION)


# ---- 接收消息日志 ------------------------------------------------------------------------------------------


class MessageOut(Schema):
    id: int
    message_id: str = Field(description="消息ID（X-Message-Id）")
    kind: str
    kind_label: str
    client_label: str = Field(description="客户端标识（未认证的请求为空）")
    action: str = Field(description="操作：new / adjust / carry_over / delete / batch")
    action_label: str
    received_at: datetime
    status: str = Field(description="处理状态：applied / duplicate / refused / failed")
    status_label: str
    http_status: int | None = Field(description="应答状态码")
    record_count: int
    fiscal_year: int | None
    mof_div_code: str
    agency_code: str
    summary: str = Field(description="处理结果摘要（与页面「处理结果」列相同）")

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_client_label(obj):
        return obj.client_label if obj.client_id else ""

    @staticmethod
    def resolve_action_label(obj):
        return lists.ACTION_LABELS.get(obj.action, obj.action)

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_summary(obj):
        return lists.summary(obj)


_MESSAGES = lists.message_spec()


@router.get("/integration/messages", response={200: list_schema(MessageOut, "MessagePage"), 401: ErrorOut,
                                                403: ErrorOut, 422: ErrorOut},
            summary="接收消息日志（监管部门）",
            description="本辖区收到的一体化消息（含拒收的），新的在前；筛选项与「接收消息日志」页面相同。",
            openapi_extra=list_openapi(_MESSAGES))
def message_list(request):
    user = actor(request)
    if selectors.region_prefix(user) is None:
        raise NotAllowed()
    return api_list(request, selectors.messages(user), _MESSAGES)
