from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "warroom.cases"
    label = "cases"
    verbose_name = "Cases"
