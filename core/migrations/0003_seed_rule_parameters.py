from django.db import migrations

KEY = ("name", "region_code", "level", "effective_from")


def seed(apps, schema_editor):
    from core.data.rule_parameters import parameters

    RuleParameter = apps.get_model("core", "RuleParameter")
    for row in parameters():
        RuleParameter.objects.update_or_create(
            **{k: row[k] for k in KEY}, defaults={k: v for k, v in row.items() if k not in KEY})


def unseed(apps, schema_editor):
    from core.data.rule_parameters import parameters

    RuleParameter = apps.get_model("core", "RuleParameter")
    for row in parameters():
        RuleParameter.objects.filter(**{k: row[k] for k in KEY}).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial"), ("orgs", "0002_seed_regions")]
    operations = [migrations.RunPython(seed, unseed)]
