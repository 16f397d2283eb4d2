from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "penggerak.demo"
    label = "demo"
