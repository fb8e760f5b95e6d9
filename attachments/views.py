"""附件 upload (JSON for the upload widget) and scoped download."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from access import rights
from access.decorators import check, requires
from core.errors import BusinessError, NotAllowed

from . import selectors, services

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "png": "image/png",
    "zip": "application/zip",
}


@requires(rights.may_upload_attachments)
@require_POST
def upload(request):
    try:
        att = services.attachment_upload(actor=request.user, file=request.FILES.get("file"),
                                         purpose=request.POST.get("purpose", ""))
    except BusinessError as exc:
        return JsonResponse({"code": exc.code, "message": exc.message}, status=400,
                            json_dumps_params={"ensure_ascii": False})
    return JsonResponse({"id": att.pk, "name": att.original_name, "size": att.size, "sha256": att.sha256,
                         "url": reverse("attachments:download", args=[att.pk])},
                        json_dumps_params={"ensure_ascii": False})


@requires(rights.is_authenticated)
@require_GET
def download(request, pk: int):
    return file_response(selectors.get_for_download(request.user, pk))


def file_response(att):
    """The stored file of an attachment the caller has already read in scope (or that is public), as a download."""
    try:
        fh = att.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("附件文件不存在") from exc
    resp = FileResponse(fh, as_attachment=True, filename=att.original_name,
                        content_type=CONTENT_TYPES.get(att.kind, "application/octet-stream"))
    resp["Cache-Control"] = "private, no-store"
    return resp


@requires(rights.is_authenticated)
@require_POST
def delete(request, pk: int):
    """删除 on a document's form (htmx: the list item is replaced by nothing). Soft delete through the service,
    which refuses once the document was submitted."""
    att = selectors.get_for_download(request.user, pk)  # out of scope: 404
    check(rights.owns_attachment, request.user, att)  # another unit's, though visible: 403
    try:
        services.attachment_delete(actor=request.user, attachment=att)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except BusinessError as exc:
        return JsonResponse({"code": exc.code, "message": exc.message}, status=400,
                            json_dumps_params={"ensure_ascii": False})
    return HttpResponse("")
