"""Penggerak settings, driven only by environment variables.

The defaults give a working embedded install (SQLite under ``var/``). Production mode
(``PENGGERAK_ENV=production``) refuses to start without a secret key and allowed hosts, and
turns on every secure-cookie and HTTPS setting that ``penggerak check --deploy`` looks for.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("PENGGERAK_VAR_DIR", PROJECT_DIR / "var"))

ENVIRONMENT = os.environ.get("PENGGERAK_ENV", "development").strip().lower()
PRODUCTION = ENVIRONMENT == "production"


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


if PRODUCTION:
    try:
        SECRET_KEY = os.environ["PENGGERAK_SECRET_KEY"]
        ALLOWED_HOSTS = _env_list("PENGGERAK_ALLOWED_HOSTS")
    except KeyError as missing:
        raise ImproperlyConfigured(f"Production mode needs {missing.args[0]}.") from None
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Production mode needs PENGGERAK_ALLOWED_HOSTS.")
    DEBUG = False
else:
    # A fixed development key keeps demo NIK hashes stable between runs; never used in production.
    SECRET_KEY = os.environ.get(
        "PENGGERAK_SECRET_KEY",
        "dev-only-penggerak-key-7Hq2vX9mN4pL8rT1wZ6yB3cF5gJ0kD-not-for-production",
    )
    ALLOWED_HOSTS = _env_list("PENGGERAK_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]")
    DEBUG = os.environ.get("PENGGERAK_DEBUG", "1") == "1"

# Keys protecting NIK at rest. Both derive from SECRET_KEY (HKDF) unless set explicitly.
# PENGGERAK_NIK_ENCRYPTION_KEYS takes several comma-separated Fernet keys: the first encrypts,
# all decrypt, so keys can be rotated (see README, "Rotating keys").
NIK_HASH_KEY = os.environ.get("PENGGERAK_NIK_HASH_KEY", "")
NIK_ENCRYPTION_KEYS = _env_list("PENGGERAK_NIK_ENCRYPTION_KEYS")

DEMO_PASSWORD = os.environ.get("PENGGERAK_DEMO_PASSWORD", "penggerak-demo")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "penggerak.core",
    "penggerak.accounts",
    "penggerak.registry",
    "penggerak.training",
    "penggerak.mentoring",
    "penggerak.permits",
    "penggerak.insights",
    "penggerak.imports",
    "penggerak.demo",
]

MIDDLEWARE = [
    # First: an oversized body is refused before anything reads it (core.upload_limits).
    "penggerak.core.upload_limits.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Every response, static files and API included, carries the policy (core.csp).
    "penggerak.core.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "penggerak.core.middleware.IndonesianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "penggerak.urls"
WSGI_APPLICATION = "penggerak.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'penggerak.sqlite3'}"),
        conn_max_age=int(os.environ.get("PENGGERAK_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server read while the task worker writes; IMMEDIATE makes a writer
        # take the lock at BEGIN, so two writers queue instead of failing half-way.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA busy_timeout=20000; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

# Login throttling and other short-lived counters. With several app servers, point
# PENGGERAK_CACHE_URL at Redis so they share the counts.
if os.environ.get("PENGGERAK_CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["PENGGERAK_CACHE_URL"],
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["penggerak.accounts.backends.UsernameOrPhoneBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


# Guessing and flooding (accounts.throttle). Failed logins are counted per account and per
# client address, each in its own window; the counts live in the database, so every app server
# shares them. The address limit is higher than the account one because many phones share one
# carrier address (CGNAT) and a community hall shares one Wi-Fi.
PENGGERAK_LOGIN_ACCOUNT_MAX_FAILURES = _env_int("PENGGERAK_LOGIN_ACCOUNT_MAX_FAILURES", 10)
PENGGERAK_LOGIN_ACCOUNT_WINDOW_SECONDS = _env_int("PENGGERAK_LOGIN_ACCOUNT_WINDOW_SECONDS", 900)
PENGGERAK_LOGIN_ADDRESS_MAX_FAILURES = _env_int("PENGGERAK_LOGIN_ADDRESS_MAX_FAILURES", 50)
PENGGERAK_LOGIN_ADDRESS_WINDOW_SECONDS = _env_int("PENGGERAK_LOGIN_ADDRESS_WINDOW_SECONDS", 900)
PENGGERAK_SIGNUP_MAX_PER_ADDRESS = _env_int("PENGGERAK_SIGNUP_MAX_PER_ADDRESS", 10)
PENGGERAK_SIGNUP_WINDOW_SECONDS = _env_int("PENGGERAK_SIGNUP_WINDOW_SECONDS", 3600)
# The client address is REMOTE_ADDR. Behind N reverse proxies that each append to
# X-Forwarded-For, set this to N; the client is then the N-th address from the right. Never
# set it without such proxies: anyone could then choose their own address.
PENGGERAK_TRUSTED_PROXY_COUNT = _env_int("PENGGERAK_TRUSTED_PROXY_COUNT", 0)
# A bearer token lives this many days from issue; a password change ends it sooner.
PENGGERAK_API_TOKEN_DAYS = _env_int("PENGGERAK_API_TOKEN_DAYS", 90)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
# Uploads (permit documents) have no public URL: they are served only by permission-checked
# views, never by the web server from MEDIA_ROOT.
PERMIT_DOCUMENT_MAX_BYTES = int(
    os.environ.get("PENGGERAK_PERMIT_DOCUMENT_MAX_BYTES", str(5 * 1024 * 1024))
)
# Every request body: above the largest upload, an import file (imports.services
# MAX_UPLOAD_BYTES, 50 MB) with its form. gunicorn does not limit bodies (core.upload_limits).
PENGGERAK_MAX_REQUEST_BYTES = int(
    os.environ.get("PENGGERAK_MAX_REQUEST_BYTES", str(64 * 1024 * 1024))
)
# What an XLSX or ODS import may unpack to, checked on its zip directory before it is parsed
# (imports.limits, which says how the defaults were measured): all members together, any one
# member, the shared strings (read whole into memory, at ~5x) and the packing ratio of members
# of 8 MiB and more. The defaults admit a 2,000,000-member export and refuse zip bombs.
PENGGERAK_IMPORT_MAX_UNCOMPRESSED_BYTES = int(
    os.environ.get("PENGGERAK_IMPORT_MAX_UNCOMPRESSED_BYTES", str(2 * 1024**3))
)
PENGGERAK_IMPORT_MAX_MEMBER_BYTES = int(
    os.environ.get("PENGGERAK_IMPORT_MAX_MEMBER_BYTES", str(1024**3))
)
PENGGERAK_IMPORT_MAX_SHARED_STRINGS_BYTES = int(
    os.environ.get("PENGGERAK_IMPORT_MAX_SHARED_STRINGS_BYTES", str(256 * 1024**2))
)
PENGGERAK_IMPORT_MAX_COMPRESSION_RATIO = int(
    os.environ.get("PENGGERAK_IMPORT_MAX_COMPRESSION_RATIO", "100")
)
WHITENOISE_USE_FINDERS = not PRODUCTION

TASKS = {
    "default": {
        "BACKEND": os.environ.get("PENGGERAK_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# E-mail only where configured; otherwise notifications stay in the app.
EMAIL_HOST = os.environ.get("PENGGERAK_EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("PENGGERAK_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("PENGGERAK_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("PENGGERAK_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("PENGGERAK_EMAIL_TLS", "1") == "1"
    DEFAULT_FROM_EMAIL = os.environ.get("PENGGERAK_EMAIL_FROM", "penggerak@localhost")
else:
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"

if PRODUCTION:
    SECURE_SSL_REDIRECT = os.environ.get("PENGGERAK_SSL_REDIRECT", "1") == "1"
    # X-Forwarded-Proto decides whether a request counts as HTTPS (secure cookies, the SSL
    # redirect). Anyone can send that header, so it is believed only behind the reverse proxies
    # that PENGGERAK_TRUSTED_PROXY_COUNT declares (they must overwrite it); without them
    # Django takes the scheme from the connection itself (core.checks W003).
    if PENGGERAK_TRUSTED_PROXY_COUNT > 0:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("PENGGERAK_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
    CSRF_TRUSTED_ORIGINS = [f"https://{host.lstrip('.')}" for host in ALLOWED_HOSTS if host != "*"]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12

# Tests and benchmarks swap in a fast hasher; production keeps Django's default. Refused
# here rather than by a system check: a check can be silenced and gunicorn never runs checks,
# while every process must import these settings.
if os.environ.get("PENGGERAK_FAST_PASSWORD_HASHER") == "1":
    if PRODUCTION:
        raise ImproperlyConfigured(
            "PENGGERAK_FAST_PASSWORD_HASHER=1 is for tests only: production mode refuses the fast "
            "MD5 password hasher."
        )
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PENGGERAK_LOG_LEVEL", "WARNING")},
}
