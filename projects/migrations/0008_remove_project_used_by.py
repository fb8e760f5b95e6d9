from django.db import migrations


class Migration(migrations.Migration):
    """The columns ProjectUse replaced (their values were copied by 0007): dropped, so nothing reads them."""

    dependencies = [
        ("projects", "0007_projectuse_from_used_by"),
    ]

    operations = [
        migrations.RemoveField(model_name="project", name="used_at"),
        migrations.RemoveField(model_name="project", name="used_by"),
    ]
