from django.db import migrations


def seed(apps, schema_editor):
    from integration.params import ensure

    ensure(apps.get_model("core", "RuleParameter"))


def unseed(apps, schema_editor):
    from integration.params import KEY, PARAMETERS

    RuleParameter = apps.get_model("core", "RuleParameter")
    for row in PARAMETERS:
        RuleParameter.objects.filter(**{k: row[k] for k in KEY}).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0004_category"), ("core", "0005_seed_categories")]
    operations = [migrations.RunPython(seed, unseed)]
