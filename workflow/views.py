"""The one handler for engine buttons (提交/撤回/审核通过/审核不通过) used by every document's views."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect

from core.errors import BusinessError, FieldErrors, NotAllowed

from . import engine

DONE = {"submit": "已提交。", "withdraw": "已撤回。", "approve": "审核通过。", "reject": "已退回。"}


def handle_action(request, doc, action: str, next_url: str):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if action not in DONE:
        raise PermissionDenied
    version = request.POST.get("version") or None
    if action not in engine.available_actions(request.user, doc):
        if version and str(doc.version) != str(version):
            messages.error(request, "单据已被他人处理，请刷新页面后重试。")
            return redirect(next_url)
        # a button the user is not shown is a forbidden URL, not a business message
        raise PermissionDenied
    opinion = request.POST.get("opinion", "")
    try:
        if action == "submit":
            engine.submit(doc, request.user, version=version)
        elif action == "withdraw":
            engine.withdraw(doc, request.user, version=version)
        elif action == "approve":
            engine.approve(doc, request.user, opinion=opinion, version=version)
        else:
            engine.reject(doc, request.user, opinion=opinion, version=version)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except FieldErrors as exc:  # a rule re-checked at the transition: the row messages say what to fix
        for msg in exc.errors.values():
            messages.error(request, msg)
        return redirect(next_url)
    except BusinessError as exc:
        messages.error(request, exc.message)
        return redirect(next_url)
    messages.success(request, DONE[action])
    return redirect(next_url)

