"""Stored answers of idempotent requests move to the core (portal 0003, keyed by the customer). They live
24 hours and only guard retries in flight, so the table is dropped without copying its rows."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('apikeys', '0001_initial'),
        ('portal', '0003_idempotency_record'),
    ]

    operations = [
        migrations.DeleteModel(
            name='IdempotencyRecord',
        ),
    ]
