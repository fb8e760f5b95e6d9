from django.db import transaction

from access import rights
from audit import services as audit
from core.errors import FieldErrors, NotAllowed

from .models import Bulletin


@transaction.atomic
def bulletin_publish(*, actor, title: str, body: str) -> Bulletin:
    if not rights.may_publish_bulletins(actor):
        raise NotAllowed("只有监管部门可以发布通知。")
    errors = {}
    if not (title or "").strip():
        errors["title"] = "请填写标题。"
    if not (body or "").strip():
        errors["body"] = "请填写内容。"
    if errors:
        raise FieldErrors(errors)
    bulletin = Bulletin.objects.create(title=title.strip(), body=body.strip(), region=actor.unit.region,
                                       published_by=actor)
    audit.record(actor=actor, action="bulletin.publish", obj=bulletin, after=audit.snapshot(bulletin))
    return bulletin
