"""Writes of orgs: the units' own changes (what an approved 主体管理 document applies), login and password.
One function per business verb, audited; the documents themselves are registry's."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit import services as audit
from core import params
from core.errors import BusinessError, FieldErrors

from . import signals
from .models import Unit
from .scope_columns import refresh_scope_columns

PARAMS = params.of("orgs")

# what a reviewed 用户库基本信息 may set on its unit
REGISTERED_FIELDS = ("name", "credit_code", "budget_code", "level", "region", "address", "legal_representative",
                     "contact_name", "contact_phone", "is_competent")


def unit_register(*, unit_id: int, values: dict, actor) -> Unit:
    """The unit takes reviewed information and becomes 正式库会员 (the effect of an approved 用户库基本信息).
    Runs inside the approval's transaction."""
    if set(values) - set(REGISTERED_FIELDS):
        raise ValueError(f"not a registered field: {sorted(set(values) - set(REGISTERED_FIELDS))}")
    unit = Unit.objects.select_for_update().get(pk=unit_id)
    before = audit.snapshot(unit)
    for name, value in values.items():
        setattr(unit, name, value)
    if not unit.is_member:
        unit.is_member = True
        unit.member_since = timezone.now()
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError:  # a code taken by another unit since the review's check
        raise BusinessError("统一社会信用代码或单位预算编码已被其他单位使用，不能审核通过，请退回。",
                            code="code_taken") from None
    refresh_scope_columns([unit])  # the region may have changed: its documents follow
    audit.record(actor=actor, action="unit.member", obj=unit, before=before, after=audit.snapshot(unit))
    # budgets links the platform's indicators that arrived under the unit's code (its subscriber)
    signals.unit_registered.send(sender=Unit, unit=unit, actor=actor)
    return unit


def unit_set_competent(*, unit_id: int, competent: Unit | None, actor) -> Unit:
    """Link a unit under its competent unit, or unlink it (None): its path and its rows' scope columns follow.
    Runs inside the caller's transaction (a confirmed or dissolved 隶属关系)."""
    unit = Unit.objects.select_for_update().get(pk=unit_id)
    before = audit.snapshot(unit, ["competent_id", "path"])
    unit.competent = competent
    unit.save(update_fields=["competent", "updated_at"])
    unit.refresh_path()
    refresh_scope_columns([unit])
    audit.record(actor=actor, action="unit.competent", obj=unit, before=before,
                 after=audit.snapshot(unit, ["competent_id", "path"]))
    return unit


# ---- 登录 -----------------------------------------------------------------------------------------------


def login_key(username: str) -> str:
    """The name failures are counted under: the account's own user name when the (NFKC-normalised, as
    Django authenticates it) name is an account, else the normalised name. One count per account, whatever
    the spelling (issue 6 #2: 'ｎcx_reviewer' logged in while 'ncx_reviewer' was locked)."""
    from .models import User

    name = User.normalize_username((username or "").strip())
    account = User.objects.filter(username=name).values_list("username", flat=True).first()
    return account or name


def login_locked_until(username: str):
    """When too many recent failures: the time the account unlocks; else None. Counts since the last success."""
    from datetime import timedelta

    from .models import LoginAttempt

    username = login_key(username)
    max_failures = PARAMS.login_max_failures()
    window = timedelta(minutes=PARAMS.login_lock_minutes())
    since = timezone.now() - window
    last_ok = (LoginAttempt.objects.filter(username=username, succeeded=True, at__gte=since)
               .order_by("-at").values_list("at", flat=True).first())
    failures = LoginAttempt.objects.filter(username=username, succeeded=False, at__gte=last_ok or since)
    if failures.count() >= max_failures:
        return failures.order_by("-at").values_list("at", flat=True).first() + window
    return None


def login_record(username: str, ip: str | None, succeeded: bool) -> None:
    from .models import LoginAttempt

    LoginAttempt.objects.create(username=login_key(username)[:150], ip=ip, succeeded=succeeded)


def password_change(*, actor, old: str, new: str, new2: str, ip: str | None = None) -> None:
    """修改密码. A wrong old password counts as a login failure of the account (and the lock applies), so a
    left-open session cannot be used to guess the password. The failure is recorded outside the change's
    transaction so that refusing the change does not roll it back."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    until = login_locked_until(actor.username)
    if until:
        raise FieldErrors({"old": f"原密码输错次数过多，请于 {timezone.localtime(until):%H:%M} 后再试。"})
    errors = {}
    if not actor.check_password(old):
        login_record(actor.username, ip, False)
        errors["old"] = "原密码不正确。"
    if new != new2:
        errors["new2"] = "两次输入的新密码不一致。"
    if not errors:
        try:
            validate_password(new, actor)
        except ValidationError as exc:
            errors["new"] = "；".join(exc.messages)
    if errors:
        raise FieldErrors(errors)
    with transaction.atomic():
        actor.set_password(new)
        actor.save(update_fields=["password"])
        login_record(actor.username, ip, True)
        audit.record(actor=actor, action="user.password_change", obj=actor)
