from django.db import migrations


def seed(apps, schema_editor):
    from trading.params import ensure

    ensure(apps.get_model("core", "RuleParameter"))


def unseed(apps, schema_editor):
    from trading.params import KEY, PARAMETERS

    RuleParameter = apps.get_model("core", "RuleParameter")
    for row in PARAMETERS:
        RuleParameter.objects.filter(**{k: row[k] for k in KEY}).delete()


class Migration(migrations.Migration):
    dependencies = [("trading", "0002_announcements"), ("core", "0008_jobs")]
    operations = [migrations.RunPython(seed, unseed)]
