"""Writes of 附件: upload (type/size/content checks, sha256), link to a document, soft delete."""

import hashlib
import math
import os
import unicodedata
import zipfile
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from audit import services as audit
from core import params
from core.errors import BusinessError, NotAllowed

from .models import Attachment

PARAMS = params.of("attachments")
MB = 1024 * 1024

# extension → the kind its content must sniff as
EXTENSIONS = {
    "pdf": Attachment.KIND_PDF, "doc": Attachment.KIND_DOC, "docx": Attachment.KIND_DOCX,
    "xls": Attachment.KIND_XLS, "xlsx": Attachment.KIND_XLSX, "jpg": Attachment.KIND_JPG,
    "jpeg": Attachment.KIND_JPG, "png": Attachment.KIND_PNG, "zip": Attachment.KIND_ZIP,
}
ALLOWED_TEXT = "pdf、doc、docx、xls、xlsx、jpg、png、zip"

SIG_PDF = b"%PDF-"
SIG_PNG = b"\x89PNG\r\n\x1a\n"
SIG_JPG = b"\xff\xd8\xff"
SIG_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SIG_ZIP = b"PK\x03\x04"

PURPOSE_MAX = Attachment._meta.get_field("purpose").max_length
NAME_MAX = Attachment._meta.get_field("original_name").max_length


def _refuse(message: str, code: str):
    raise BusinessError(message, code=code, field="file")


def clean_name(name: str) -> str:
    """The user's file name as shown back to users: no path, no control characters, bounded length."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip().strip(".")
    if len(name) > NAME_MAX:
        stem, ext = os.path.splitext(name)
        name = stem[: NAME_MAX - len(ext)] + ext
    return name


def extension_kind(name: str) -> tuple[str, str]:
    """(extension, expected kind) of a file name, or a refusal."""
    ext = os.path.splitext(name)[1].lower().lstrip(".")
    if not ext:
        _refuse(f"文件「{name}」没有扩展名，仅允许 {ALLOWED_TEXT}。", "file_type")
    if ext not in EXTENSIONS:
        _refuse(f"不支持的文件类型「.{ext}」，仅允许 {ALLOWED_TEXT}。", "file_type")
    return ext, EXTENSIONS[ext]


def _mb(value) -> str:
    value = Decimal(str(value))
    return str(int(value)) if value == value.to_integral_value() else format(value.normalize(), "f")


def max_bytes(actor) -> tuple[int, str]:
    """The upload limit in force for the actor's region: (bytes, 'NMB' text for messages)."""
    region_code = actor.unit.region.code if getattr(actor, "unit", None) else ""
    limit = PARAMS.attachment_max_mb(region_code=region_code)
    return int(Decimal(str(limit)) * MB), _mb(limit)


def _size_text(size: int, limit: int) -> str:
    """Size in MB for a refusal: one decimal, or two (rounded up) when one would not show the excess."""
    text = f"{size / MB:.1f}"
    if Decimal(text) * MB <= limit:
        text = f"{math.ceil(size * 100 / MB) / 100:.2f}"
    return f"{text}MB"


def _zip_names(fh) -> list[str] | None:
    fh.seek(0)
    try:
        with zipfile.ZipFile(fh) as zf:
            return zf.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        fh.seek(0)


def sniff(fh) -> str | None:
    """The kind of a file from its content (first bytes, and the zip directory for Office XML), or None.

    OLE2 (doc/xls) cannot be told apart from the header alone; it sniffs as 'ole2' and fits either.
    """
    fh.seek(0)
    head = fh.read(16)
    fh.seek(0)
    if head.startswith(SIG_PDF):
        return Attachment.KIND_PDF
    if head.startswith(SIG_PNG):
        return Attachment.KIND_PNG
    if head.startswith(SIG_JPG):
        return Attachment.KIND_JPG
    if head.startswith(SIG_OLE2):
        return "ole2"
    if head.startswith(SIG_ZIP):
        names = _zip_names(fh)
        if names is None:
            return None
        if any(n.startswith("word/") for n in names):
            return Attachment.KIND_DOCX
        if any(n.startswith("xl/") for n in names):
            return Attachment.KIND_XLSX
        return Attachment.KIND_ZIP
    return None


def _fits(expected: str, sniffed: str | None) -> bool:
    if sniffed is None:
        return False
    if sniffed == "ole2":
        return expected in (Attachment.KIND_DOC, Attachment.KIND_XLS)
    if expected == Attachment.KIND_ZIP:
        # a .docx/.xlsx renamed to .zip is still a readable zip archive
        return sniffed in (Attachment.KIND_ZIP, Attachment.KIND_DOCX, Attachment.KIND_XLSX)
    return sniffed == expected


def _kind_label(kind: str) -> str:
    return "Word/Excel 97-2003 文档" if kind == "ole2" else dict(Attachment.KINDS)[kind]


def _audit_fields(att: Attachment) -> dict:
    return {"unit": att.unit_id, "original_name": att.original_name, "stored_name": att.file.name,
            "size": att.size, "sha256": att.sha256, "kind": att.kind, "purpose": att.purpose,
            "target": (f"{att.content_type.app_label}.{att.content_type.model}:{att.object_id}"
                       if att.is_linked else None),
            "is_deleted": att.is_deleted}


def _check_target(target: models.Model):
    if target is None or target.pk is None:
        raise BusinessError("附件只能关联到已保存的单据。", code="attachment_target")


def attachment_upload(*, actor, file, purpose: str = "", target: models.Model | None = None) -> Attachment:
    """Check and store one uploaded file for the actor's unit; optionally link it to `target` at once."""
    unit = getattr(actor, "unit", None)
    if unit is None:
        raise NotAllowed("您的账号未关联单位，不能上传附件。")
    if file is None:
        _refuse("请选择要上传的文件。", "file_missing")
    purpose = (purpose or "").strip()
    if len(purpose) > PURPOSE_MAX:
        raise BusinessError(f"附件用途不能超过 {PURPOSE_MAX} 个字。", code="invalid", field="purpose")
    if target is not None:
        _check_target(target)

    name = clean_name(getattr(file, "name", ""))
    _ext, expected = extension_kind(name)                       # (a) whitelist
    limit, limit_text = max_bytes(actor)
    declared = getattr(file, "size", None)
    if declared == 0:                                          # (d) empty
        _refuse("文件为空，请重新选择。", "file_empty")
    if declared is not None and declared > limit:              # (b) size, before reading anything
        _refuse(f"文件大小 {_size_text(declared, limit)} 超过上限 {limit_text}MB。", "file_too_large")

    digest = hashlib.sha256()
    size = 0
    file.seek(0)
    for chunk in file.chunks():
        size += len(chunk)
        if size > limit:
            _refuse(f"文件大小 {_size_text(max(declared or 0, size), limit)} 超过上限 {limit_text}MB。", "file_too_large")
        digest.update(chunk)
    if size == 0:
        _refuse("文件为空，请重新选择。", "file_empty")

    sniffed = sniff(file)                                      # (c) content, never the name or browser
    if not _fits(expected, sniffed):
        detail = (f"该文件实际为 {_kind_label(sniffed)}，" if sniffed else "无法识别文件内容，")
        _refuse(f"文件内容与扩展名不符。{detail}请检查后重新上传。", "file_mismatch")
    kind = expected

    att = Attachment(unit=unit, purpose=purpose, original_name=name, size=size, sha256=digest.hexdigest(),
                     kind=kind, uploaded_by=actor, uploaded_at=timezone.now())
    if target is not None:
        att.content_type = ContentType.objects.get_for_model(target)
        att.object_id = target.pk
    file.seek(0)
    att.file.save("upload", file, save=False)
    try:
        with transaction.atomic():
            att.save()
            audit.record(actor=actor, action="attachment.upload", obj=att, after=_audit_fields(att))
    except BaseException:
        att.file.storage.delete(att.file.name)
        raise
    return att


def _own(actor, attachment: Attachment) -> Attachment:
    """Lock the attachment row; only the owning unit may change it."""
    att = Attachment.objects.select_for_update().get(pk=attachment.pk)
    if getattr(actor, "unit_id", None) != att.unit_id:
        raise NotAllowed("只有上传单位可以处理该附件。")
    if att.is_deleted:
        raise BusinessError("附件已删除。", code="attachment_deleted")
    return att


@transaction.atomic
def attachment_link(*, actor, attachment: Attachment, target: models.Model) -> Attachment:
    """Link an uploaded attachment to the document it belongs to. Linking to the same target again is a no-op."""
    _check_target(target)
    att = _own(actor, attachment)
    ct = ContentType.objects.get_for_model(target)
    if att.is_linked:
        if att.content_type_id == ct.pk and att.object_id == target.pk:
            return att
        raise BusinessError(f"附件「{att.original_name}」已关联到其他单据。", code="attachment_linked")
    before = _audit_fields(att)
    att.content_type, att.object_id = ct, target.pk
    att.save(update_fields=["content_type", "object_id"])
    audit.record(actor=actor, action="attachment.link", obj=att, before=before, after=_audit_fields(att))
    return att


@transaction.atomic
def attachment_delete(*, actor, attachment: Attachment) -> Attachment:
    """Soft delete: the row and the stored file are kept (records are kept 15 years)."""
    att = _own(actor, attachment)
    target = att.target if att.is_linked else None
    # a submitted (or finished) document keeps its attachments as they were reviewed
    if target is not None and getattr(target, "is_editable", True) is False:
        raise BusinessError("单据已提交，附件不能删除；如需修改请先撤回。", code="attachment_submitted")
    before = _audit_fields(att)
    att.is_deleted, att.deleted_at, att.deleted_by = True, timezone.now(), actor
    att.save(update_fields=["is_deleted", "deleted_at", "deleted_by"])
    audit.record(actor=actor, action="attachment.delete", obj=att, before=before,
                 after={**_audit_fields(att), "deleted_by": actor.pk})
    return att
