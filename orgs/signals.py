"""What orgs tells, or asks of, the apps above it without importing them (orgs sits below every domain app).

Signals are sent inside the business transaction, so a subscriber's failure rolls the change back with it.
Providers are single functions an app above registers in its AppConfig.ready().
"""

from django.dispatch import Signal

# a unit became 正式库会员 or took reviewed information (单位注册审核通过); kwargs: unit, actor
unit_registered = Signal()

_providers: dict[str, object] = {}


def provide(name: str, fn) -> None:
    """Register the one function that answers `name` (e.g. integration's "platform_record")."""
    if _providers.get(name, fn) is not fn:
        raise RuntimeError(f"provider {name!r} is already registered")
    _providers[name] = fn


def platform_record_for(credit_code: str):
    """The budget platform's newest valid record of a unit (by 统一社会信用代码), or None; integration answers."""
    try:
        fn = _providers["platform_record"]
    except KeyError:
        raise RuntimeError("no app provides 'platform_record' (integration registers it in ready())") from None
    return fn(credit_code)
