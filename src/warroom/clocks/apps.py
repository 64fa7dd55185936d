from django.apps import AppConfig


class ClocksConfig(AppConfig):
    name = "warroom.clocks"
    label = "clocks"
