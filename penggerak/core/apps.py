from django.apps import AppConfig


class CoreConfig(AppConfig):
    verbose_name = "Core"
    name = "penggerak.core"
    label = "core"
