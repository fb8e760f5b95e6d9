"""The old `used_by` (';'-joined document keys) and `used_at` become ProjectUse rows, one per key, dated
`used_at` (else the project's last update). Backwards: the live uses joined again (cut to the old 60
characters, as the old column could hold no more)."""

from django.db import migrations

SEPARATOR = ";"
BATCH = 2000


def forward(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    ProjectUse = apps.get_model("projects", "ProjectUse")
    rows = []
    for pk, used_by, used_at, updated_at in (Project.objects.exclude(used_by="").order_by("pk")
                                             .values_list("pk", "used_by", "used_at", "updated_at")
                                             .iterator(chunk_size=BATCH)):
        for by in dict.fromkeys(u.strip() for u in used_by.split(SEPARATOR) if u.strip()):
            rows.append(ProjectUse(project_id=pk, by=by[:80], since=used_at or updated_at))
        if len(rows) >= BATCH:
            ProjectUse.objects.bulk_create(rows)
            rows = []
    ProjectUse.objects.bulk_create(rows)


def backward(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    ProjectUse = apps.get_model("projects", "ProjectUse")
    keys, since = {}, {}
    for use in ProjectUse.objects.filter(released_at__isnull=True).order_by("since", "id").iterator():
        keys.setdefault(use.project_id, []).append(use.by)
        since.setdefault(use.project_id, use.since)
    for pk, by in keys.items():
        Project.objects.filter(pk=pk).update(used_by=SEPARATOR.join(by)[:60], used_at=since[pk])


class Migration(migrations.Migration):

    dependencies = [
        ("projects", "0006_projectuse"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
