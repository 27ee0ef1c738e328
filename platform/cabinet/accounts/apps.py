from django.apps import AppConfig

from cabinet.registry import PeriodicTask


class AccountsConfig(AppConfig):
    name = "cabinet.accounts"
    label = "accounts"
    verbose_name = "Accounts"
    # Sign-in attempts and e-mail requests past their keeping time: daily, in every business and the console.
    periodic_tasks = (PeriodicTask("cabinet.accounts.tasks.delete_old_account_records", every=86400.0,
                                   also_public=True),
                      # Hourly, so a birthday is announced within the first hour of the day in any time zone.
                      PeriodicTask("cabinet.accounts.tasks.announce_birthdays", every=3600.0))
