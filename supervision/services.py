from django.db import transaction

from .models import Warning


@transaction.atomic
def warning_raise(*, kind: str, unit, target: str, target_label: str, message: str, basis: str = "",
                  level: str = "warn") -> Warning:
    return Warning.objects.create(kind=kind, level=level, unit=unit, target=target, target_label=target_label[:200],
                                  message=message, basis=basis)
