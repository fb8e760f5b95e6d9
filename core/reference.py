"""Reference data seeded by migrations (regions, rule parameters). A flushed database (transactional
tests, a fresh demo) gets them back from the same source the migrations use."""

KEY = ("name", "region_code", "level", "effective_from")


def ensure_reference_data() -> None:
    from core.data.rule_parameters import parameters
    from core.models import RuleParameter
    from orgs.data.regions import seed as seed_regions
    from orgs.models import Region

    if not Region.objects.exists():
        seed_regions(Region)
    if not RuleParameter.objects.exists():
        for row in parameters():
            RuleParameter.objects.update_or_create(
                **{k: row[k] for k in KEY}, defaults={k: v for k, v in row.items() if k not in KEY})
    # seeds that later migrations add: categories and their parameters, the integration parameters
    from core.data.categories import ensure_seeded as ensure_categories
    from integration.params import ensure as ensure_integration_params

    ensure_categories()
    ensure_integration_params()
    from budgets.data.offices import ensure_seeded as ensure_budget_offices

    ensure_budget_offices()
