from django.db import migrations


def seed(apps, schema_editor):
    from core.data.categories import seed as seed_categories
    from core.data.categories import seed_parameters

    seed_categories(apps.get_model("core", "Category"))
    seed_parameters(apps.get_model("core", "RuleParameter"))


def unseed(apps, schema_editor):
    from core.data.categories import CATEGORIES, MALL_MAX_AMOUNT, PARAMETER_KEY

    Category = apps.get_model("core", "Category")
    codes = [code for code, _ in CATEGORIES]
    for code in reversed(codes):  # children before parents (PROTECT)
        Category.objects.filter(code=code).delete()
    apps.get_model("core", "RuleParameter").objects.filter(**{k: MALL_MAX_AMOUNT[k] for k in PARAMETER_KEY}).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0004_category")]
    operations = [migrations.RunPython(seed, unseed)]
