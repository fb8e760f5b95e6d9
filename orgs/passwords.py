"""Password validators with Chinese messages (Django's length message has no Chinese plural form and shows
in English), plus two rules of our own: not the user name, not the old password."""

import unicodedata

from django.contrib.auth import password_validation as django_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError


class MinimumLengthValidator:
    def __init__(self, min_length: int = 8):
        self.min_length = min_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(f"密码长度至少为{self.min_length}位。", code="password_too_short")

    def get_help_text(self):
        return f"密码至少{self.min_length}位。"


class NumericPasswordValidator:
    def validate(self, password, user=None):
        if password.isdigit():
            raise ValidationError("密码不能全为数字。", code="password_entirely_numeric")

    def get_help_text(self):
        return "密码不能全为数字。"


class CommonPasswordValidator(django_validation.CommonPasswordValidator):
    def validate(self, password, user=None):
        try:
            super().validate(password, user)
        except ValidationError:
            raise ValidationError("密码过于常见。", code="password_too_common") from None

    def get_help_text(self):
        return "密码不能是常见密码。"


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").casefold()


class NotUserNameValidator:
    def validate(self, password, user=None):
        if user is not None and user.get_username() and _fold(password) == _fold(user.get_username()):
            raise ValidationError("密码不能与用户名相同。", code="password_is_username")

    def get_help_text(self):
        return "密码不能与用户名相同。"


class NotOldPasswordValidator:
    """Validation runs before the new hash is set: the user's stored hash is still the old password."""

    def validate(self, password, user=None):
        # hashers.check_password, not user.check_password: no re-hash written as a side effect
        if user is not None and user.pk and user.has_usable_password() and check_password(password, user.password):
            raise ValidationError("新密码不能与原密码相同。", code="password_unchanged")

    def get_help_text(self):
        return "新密码不能与原密码相同。"
