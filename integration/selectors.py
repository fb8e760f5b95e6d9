from .models import PlatformUnit


def platform_record_for(credit_code: str) -> PlatformUnit | None:
    """The budget platform's newest valid record for a unit, matched by 统一社会信用代码."""
    return (PlatformUnit.objects.filter(credit_code=credit_code, is_valid=True)
            .order_by("-fiscal_year", "-id").first())
