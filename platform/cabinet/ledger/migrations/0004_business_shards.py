"""Business accounts in shards: a column with a constant default kept in the database (no table rewrite) and the business accounts'
unique index rebuilt with the shard (it covers only the business's own handful of rows); the CHECK reads the
account rows once (one per customer and kind)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0003_credit_limit_changes'),
    ]

    operations = [
        migrations.AddField(
            model_name='account',
            name='shard',
            field=models.PositiveSmallIntegerField(db_default=0, default=0),
        ),
        migrations.RemoveConstraint(
            model_name='account',
            name='ledger_one_business_account',
        ),
        migrations.AddConstraint(
            model_name='account',
            constraint=models.UniqueConstraint(condition=models.Q(('owner__isnull', True)), fields=('name', 'kind', 'currency', 'shard'), name='ledger_one_business_shard'),
        ),
        migrations.AddConstraint(
            model_name='account',
            constraint=models.CheckConstraint(condition=models.Q(('owner__isnull', True), ('shard', 0), _connector='OR'), name='ledger_customer_one_row'),
        ),
    ]
