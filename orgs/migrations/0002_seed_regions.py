from django.db import migrations


def seed(apps, schema_editor):
    from orgs.data.regions import seed as seed_regions

    seed_regions(apps.get_model("orgs", "Region"))


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
