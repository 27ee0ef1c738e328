from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cabinet.accounts"
    label = "accounts"
    verbose_name = "Accounts"
