"""Deployment checks (``penggerak check --deploy``): states that work but are unsafe to run.

Messages are in English: they are read by operators, next to Django's own checks.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register

PER_PROCESS_CACHES = frozenset(
    {
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    }
)


@register(Tags.security, deploy=True)
def check_nik_keys(app_configs=None, **kwargs) -> list[Warning]:
    """W001: a NIK key derived from SECRET_KEY ties every stored NIK to that key."""
    derived = [
        variable
        for variable, value in (
            ("PENGGERAK_NIK_HASH_KEY", settings.NIK_HASH_KEY),
            ("PENGGERAK_NIK_ENCRYPTION_KEYS", settings.NIK_ENCRYPTION_KEYS),
        )
        if not value
    ]
    if not derived:
        return []
    return [
        Warning(
            f"NIK protection keys are derived from SECRET_KEY ({', '.join(derived)} not set): "
            "rotating or losing SECRET_KEY makes every stored NIK unreadable and unsearchable.",
            hint=(
                "Print the keys in use with `penggerak nik_keys show-derived` and set them as "
                "PENGGERAK_NIK_HASH_KEY and PENGGERAK_NIK_ENCRYPTION_KEYS (README, "
                '"Rotating keys").'
            ),
            id="penggerak.W001",
        )
    ]


@register(Tags.security, Tags.caches, deploy=True)
def check_shared_cache(app_configs=None, **kwargs) -> list[Warning]:
    """W002: rate limits kept in a per-process cache are multiplied by the process count."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        Warning(
            f"The default cache ({backend}) is per process: NIK-search rate limits and signup "
            "throttles (core.ratelimit) are counted separately in each worker and reset on "
            "restart, so every web worker multiplies the limits.",
            hint="Point PENGGERAK_CACHE_URL at a Redis server shared by every web worker.",
            id="penggerak.W002",
        )
    ]


@register(Tags.security, deploy=True)
def check_proxy_ssl_header(app_configs=None, **kwargs) -> list[Warning]:
    """W003: a forwarded-proto header is believed only behind declared trusted proxies."""
    if not settings.SECURE_PROXY_SSL_HEADER or settings.PENGGERAK_TRUSTED_PROXY_COUNT > 0:
        return []
    return [
        Warning(
            "SECURE_PROXY_SSL_HEADER is set but PENGGERAK_TRUSTED_PROXY_COUNT is 0: any client "
            f"can send {settings.SECURE_PROXY_SSL_HEADER[0]} and be treated as HTTPS.",
            hint=(
                "Set PENGGERAK_TRUSTED_PROXY_COUNT to the number of reverse proxies in front of "
                "the app (each must overwrite the header), or unset SECURE_PROXY_SSL_HEADER."
            ),
            id="penggerak.W003",
        )
    ]
