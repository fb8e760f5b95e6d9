"""附件: uploaded files, owned by a unit (for scope), linked to the document they belong to."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


def stored_path(instance: "Attachment", filename: str) -> str:
    """attachments/<year>/<month>/<random>.<kind>: the user's file name never reaches the disk."""
    now = timezone.localtime()
    return f"attachments/{now:%Y}/{now:%m}/{uuid.uuid4().hex}.{instance.kind or 'bin'}"


class Attachment(models.Model):
    KIND_PDF = "pdf"
    KIND_DOC = "doc"
    KIND_DOCX = "docx"
    KIND_XLS = "xls"
    KIND_XLSX = "xlsx"
    KIND_JPG = "jpg"
    KIND_PNG = "png"
    KIND_ZIP = "zip"
    KINDS = [(KIND_PDF, "PDF 文档"), (KIND_DOC, "Word 文档（doc）"), (KIND_DOCX, "Word 文档（docx）"),
             (KIND_XLS, "Excel 表格（xls）"), (KIND_XLSX, "Excel 表格（xlsx）"), (KIND_JPG, "JPG 图片"),
             (KIND_PNG, "PNG 图片"), (KIND_ZIP, "ZIP 压缩包")]

    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="attachments",
                             verbose_name="所属单位")
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="关联单据类型")
    object_id = models.PositiveBigIntegerField("关联单据ID", null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    purpose = models.CharField("附件用途", max_length=100, blank=True, default="")
    original_name = models.CharField("原文件名", max_length=255)
    file = models.FileField("文件", upload_to=stored_path, max_length=255)
    size = models.PositiveBigIntegerField("文件大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    kind = models.CharField("文件类型", max_length=8, choices=KINDS)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="上传人")
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)
    is_deleted = models.BooleanField("已删除", default=False)
    deleted_at = models.DateTimeField("删除时间", null=True, blank=True)
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="删除人")

    class Meta:
        verbose_name = verbose_name_plural = "附件"
        ordering = ["id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="attachment_target")]

    def __str__(self):
        return self.original_name

    @property
    def is_linked(self) -> bool:
        return self.content_type_id is not None and self.object_id is not None
