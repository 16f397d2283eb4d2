from django.apps import AppConfig


class CoreConfig(AppConfig):
    verbose_name = "Core"
    name = "penggerak.core"
    label = "core"

    def ready(self):
        """Register the deployment checks (core.checks)."""
        from penggerak.core import checks  # noqa: F401
