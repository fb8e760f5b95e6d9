from django.db import migrations


def seed(apps, schema_editor):
    from awards.params import ensure

    ensure(apps.get_model("core", "RuleParameter"))  # idempotent: adds contract_sign_days where it is missing


class Migration(migrations.Migration):
    dependencies = [("awards", "0002_seed_params")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
