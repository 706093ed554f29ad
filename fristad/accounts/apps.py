from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fristad.accounts"
    label = "accounts"
