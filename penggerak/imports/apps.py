from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "penggerak.imports"
    label = "imports"
