from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "penggerak.insights"
    label = "insights"
    verbose_name = _("Target dan wawasan")

    def ready(self) -> None:
        from penggerak.insights.receivers import connect_all

        connect_all()
        from penggerak.insights import tasks  # noqa: F401  (registers the periodic jobs)
