"""Errors raised by services. Views turn them into a message beside the field or a JSON error."""


class BusinessError(Exception):
    """A rule refused the action. `message` is Chinese and shown to the user as is."""

    status = 422

    def __init__(self, message: str, *, code: str = "business_rule", field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


class StaleError(BusinessError):
    status = 409

    def __init__(self, message: str = "单据已被他人处理，请刷新页面后重试。"):
        super().__init__(message, code="stale")


class NotAllowed(BusinessError):
    """The user may see the row but may not do this action on it (403)."""

    status = 403

    def __init__(self, message: str = "您没有执行此操作的权限。"):
        super().__init__(message, code="forbidden")


class FieldErrors(BusinessError):
    """Several fields failed validation: {field: Chinese message}."""

    def __init__(self, errors: dict, message: str = "请修正标出的字段。"):
        super().__init__(message, code="invalid")
        self.errors = errors
