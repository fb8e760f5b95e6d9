"""Work items for the documents that exist already (workflow.inbox.rebuild, through today's models)."""

from django.db import migrations


def backfill(apps, schema_editor):
    from workflow.inbox import backfill_for_migration

    backfill_for_migration(apps, schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("workflow", "0004_workitem"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
