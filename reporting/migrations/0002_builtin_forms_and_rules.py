"""The 2024 form (and 2025, same definition) and the spec's built-in validation rules."""

from django.db import migrations

from reporting.definitions import install


def forwards(apps, schema_editor):
    install(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
