from django.db import migrations


def seed(apps, schema_editor):
    from orgs.data.regions import REGIONS

    Region = apps.get_model("orgs", "Region")
    by_code = {}
    for code, name, level, parent in REGIONS:
        parent_obj = by_code.get(parent)
        path = (parent_obj.path if parent_obj else "/") + code + "/"
        by_code[code] = Region.objects.update_or_create(
            code=code, defaults={"name": name, "level": level, "parent": parent_obj, "path": path})[0]


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
