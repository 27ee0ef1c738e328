"""Sign-in throttling moved from django-axes to `SignInAttempt` (docs/decisions.md). The last 90 days of
successful sign-ins axes logged are carried over (they are the account's sign-in history and make its usual
addresses familiar); then axes' tables and migration records leave this schema. Cheap per schema: one
INSERT … SELECT and four DROPs, all qualified with the schema being migrated."""

from django.db import migrations

AXES_TABLES = ("axes_accessattemptexpiration", "axes_accessattempt", "axes_accessfailurelog", "axes_accesslog")


def carry_over_and_drop_axes(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = '"%s"' % cursor.fetchone()[0].replace('"', '""')
        cursor.execute("SELECT to_regclass(%s)", [f"{schema}.axes_accesslog"])
        if cursor.fetchone()[0] is not None:
            cursor.execute(f"""
                INSERT INTO {schema}.accounts_signinattempt
                    (at, identifier, user_id, ip_address, user_agent, succeeded, cleared, counts_for_ip)
                SELECT log.attempt_time, left(log.username, 254), person.id, log.ip_address,
                       left(coalesce(log.user_agent, ''), 200), true, false, false
                FROM {schema}.axes_accesslog AS log
                JOIN {schema}.accounts_user AS person
                  ON lower(person.email) = log.username OR person.phone = log.username
                WHERE log.username IS NOT NULL AND log.attempt_time > now() - interval '90 days'
            """)
        for table in AXES_TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {schema}.{table} CASCADE")
        cursor.execute("SELECT to_regclass(%s)", [f"{schema}.django_migrations"])
        if cursor.fetchone()[0] is not None:
            cursor.execute(f"DELETE FROM {schema}.django_migrations WHERE app = 'axes'")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_sign_in_attempts_account_events'),
    ]

    operations = [
        migrations.RunPython(carry_over_and_drop_axes, migrations.RunPython.noop, elidable=True),
    ]
