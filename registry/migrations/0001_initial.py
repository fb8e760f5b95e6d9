"""主体管理's two documents leave orgs (DESIGN.md placed them there; they run on workflow and ask access, which
sit above orgs). Their rows stay: the models are taken over in the state only (orgs 0006 lets go of them), then
the tables are renamed, and the content types are relabelled so that the review records and work items that
point at them (workflow's generic keys) keep pointing at the same documents. Audit chains keep their keys
(registry.models: audit_label)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ("unitregistration", "subordination")


def _relabel(apps, old_label, new_label):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        old = ContentType.objects.filter(app_label=old_label, model=model).first()
        if old is None:
            continue  # a fresh database: post_migrate creates the content type under its new label
        new = ContentType.objects.filter(app_label=new_label, model=model).first()
        if new is not None:
            # made early through today's models (a backfill): what points at it moves to the old row first
            for related in apps.get_models():
                for field in related._meta.concrete_fields:
                    if field.is_relation and field.related_model is ContentType:
                        related._base_manager.filter(**{field.name: new}).update(**{field.name: old})
            new.delete()
        old.app_label = new_label
        old.save(update_fields=["app_label"])


def _clear_cache():
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()  # this process may have cached the old labels


def forwards(apps, schema_editor):
    _relabel(apps, "orgs", "registry")
    _clear_cache()


def backwards(apps, schema_editor):
    _relabel(apps, "registry", "orgs")
    _clear_cache()


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('orgs', '0005_subordination_stage_unitregistration_stage'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Subordination',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                        ('number', models.CharField(max_length=40, unique=True, verbose_name='单据编号')),
                        ('status', models.CharField(choices=[('draft', '编辑中'), ('pending', '审核中'), ('approved', '已办结'), ('withdrawn', '已撤回')], db_index=True, default='draft', max_length=10, verbose_name='状态')),
                        ('current_node', models.CharField(blank=True, default='', max_length=20, verbose_name='当前节点')),
                        ('last_action', models.CharField(blank=True, default='', max_length=10)),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='提交时间')),
                        ('approved_at', models.DateTimeField(blank=True, null=True, verbose_name='办结时间')),
                        ('stage', models.CharField(blank=True, default='', max_length=24, verbose_name='阶段')),
                        ('note', models.CharField(blank=True, default='', max_length=200, verbose_name='说明')),
                        ('dissolved_at', models.DateTimeField(blank=True, null=True, verbose_name='解除时间')),
                        ('dissolve_reason', models.CharField(blank=True, default='', max_length=200, verbose_name='解除原因')),
                        ('competent_unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='subordination_requests', to='orgs.unit', verbose_name='主管预算单位')),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='经办人')),
                        ('dissolved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='解除人')),
                        ('submitted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='提交人')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.unit', verbose_name='单位')),
                    ],
                    options={
                        'verbose_name': '隶属关系',
                        'verbose_name_plural': '隶属关系',
                        'ordering': ['-updated_at'],
                        'db_table': 'orgs_subordination',
                    },
                ),
                migrations.CreateModel(
                    name='UnitRegistration',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                        ('number', models.CharField(max_length=40, unique=True, verbose_name='单据编号')),
                        ('status', models.CharField(choices=[('draft', '编辑中'), ('pending', '审核中'), ('approved', '已办结'), ('withdrawn', '已撤回')], db_index=True, default='draft', max_length=10, verbose_name='状态')),
                        ('current_node', models.CharField(blank=True, default='', max_length=20, verbose_name='当前节点')),
                        ('last_action', models.CharField(blank=True, default='', max_length=10)),
                        ('version', models.PositiveIntegerField(default=1)),
                        ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='提交时间')),
                        ('approved_at', models.DateTimeField(blank=True, null=True, verbose_name='办结时间')),
                        ('stage', models.CharField(blank=True, default='', max_length=24, verbose_name='阶段')),
                        ('name', models.CharField(max_length=100, verbose_name='单位名称')),
                        ('credit_code', models.CharField(max_length=18, verbose_name='统一社会信用代码')),
                        ('budget_code', models.CharField(max_length=32, verbose_name='单位预算编码')),
                        ('level', models.CharField(choices=[('province', '省级'), ('city', '市级'), ('county', '县级')], max_length=8, verbose_name='单位级次')),
                        ('address', models.CharField(max_length=200, verbose_name='单位地址')),
                        ('legal_representative', models.CharField(max_length=30, verbose_name='法定代表人')),
                        ('contact_name', models.CharField(max_length=30, verbose_name='联系人')),
                        ('contact_phone', models.CharField(max_length=30, verbose_name='联系电话')),
                        ('is_competent', models.BooleanField(default=False, verbose_name='是否主管预算单位')),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='经办人')),
                        ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.region', verbose_name='所属区划')),
                        ('submitted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='提交人')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='orgs.unit', verbose_name='单位')),
                    ],
                    options={
                        'verbose_name': '采购单位用户库基本信息',
                        'verbose_name_plural': '采购单位用户库基本信息',
                        'ordering': ['-updated_at'],
                        'indexes': [models.Index(fields=['status', 'current_node'], name='orgs_unitre_status_d1b1ea_idx')],
                        'db_table': 'orgs_unitregistration',
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name='subordination', table=None),
        migrations.AlterModelTable(name='unitregistration', table=None),
        migrations.RunPython(forwards, backwards),
    ]
