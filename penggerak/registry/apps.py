from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "penggerak.registry"
    label = "registry"
