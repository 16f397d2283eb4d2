from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "penggerak.imports"
    label = "imports"

    def ready(self) -> None:
        from penggerak.imports import tasks  # noqa: F401  (registers the periodic job)
