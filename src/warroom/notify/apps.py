from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "warroom.notify"
    label = "notify"
