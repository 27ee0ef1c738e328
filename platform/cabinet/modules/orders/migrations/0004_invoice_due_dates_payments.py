"""Due dates, overdue reminder steps and payments of invoices. Existing invoices get their due date in one
UPDATE per schema (issue day + the default payment terms), so the migration stays cheap on large tables."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

DEFAULT_TERMS_DAYS = 14


class Migration(migrations.Migration):

    dependencies = [
        ("ledger", "0002_append_only"),
        ("orders", "0003_kinds_numbers_tracking_discount_facts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(model_name="invoice", name="due_on",
                            field=models.DateField(null=True, verbose_name="due date")),
        migrations.RunSQL(
            f"UPDATE orders_invoice SET due_on = (issued_at AT TIME ZONE 'UTC')::date + {DEFAULT_TERMS_DAYS}",
            migrations.RunSQL.noop),
        migrations.AlterField(model_name="invoice", name="due_on", field=models.DateField(verbose_name="due date")),
        migrations.AddField(model_name="invoice", name="reminded_step",
                            field=models.PositiveSmallIntegerField(default=0, editable=False)),
        migrations.CreateModel(
            name="InvoicePayment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("method", models.CharField(choices=[("balance", "From the balance"), ("card", "By card"),
                                                     ("bank", "Bank transfer"), ("refund", "Refund to the balance")],
                                            max_length=10, verbose_name="method")),
                ("amount", models.DecimalField(decimal_places=2, max_digits=12, verbose_name="amount")),
                ("reference", models.CharField(blank=True, max_length=100, verbose_name="reference")),
                ("paid_on", models.DateField(verbose_name="date")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                         related_name="+", to=settings.AUTH_USER_MODEL)),
                ("invoice", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="payments",
                                              to="orders.invoice")),
                ("refund_of", models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                                   related_name="refund", to="orders.invoicepayment")),
                ("transaction", models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                                     to="ledger.transaction")),
            ],
            options={"ordering": ("created_at", "id"),
                     "constraints": [models.CheckConstraint(condition=models.Q(("amount", 0), _negated=True),
                                                            name="orders_invoice_payment_not_zero")]},
        ),
    ]
