from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PermitsConfig(AppConfig):
    name = "penggerak.permits"
    label = "permits"
    verbose_name = _("Perizinan dan standar")

    def ready(self) -> None:
        from penggerak.permits import tasks  # noqa: F401  (registers the periodic job)
