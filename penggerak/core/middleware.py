"""Language choice: Bahasa Indonesia first.

Pages speak Indonesian unless the visitor chose English with the language switch (a
cookie); a phone set to English still gets Indonesian pages by default. The API is for
programs, which say what they want with ``Accept-Language``.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class IndonesianFirstLocaleMiddleware(LocaleMiddleware):
    """Cookie or Indonesian for pages; Django's negotiation for the API."""

    def process_request(self, request):
        if request.path_info.startswith("/api/"):
            return super().process_request(request)
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
