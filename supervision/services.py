from django.db import transaction

from .models import Warning


@transaction.atomic
def warning_raise(*, kind: str, unit, target: str, target_label: str, message: str, basis: str = "",
                  level: str = "warn", once: bool = False) -> Warning:
    """Record a 监督预警. `once`: a document re-submitted after a return keeps its one open warning of the kind
    (its message updated) instead of piling up copies."""
    if once and (open_ := Warning.objects.select_for_update().filter(
            kind=kind, target=target, resolved_at__isnull=True).first()) is not None:
        open_.message, open_.target_label, open_.basis = message, target_label[:200], basis
        open_.save(update_fields=["message", "target_label", "basis"])
        return open_
    return Warning.objects.create(kind=kind, level=level, unit=unit, target=target, target_label=target_label[:200],
                                  message=message, basis=basis)
