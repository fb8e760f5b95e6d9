import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Project uses as a table (issue 8): which document uses a project, since when, released when."""

    dependencies = [
        ("projects", "0005_project_revoked_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProjectUse",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("by", models.CharField(max_length=80, verbose_name="使用单据")),
                ("label", models.CharField(blank=True, default="", max_length=200, verbose_name="单据名称")),
                ("since", models.DateTimeField(verbose_name="使用时间")),
                ("released_at", models.DateTimeField(blank=True, null=True, verbose_name="释放时间")),
                ("project", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="uses",
                                              to="projects.project", verbose_name="采购项目")),
            ],
            options={
                "verbose_name": "采购项目使用情况",
                "verbose_name_plural": "采购项目使用情况",
                "ordering": ["since", "id"],
                "indexes": [models.Index(condition=models.Q(("released_at__isnull", True)), fields=["by"],
                                         name="project_use_live_by")],
                "constraints": [models.UniqueConstraint(condition=models.Q(("released_at__isnull", True)),
                                                        fields=("project", "by"), name="project_use_live")],
            },
        ),
    ]
