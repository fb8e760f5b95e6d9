"""Gap-free document numbers: one locked counter row per (type, region, year).

Call inside the business transaction that creates the document: if it rolls back, the number is
not consumed, so the sequence stays gap-free.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction

from .models import DocumentCounter

# doc_type → prefix, from each app's AppConfig.number_prefixes (filled by CoreConfig.ready)
PREFIXES: dict[str, str] = {}


def declare_prefixes(app_label: str, prefixes: dict[str, str]) -> None:
    for doc_type, prefix in prefixes.items():
        if PREFIXES.get(doc_type, prefix) != prefix:
            raise ImproperlyConfigured(f"{app_label}: number prefix of {doc_type!r} is already {PREFIXES[doc_type]!r}")
        PREFIXES[doc_type] = prefix


def next_number(doc_type: str, region_code: str, year: int) -> int:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the business transaction")
    for _ in range(3):
        counter = (DocumentCounter.objects.select_for_update()
                   .filter(doc_type=doc_type, region_code=region_code, year=year).first())
        if counter is None:
            try:
                with transaction.atomic():
                    counter = DocumentCounter.objects.create(
                        doc_type=doc_type, region_code=region_code, year=year, last=0)
            except IntegrityError:
                continue  # another transaction created it first; lock theirs
            counter = DocumentCounter.objects.select_for_update().get(pk=counter.pk)
        counter.last += 1
        counter.save(update_fields=["last"])
        return counter.last
    raise RuntimeError("could not obtain a document counter")


def format_number(doc_type: str, region_code: str, year: int, seq: int) -> str:
    return f"{PREFIXES.get(doc_type, doc_type.upper()[:2])}-{region_code}-{year}-{seq:06d}"


def issue(doc_type: str, region_code: str, year: int) -> str:
    return format_number(doc_type, region_code, year, next_number(doc_type, region_code, year))
