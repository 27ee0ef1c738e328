from django.apps import AppConfig


class WalletConfig(AppConfig):
    name = "cabinet.modules.wallet"
    label = "wallet"
