from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "penggerak.mentoring"
    label = "mentoring"
    verbose_name = _("Pendampingan")

    def ready(self) -> None:
        from penggerak.mentoring import tasks  # noqa: F401  (registers the periodic jobs)
