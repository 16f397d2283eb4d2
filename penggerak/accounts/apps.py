from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "penggerak.accounts"
    label = "accounts"
