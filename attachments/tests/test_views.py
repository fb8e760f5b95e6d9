import hashlib

import pytest
from django.urls import reverse

from attachments.models import Attachment
from attachments.services import attachment_delete, attachment_upload
from core.testing import client_for

from .conftest import DOCX, PDF, PNG, set_max_mb, upload

pytestmark = pytest.mark.usefixtures("max_mb")

UPLOAD = "/attachments/upload/"


def test_urls():
    assert reverse("attachments:upload") == UPLOAD
    assert reverse("attachments:download", args=[7]) == "/attachments/7/download/"


def test_upload_as_clerk(world):
    client = client_for(world.fz_clerk)
    resp = client.post(UPLOAD, {"file": upload("采购说明.docx", DOCX), "purpose": "累计达到限额标准相关说明材料"})
    assert resp.status_code == 200
    body = resp.json()
    att = Attachment.objects.get(pk=body["id"])
    assert body == {"id": att.pk, "name": "采购说明.docx", "size": len(DOCX),
                    "sha256": hashlib.sha256(DOCX).hexdigest(), "url": f"/attachments/{att.pk}/download/"}
    assert att.unit == world.fz_unit and att.purpose == "累计达到限额标准相关说明材料" and att.kind == "docx"


@pytest.mark.parametrize("name,data,code,text", [
    ("病毒.exe", PDF, "file_type", "不支持的文件类型「.exe」"),
    ("伪装.pdf", PNG, "file_mismatch", "文件内容与扩展名不符。"),
    ("空.pdf", b"", "file_empty", "文件为空"),
])
def test_upload_refused_is_json_400(world, name, data, code, text):
    client = client_for(world.fz_clerk)
    resp = client.post(UPLOAD, {"file": upload(name, data)})
    assert resp.status_code == 400
    body = resp.json()
    assert body["code"] == code and text in body["message"]
    assert not Attachment.objects.exists()


def test_upload_oversize_is_json_400(world):
    set_max_mb("1")
    client = client_for(world.fz_clerk)
    resp = client.post(UPLOAD, {"file": upload("大.pdf", PDF + b"\x00" * (2 * 1024 * 1024))})
    assert resp.status_code == 400
    assert resp.json() == {"code": "file_too_large", "message": "文件大小 2.0MB 超过上限 1MB。"}


def test_upload_without_file(world):
    client = client_for(world.fz_clerk)
    resp = client.post(UPLOAD, {"purpose": "x"})
    assert resp.status_code == 400 and resp.json()["code"] == "file_missing"


def test_upload_needs_post_and_login(world):
    client = client_for(None)
    resp = client.post(UPLOAD, {"file": upload("a.pdf", PDF)})
    assert resp.status_code == 302
    assert not Attachment.objects.exists()
    client = client_for(world.fz_clerk)
    assert client.get(UPLOAD).status_code == 405


@pytest.fixture
def stored(world):
    return attachment_upload(actor=world.fz_clerk, file=upload("福州一中 采购说明（2026）.pdf", PDF))


def _url(att):
    return reverse("attachments:download", args=[att.pk])


@pytest.mark.parametrize("who", ["fz_clerk", "fz_reviewer", "fj_reg", "fz_reg"])
def test_download_in_scope(world, stored, who):
    client = client_for(getattr(world, who))
    resp = client.get(_url(stored))
    assert resp.status_code == 200
    assert b"".join(resp.streaming_content) == PDF
    assert resp["Content-Type"] == "application/pdf"
    disposition = resp["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" in disposition
    assert "%E7%A6%8F%E5%B7%9E%E4%B8%80%E4%B8%AD" in disposition  # 福州一中, RFC 5987 encoded
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert "private" in resp["Cache-Control"]


@pytest.mark.parametrize("who", ["jx_reg", "jx_clerk", "dept_clerk", "dept_competent"])
def test_download_out_of_scope_is_404(world, stored, who):
    client = client_for(getattr(world, who))
    assert client.get(_url(stored)).status_code == 404


def test_download_deleted_is_404(world, stored):
    attachment_delete(actor=world.fz_clerk, attachment=stored)
    client = client_for(world.fz_clerk)
    assert client.get(_url(stored)).status_code == 404


def test_download_missing_is_404(world):
    client = client_for(world.fz_clerk)
    assert client.get("/attachments/999999/download/").status_code == 404


def test_download_anonymous_redirects(stored):
    client = client_for(None)
    resp = client.get(_url(stored))
    assert resp.status_code == 302
    assert resp.status_code != 200


def test_competent_unit_sees_subordinate_attachment(world):
    att = attachment_upload(actor=world.sub1_clerk, file=upload("考试院.pdf", PDF))
    client = client_for(world.dept_competent)
    assert client.get(_url(att)).status_code == 200
    client = client_for(world.dept_clerk)  # a plain clerk of the competent unit has no subordinate scope
    assert client.get(_url(att)).status_code == 404


def test_delete_while_editing_then_refused_after_submit(world):
    """删除 on the form of a draft (htmx POST): soft delete; once submitted the same POST is refused."""
    from core.data.categories import ensure_seeded
    from projects.tests.support import make_indicator, save
    from workflow import engine

    ensure_seeded()
    project = save(world.dept_clerk, indicator=make_indicator(world.dept, "100000"))
    first = attachment_upload(actor=world.dept_clerk, file=upload("a.pdf", PDF), target=project)
    second = attachment_upload(actor=world.dept_clerk, file=upload("b.pdf", PDF), target=project)
    client = client_for(world.dept_clerk)
    page = client.get(f"/projects/{project.pk}/edit/").content.decode()
    assert f'hx-post="/attachments/{first.pk}/delete/"' in page and ">删除</button>" in page
    assert client.get(f"/attachments/{first.pk}/delete/").status_code == 405
    resp = client.post(f"/attachments/{first.pk}/delete/", HTTP_HX_REQUEST="true")
    assert resp.status_code == 200 and resp.content == b""
    assert Attachment.objects.get(pk=first.pk).is_deleted
    client = client_for(world.jx_clerk)
    assert client.post(f"/attachments/{second.pk}/delete/").status_code == 404  # out of scope
    engine.submit(project, world.dept_clerk)
    client = client_for(world.dept_clerk)
    assert f"/attachments/{second.pk}/delete/" not in client.get(f"/projects/{project.pk}/").content.decode()
    resp = client.post(f"/attachments/{second.pk}/delete/")
    assert resp.status_code == 400 and resp.json()["message"] == "单据已提交，附件不能删除；如需修改请先撤回。"
    assert not Attachment.objects.get(pk=second.pk).is_deleted
