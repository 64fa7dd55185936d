from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "warroom.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
