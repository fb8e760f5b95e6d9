"""主体管理's documents moved to registry (registry 0001 takes them over with their rows): orgs only forgets them."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0006_unit_kind_central'),
        ('registry', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='Subordination'),
                migrations.DeleteModel(name='UnitRegistration'),
            ],
            database_operations=[],
        ),
    ]
