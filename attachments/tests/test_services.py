import hashlib

import pytest
from django.contrib.contenttypes.models import ContentType

from attachments import selectors
from attachments.models import Attachment
from attachments.services import attachment_delete, attachment_link, attachment_upload
from audit.models import AuditLog
from audit.services import verify
from core.errors import BusinessError, NotAllowed

from .conftest import DOCX, JPG, OLE2, PDF, PNG, XLSX, ZIP, set_max_mb, upload

pytestmark = pytest.mark.usefixtures("max_mb")


@pytest.mark.parametrize("name,data,kind", [
    ("说明材料.pdf", PDF, "pdf"),
    ("现场照片.PNG", PNG, "png"),
    ("现场照片.jpg", JPG, "jpg"),
    ("现场照片.jpeg", JPG, "jpg"),
    ("请示.doc", OLE2, "doc"),
    ("明细.xls", OLE2, "xls"),
    ("请示.docx", DOCX, "docx"),
    ("明细.xlsx", XLSX, "xlsx"),
    ("材料.zip", ZIP, "zip"),
    ("请示打包.zip", DOCX, "zip"),
])
def test_accepts_each_type_with_real_bytes(world, media, name, data, kind):
    att = attachment_upload(actor=world.fz_clerk, file=upload(name, data), purpose="累计达到限额标准相关说明材料")
    att.refresh_from_db()
    assert att.kind == kind
    assert att.original_name == name
    assert att.size == len(data)
    assert att.sha256 == hashlib.sha256(data).hexdigest()
    assert att.unit == world.fz_unit and att.uploaded_by == world.fz_clerk
    assert att.purpose == "累计达到限额标准相关说明材料"
    assert att.content_type is None and att.object_id is None
    # stored under attachments/YYYY/MM/ with a random name, never the user's name
    parts = att.file.name.split("/")
    assert parts[0] == "attachments" and len(parts[1]) == 4 and len(parts[2]) == 2
    assert name.rsplit(".", 1)[0] not in att.file.name
    assert parts[3].endswith("." + kind)
    with att.file.open("rb") as fh:
        assert fh.read() == data
    assert (media / att.file.name).exists()


def test_audit_row_written(world):
    att = attachment_upload(actor=world.fz_clerk, file=upload("a.pdf", PDF))
    row = AuditLog.objects.get(object_key=f"attachments.attachment:{att.pk}")
    assert row.action == "attachment.upload" and row.actor == world.fz_clerk
    assert row.after["sha256"] == att.sha256 and row.after["original_name"] == "a.pdf"
    assert verify() == []


def test_sha256_of_large_multichunk_file(world):
    data = PDF + bytes(range(256)) * 12000  # ~3MB: several chunks
    att = attachment_upload(actor=world.fz_clerk, file=upload("big.pdf", data))
    assert att.sha256 == hashlib.sha256(data).hexdigest() and att.size == len(data)


@pytest.mark.parametrize("name,ext", [("setup.exe", ".exe"), ("脚本.JS", ".js"), ("a.pdf.bat", ".bat"),
                                      ("说明.txt", ".txt")])
def test_refuses_extension_outside_whitelist(world, name, ext):
    with pytest.raises(BusinessError) as exc:
        attachment_upload(actor=world.fz_clerk, file=upload(name, PDF))
    assert exc.value.message == f"不支持的文件类型「{ext}」，仅允许 pdf、doc、docx、xls、xlsx、jpg、png、zip。"
    assert exc.value.code == "file_type"
    assert not Attachment.objects.exists()


def test_refuses_file_without_extension(world):
    with pytest.raises(BusinessError, match="没有扩展名"):
        attachment_upload(actor=world.fz_clerk, file=upload("README", PDF))


def test_refuses_oversize_per_rule_parameter(world, media):
    set_max_mb("1")
    data = PDF + b"\x00" * int(1.3 * 1024 * 1024)
    with pytest.raises(BusinessError) as exc:
        attachment_upload(actor=world.fz_clerk, file=upload("大文件.pdf", data))
    assert exc.value.message == "文件大小 1.3MB 超过上限 1MB。"
    assert exc.value.code == "file_too_large"
    assert not Attachment.objects.exists()
    assert not (media / "attachments").exists()


def test_size_just_over_limit_shows_the_excess(world):
    set_max_mb("1")
    data = PDF + b"\x00" * (1024 * 1024 + 100 - len(PDF))
    with pytest.raises(BusinessError) as exc:
        attachment_upload(actor=world.fz_clerk, file=upload("a.pdf", data))
    assert exc.value.message == "文件大小 1.01MB 超过上限 1MB。"


def test_size_at_limit_is_accepted(world):
    set_max_mb("1")
    data = PDF + b"\x00" * (1024 * 1024 - len(PDF))
    assert attachment_upload(actor=world.fz_clerk, file=upload("刚好.pdf", data)).size == 1024 * 1024


def test_regional_limit_applies_to_units_of_that_region(world):
    set_max_mb("20")
    set_max_mb("1", region_code="350100")  # 福州 is stricter
    data = PDF + b"\x00" * (2 * 1024 * 1024)
    with pytest.raises(BusinessError, match="超过上限 1MB"):
        attachment_upload(actor=world.fz_clerk, file=upload("a.pdf", data))
    assert attachment_upload(actor=world.jx_clerk, file=upload("a.pdf", data)).size == len(data)


@pytest.mark.parametrize("name,data", [
    ("伪装.pdf", PNG),          # a PNG named .pdf
    ("伪装.png", PDF),
    ("伪装.jpg", PNG),
    ("伪装.doc", PDF),
    ("伪装.docx", XLSX),        # a workbook named .docx
    ("伪装.xlsx", DOCX),
    ("伪装.docx", ZIP),         # a plain zip without word/
    ("伪装.docx", OLE2),        # an old .doc renamed .docx
    ("伪装.zip", b"PK\x03\x04 not really a zip archive"),
    ("伪装.pdf", b"MZ\x90\x00 this is a windows executable"),
    ("伪装.xls", b"<html><script>alert(1)</script></html>"),
])
def test_refuses_content_that_does_not_match_extension(world, name, data):
    with pytest.raises(BusinessError) as exc:
        attachment_upload(actor=world.fz_clerk, file=upload(name, data, content_type="application/pdf"))
    assert exc.value.message.startswith("文件内容与扩展名不符。")
    assert exc.value.code == "file_mismatch"
    assert not Attachment.objects.exists()


def test_refuses_empty_file(world):
    with pytest.raises(BusinessError) as exc:
        attachment_upload(actor=world.fz_clerk, file=upload("空.pdf", b""))
    assert exc.value.code == "file_empty" and "文件为空" in exc.value.message


def test_strips_path_from_original_name(world):
    att = attachment_upload(actor=world.fz_clerk, file=upload("C:\\Users\\张三\\桌面\\说明.pdf", PDF))
    assert att.original_name == "说明.pdf"


def test_upload_with_target_links_at_once(world):
    att = attachment_upload(actor=world.fz_clerk, file=upload("a.pdf", PDF), target=world.fz_unit)
    assert att.content_type == ContentType.objects.get_for_model(world.fz_unit)
    assert att.object_id == world.fz_unit.pk
    assert list(selectors.attachments_for(world.fz_clerk, world.fz_unit)) == [att]


def test_link_then_list_scoped(world):
    att = attachment_upload(actor=world.fz_clerk, file=upload("a.pdf", PDF))
    attachment_link(actor=world.fz_clerk, attachment=att, target=world.fz_unit)
    att.refresh_from_db()
    assert att.target == world.fz_unit
    assert AuditLog.objects.filter(object_key=f"attachments.attachment:{att.pk}",
                                   action="attachment.link").count() == 1
    # idempotent for the same target; refused for another one
    attachment_link(actor=world.fz_clerk, attachment=att, target=world.fz_unit)
    with pytest.raises(BusinessError, match="已关联到其他单据"):
        attachment_link(actor=world.fz_clerk, attachment=att, target=world.jx_unit)
    assert list(selectors.attachments_for(world.fz_clerk, world.fz_unit)) == [att]
    assert list(selectors.attachments_for(world.fj_reg, world.fz_unit)) == [att]
    assert list(selectors.attachments_for(world.jx_reg, world.fz_unit)) == []
    assert list(selectors.attachments_for(world.jx_clerk, world.fz_unit)) == []


def test_link_by_other_unit_refused(world):
    att = attachment_upload(actor=world.fz_clerk, file=upload("a.pdf", PDF))
    with pytest.raises(NotAllowed):
        attachment_link(actor=world.jx_clerk, attachment=att, target=world.jx_unit)


def test_soft_delete(world, media):
    att = attachment_upload(actor=world.fz_clerk, file=upload("a.pdf", PDF), target=world.fz_unit)
    attachment_delete(actor=world.fz_reviewer, attachment=att)
    att.refresh_from_db()
    assert att.is_deleted and att.deleted_by == world.fz_reviewer and att.deleted_at is not None
    assert Attachment.objects.filter(pk=att.pk).exists()          # never hard-deleted
    assert (media / att.file.name).exists()                         # the file is kept too
    assert list(selectors.attachments_for(world.fz_clerk, world.fz_unit)) == []
    row = AuditLog.objects.filter(object_key=f"attachments.attachment:{att.pk}").last()
    assert row.action == "attachment.delete" and row.before["is_deleted"] is False and row.after["is_deleted"]
    with pytest.raises(BusinessError, match="已删除"):
        attachment_delete(actor=world.fz_clerk, attachment=att)
    with pytest.raises(BusinessError, match="已删除"):
        attachment_link(actor=world.fz_clerk, attachment=att, target=world.fz_unit)
    assert verify() == []


def test_delete_refused_once_the_document_is_submitted(world, media):
    """While the document is being edited its attachment may be removed; after 提交 it is part of the record."""
    from core.data.categories import ensure_seeded
    from projects.tests.support import make_indicator, save
    from workflow import engine

    ensure_seeded()
    ind = make_indicator(world.dept, "100000")
    project = save(world.dept_clerk, indicator=ind)
    first = attachment_upload(actor=world.dept_clerk, file=upload("a.pdf", PDF), target=project)
    second = attachment_upload(actor=world.dept_clerk, file=upload("b.pdf", PDF), target=project)
    attachment_delete(actor=world.dept_clerk, attachment=first)  # a draft: allowed
    assert Attachment.objects.get(pk=first.pk).is_deleted
    engine.submit(project, world.dept_clerk)
    with pytest.raises(BusinessError) as exc:
        attachment_delete(actor=world.dept_clerk, attachment=second)
    assert exc.value.code == "attachment_submitted"
    assert exc.value.message == "单据已提交，附件不能删除；如需修改请先撤回。"
    assert not Attachment.objects.get(pk=second.pk).is_deleted


def test_delete_only_by_uploader_unit(world):
    att = attachment_upload(actor=world.fz_clerk, file=upload("a.pdf", PDF))
    for other in (world.fj_reg, world.jx_clerk):  # in scope (regulator) or not, only the owning unit may delete
        with pytest.raises(NotAllowed):
            attachment_delete(actor=other, attachment=att)
    assert not Attachment.objects.get(pk=att.pk).is_deleted


def test_missing_parameter_is_a_clear_error(world):
    from core.models import RuleParameter

    RuleParameter.objects.filter(name="attachment_max_mb").delete()
    with pytest.raises(BusinessError, match="attachment_max_mb"):
        attachment_upload(actor=world.fz_clerk, file=upload("a.pdf", PDF))


def test_purpose_too_long_refused(world):
    with pytest.raises(BusinessError) as exc:
        attachment_upload(actor=world.fz_clerk, file=upload("a.pdf", PDF), purpose="说" * 101)
    assert exc.value.field == "purpose"
