import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("portal", "0006_branding_time_zone")]

    operations = [
        migrations.CreateModel(
            name="LegalDetails",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("legal_name", models.CharField(blank=True, max_length=200, verbose_name="legal name")),
                ("tax_number", models.CharField(blank=True, max_length=20, verbose_name="tax number")),
                ("address", models.TextField(blank=True, max_length=500, verbose_name="legal address")),
                ("bank_name", models.CharField(blank=True, max_length=200, verbose_name="bank")),
                ("bank_account", models.CharField(blank=True, max_length=34, verbose_name="bank account")),
                ("bank_code", models.CharField(blank=True, max_length=11, verbose_name="bank code (BIC, SWIFT, MFO)")),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
        ),
    ]
