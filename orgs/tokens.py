"""Bearer tokens of machine clients (the budget platform, agencies): issued, revoked and checked here, where
their model is. The JSON API's authentication is `API_AUTH`: a token first, else the browser's session."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from ninja.security import HttpBearer

from audit import services as audit
from core.api import SessionAuth
from core.errors import BusinessError, FieldErrors

from .models import ApiToken

TOUCH_EVERY = timedelta(seconds=60)  # last_used_at is written at most once a minute per token


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def create_token(user, name: str, *, actor=None) -> tuple[ApiToken, str]:
    """Issue a bearer token for `user`. Returns (token, key); the key is not stored and cannot be shown again.

    `actor` is who issued it (None from the command line)."""
    name = (name or "").strip()
    if not name:
        raise FieldErrors({"name": "请填写令牌用途。"})
    if not user.is_active:
        raise BusinessError("停用的用户不能签发令牌。", code="user_inactive")
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:60], key_hash=hash_key(key), prefix=key[:8])
    audit.record(actor=actor, action="api_token.create", obj=token,
                 after={"user_id": user.pk, "name": token.name, "prefix": token.prefix})
    return token, key


@transaction.atomic
def revoke_token(token: ApiToken, actor=None) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="api_token.revoke", obj=token, before={"revoked_at": None},
                     after={"revoked_at": token.revoked_at})
    return token


def user_for_key(key: str):
    """The active user a live token belongs to, or None. Marks the token as used."""
    if not key:
        return None
    token = (ApiToken.objects.select_related("user", "user__unit")
             .filter(key_hash=hash_key(key), revoked_at__isnull=True).first())
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <key>` for machine clients; no CSRF (no cookies involved)."""

    def authenticate(self, request, token):
        user = user_for_key(token.strip())
        if user is not None:
            request.user = user  # code that reads request.user sees the token's user
        return user


# token first: a machine client sending a bearer token is never asked for a CSRF token
API_AUTH = [TokenAuth(), SessionAuth()]
