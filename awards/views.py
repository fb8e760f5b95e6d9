"""Pages of 评审结果 beyond the kit's: the reviewer's 确认中标/成交供应商, the printable 通知书, the regulator's
查询 and 异常处理 lists (declared in awards/lists.py), and the public 结果公告 (no login)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from access import rights
from access.decorators import requires
from core.errors import BusinessError, FieldErrors, NotAllowed
from core.listing import render_list

from . import lists, selectors, services
from .docs import RESULT


@requires(rights.may_view_results)
def confirm(request, pk: int):
    """确认中标（成交）供应商: the candidate (first by default), a reason for another, 审核意见."""
    result = RESULT.get(request.user, pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.result_confirm(actor=request.user, result=result, winner_rank=request.POST.get("winner_rank"),
                                reason=request.POST.get("confirm_reason", ""), opinion=request.POST.get("opinion", ""),
                                version=request.POST.get("version"))
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except FieldErrors as exc:
        for message in exc.errors.values():
            messages.error(request, message)
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已确认中标（成交）供应商。")
    return redirect(RESULT.url("detail", pk))


@requires(rights.may_view_results)
def notice(request, pk: int):
    """The printable 中标/成交通知书 (自行采购中标通知书), once issued."""
    return render(request, "awards/notice.html", selectors.notice_context(request.user, pk))


def region_view(code: str):
    page = lists.PAGES[code]

    @requires(rights.may_supervise_trading)
    def view(request):
        return render_list(request, page.queryset(request.user), page.spec())

    view.__name__ = f"region_{code}"
    return view


# ---- public: published 结果公告 only, no login ---------------------------------------------------------------


def public_list(request):
    if request.GET.get("export"):  # the public reads pages; exports are for signed-in users
        raise Http404
    return render_list(request, selectors.published(), lists.PUBLIC_SPEC, template="awards/public_list.html")


def public_detail(request, pk: int):
    return render(request, "awards/public_detail.html", selectors.public_context(selectors.published_one(pk)))
