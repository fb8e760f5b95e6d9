from django.db import migrations


def seed(apps, schema_editor):
    from integration.params import ensure

    ensure(apps.get_model("core", "RuleParameter"))  # get_or_create: only the new rate-limit rows are added


def unseed(apps, schema_editor):
    RuleParameter = apps.get_model("core", "RuleParameter")
    RuleParameter.objects.filter(name__in=["integration_rate_window_seconds", "integration_refused_per_window",
                                           "integration_requests_per_window"]).delete()


class Migration(migrations.Migration):
    dependencies = [("integration", "0004_inbound_hardening_signature_v2"), ("core", "0006_integration_params")]
    operations = [migrations.RunPython(seed, unseed)]
