from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "warroom.accounts"
    label = "accounts"
    verbose_name = "People and access"

    def ready(self) -> None:
        # Connects the login signal that flags sessions needing a password change.
        from warroom.accounts import middleware  # noqa: F401
