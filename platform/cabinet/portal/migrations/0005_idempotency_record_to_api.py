"""IdempotencyRecord now belongs to the API core (api 0001 renamed its table); only the state changes here."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0004_branding_country'),
        ('api', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name='IdempotencyRecord')],
        ),
    ]
