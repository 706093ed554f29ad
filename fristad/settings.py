"""Settings, read from the environment.

The embedded default (no variables set) is an SQLite file under ``var/`` and the
in-memory channel layer, so one command runs everything on a laptop.
``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL and Redis.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

VAR_DIR = Path(env.str("FRISTAD_VAR_DIR", default=str(BASE_DIR / "var")))


def _secret_key() -> str:
    """From the environment, or generated once into an untracked local file."""
    from_env: str = env.str("SECRET_KEY", default="")
    if from_env:
        return from_env
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(50)
    try:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(key)
        key_file.chmod(0o600)
    except OSError as exc:
        raise ImproperlyConfigured(
            f"SECRET_KEY is not set and no key can be kept in {key_file} ({exc.strerror}): "
            "set SECRET_KEY (docs/operations.md, 'First start')."
        ) from None
    return key


SECRET_KEY = _secret_key()
# Earlier keys, comma-separated, while a new SECRET_KEY rolls out: sessions, signed links
# and the Redis channel layer's events encrypted with them still verify and decrypt.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
# Fernet keys for fields encrypted at rest (fristad/web/crypto.py), newest first. Unset: one
# key derived from SECRET_KEY (a laptop); production sets its own and keeps it apart.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
DEBUG = env.bool("DEBUG", default=False)
# Demo staff with printed credentials: only on a laptop or a test machine, never in production.
DEMO_MODE = env.bool("FRISTAD_DEMO", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Our apps, lowest layer first: an app imports only from apps above it in this list.
    "fristad.web",
    "fristad.ops",
    "fristad.geo",
    "fristad.directory",
    "fristad.accounts",
    "fristad.chat",
    "fristad.housing",
    "fristad.support",
    "fristad.stats",
    "fristad.demo",
]

MIDDLEWARE = [
    "fristad.web.middleware.AccessLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "fristad.web.middleware.PublicPrivacyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "fristad.web.languages.StaffLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Staff pages: idle and absolute timeout, then mandatory second factor, then the tystnadslöfte.
    "fristad.accounts.middleware.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "fristad.urls"
ASGI_APPLICATION = "fristad.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Project-wide overrides (allauth's layout) come before the apps' own templates.
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.messages.context_processors.messages",
                "fristad.web.context_processors.site",
            ],
        },
    },
]
# Every form field renders through one template, web/forms/field.html (fristad/web/forms.py).
FORM_RENDERER = "fristad.web.forms.FormRenderer"

# --- Databases -------------------------------------------------------------------
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'fristad.sqlite3'}",
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Channel layer ---------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# Events a socket may have waiting in the embedded layer before it drops more (the default,
# 100, is reached by a console holding ten busy chats while the queues change around it).
# The Redis pub/sub layer keeps no such limit per socket.
CHANNEL_CAPACITY = env.int("CHANNEL_CAPACITY", default=2000)
REDIS_MAX_CONNECTIONS = env.int("REDIS_MAX_CONNECTIONS", default=2000)
if REDIS_URL:
    # Redis pub/sub (channels-redis's RedisPubSubChannelLayer, publishes batched in
    # fristad/web/layers.py), not its list-and-sorted-set
    # core layer: a group send is one PUBLISH that each process subscribed to the group
    # fans out to its own sockets, where the core layer ran a Lua script per send and
    # silently dropped events once a process's shared channel was over capacity (at a
    # thousand chats, one process saturated and thousands of messages were lost). It holds
    # nothing in Redis: no chat leaves a key behind. Delivery is at most once, as with any
    # channel layer; the chat's own sequence numbers, acks and resends make it exactly once.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "fristad.web.layers.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL}],
                "prefix": env.str("CHANNEL_PREFIX", default="fristad"),
                # Every event is encrypted before it reaches Redis (Fernet, keyed from the
                # secret key every process shares): her words cross Redis but must leave
                # nothing readable there, not even in its slow log or a MONITOR session.
                # The fallbacks too: during a key rotation, processes on either key still
                # read each other's events.
                "symmetric_encryption_keys": [SECRET_KEY, *SECRET_KEY_FALLBACKS],
            },
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "fristad.web.layers.InMemoryChannelLayer",
            "CONFIG": {"capacity": CHANNEL_CAPACITY},
        }
    }

# --- Cache (TOTP codes already used, sign-in throttling): shared through Redis when set ---
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CHANNEL_PREFIX", default="fristad"),
            "OPTIONS": {"max_connections": REDIS_MAX_CONNECTIONS},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Staff accounts: invite-only, email sign-in, mandatory second factor -----------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "fristad.accounts.passwords.RepetitivePasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
ACCOUNT_ADAPTER = "fristad.accounts.adapters.InviteOnlyAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# Throttling counts per account ("key"), not only per address.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "20/m/ip,5/15m/key",
    "reset_password": "5/m/ip,3/h/key",
    "reauthenticate": "10/m/user",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_TRUST_ENABLED = False
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="Fristad")
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env.bool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", default=DEBUG)
# Staff sessions: 12 hours at most, 30 minutes idle (fristad.accounts.middleware).
SESSION_COOKIE_AGE = 12 * 60 * 60
STAFF_IDLE_TIMEOUT_SECONDS = env.int("STAFF_IDLE_TIMEOUT_SECONDS", default=30 * 60)
STAFF_ABSOLUTE_TIMEOUT_SECONDS = env.int("STAFF_ABSOLUTE_TIMEOUT_SECONDS", default=12 * 60 * 60)
INVITE_VALID_HOURS = env.int("INVITE_VALID_HOURS", default=72)
# Messages live in the session: no cookie of their own.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- E-mail: an outbox the worker sends from (fristad/ops/mail.py) ------------------
# EMAIL_URL (django-environ): smtp://user:password@host:25, smtp+tls://…:587 (STARTTLS),
# smtp+ssl://…:465; consolemail:// prints (the laptop default). Passwords with special
# characters are percent-encoded in the URL.
try:
    _email = env.email_url("EMAIL_URL", default="consolemail://")
except (ImproperlyConfigured, KeyError, ValueError) as _exc:
    raise ImproperlyConfigured(
        "EMAIL_URL is not an e-mail URL: use smtp://, smtp+tls:// or smtp+ssl:// "
        "(user:password@host:port), or consolemail://."
    ) from _exc
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default=_email["EMAIL_BACKEND"])
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS", False))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL", False))
# The worker waits at most this long for the mail server (requests never wait for it).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="fristad@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A message the mail server keeps refusing is given up after this many tries (about a day).
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=30)

# --- The worker (fristad worker): scheduled jobs and the outbox ----------------------
WORKER_TICK_SECONDS = env.float("WORKER_TICK_SECONDS", default=5.0)
# Seconds between runs of a job, by name (fristad/*/jobs.py), to override its default:
# JOB_INTERVALS=housing-purge=3600,sessions-clear=600
JOB_INTERVALS: dict[str, int] = {
    name: int(seconds) for name, seconds in env.dict("JOB_INTERVALS", default={}).items()
}
# Audit events older than this are deleted by the audit-log-retention job.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=730)
# GET /metrics answers only with "Authorization: Bearer <METRICS_TOKEN>"; unset, 404.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# --- Internationalisation ----------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [
    ("sv", _("Swedish")),
    ("en", _("English")),
    ("ar", _("Arabic")),
    ("fa", _("Persian")),
    ("so", _("Somali")),
    ("ti", _("Tigrinya")),
    ("pl", _("Polish")),
    ("bs", _("Bosnian/Croatian/Serbian")),
    ("uk", _("Ukrainian")),
]
# Languages whose whole public site is translated (tests/test_translations.py checks every
# public page in each). A language of LANGUAGES missing here is offered on the home and
# safety pages only, and falls back to English elsewhere.
COMPLETE_LANGUAGES = ["sv", "en", "ar", "fa", "so", "ti", "pl", "bs", "uk"]
# The staff side (/personal/) is Swedish and English only; /fa/personal/… redirects to
# /en/personal/… (fristad/web/languages.py).
STAFF_LANGUAGES = ["sv", "en"]
# The project's catalogues (makemessages writes here), then the strings of Django itself for
# the languages Django has no catalogue for (Somali, Tigrinya: weekday and month names), written by hand.
LOCALE_PATHS = [PACKAGE_DIR / "locale", PACKAGE_DIR / "locale_django"]
USE_I18N = True
TIME_ZONE = "Europe/Stockholm"
USE_TZ = True

# --- Static files ------------------------------------------------------------------
STATIC_URL = "/static/"
# Where `fristad collectstatic` puts the hashed, compressed files WhiteNoise serves.
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_STORAGE",
            default="fristad.web.storage.StaticStorage",
        )
    },
}
WHITENOISE_MAX_AGE = 60 * 60 * 24 * 365

# --- Security and privacy ----------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Behind the reverse proxy (Caddy) that ends TLS: trust its X-Forwarded-Proto. Only set
# this when every request comes through the proxy (fristad serve --forwarded-allow-ips).
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The reverse proxy's addresses, whose forwarded headers `fristad serve` trusts ("*" for
# any, when only the proxy can reach the app's port, as in compose.yaml).
FORWARDED_ALLOW_IPS = env.str("FORWARDED_ALLOW_IPS", default="")
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if SESSION_COOKIE_SECURE:
    # __Host- cookies: Secure, path /, no Domain: no subdomain can set or read them.
    SESSION_COOKIE_NAME = "__Host-session"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_SAMESITE = "Strict"
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
}

# Deny every powerful feature; the one page that may ask for her location
# (the search page) overrides geolocation, see fristad.web.privacy.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
}

# Where quick exit sends her: a neutral, everyday site.
QUICK_EXIT_URL = env.str("QUICK_EXIT_URL", default="https://www.smhi.se/")
# Neutral name shown in the browser tab and history.
NEUTRAL_SITE_TITLE = env.str("NEUTRAL_SITE_TITLE", default="Information")

# --- Logging: never an IP address, user agent, query string or cookie ---------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {
        "scrub": {"()": "fristad.web.logging.ScrubRequestFilter"},
        "no_client_address": {"()": "fristad.web.logging.DropClientAddressFilter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["scrub"]},
        "server": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["scrub", "no_client_address"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's request loggers attach the request (and with it the client's
        # address and headers) to records; the filter drops it.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        # Uvicorn's own lines, without the ones that carry a client's address.
        "uvicorn": {"handlers": ["server"], "level": "INFO", "propagate": False},
        "uvicorn.error": {"handlers": ["server"], "level": "INFO", "propagate": False},
    },
}
ADMINS: list[tuple[str, str]] = []
MFA_ADAPTER = "fristad.accounts.adapters.StaffMFAAdapter"

# --- Chat -------------------------------------------------------------------------
# A chat waiting longer than this at her jour is offered to the whole network.
CHAT_OVERFLOW_AFTER_SECONDS = env.int("CHAT_OVERFLOW_AFTER_SECONDS", default=120)
# A console not heard from for this long counts as gone; its chats go back to the queue.
CHAT_PRESENCE_TIMEOUT_SECONDS = env.int("CHAT_PRESENCE_TIMEOUT_SECONDS", default=60)
# Her dropped connection may come back within this time before the chat is forgotten.
CHAT_RECONNECT_GRACE_SECONDS = env.int("CHAT_RECONNECT_GRACE_SECONDS", default=90)
CHAT_RETURN_CODE_MINUTES = env.int("CHAT_RETURN_CODE_MINUTES", default=30)
CHAT_RETURN_CODE_FAILURES_PER_MINUTE = 30
CHAT_BLOCK_MAX_MINUTES = 24 * 60
CHAT_MAX_PER_SESSION = 2
# Her messages: a burst of this many, then this many per second.
CHAT_MESSAGE_BURST = 10
CHAT_MESSAGE_RATE = 1.0
# Caps on chats waiting to be answered, beyond which she is told "busy" and given phone
# numbers: a script cannot fill every queue and console. A national evening peak is ~40
# chats at once over ~70 jourer; a jour with 20 waiting could not answer them for hours.
CHAT_MAX_WAITING_SITE = env.int("CHAT_MAX_WAITING_SITE", default=200)
CHAT_MAX_WAITING_PER_JOUR = env.int("CHAT_MAX_WAITING_PER_JOUR", default=20)
# New chats per server process: this many a second after a burst. A real network starts
# about one a minute in an evening and a few dozen in a minute after a TV segment; whatever
# a flood gets past this, the jourkvinnor must end by hand. Reconnecting is not a start.
CHAT_STARTS_PER_SECOND = env.float("CHAT_STARTS_PER_SECOND", default=1.0)
CHAT_STARTS_BURST = env.int("CHAT_STARTS_BURST", default=20)
# The console rechecks the staff floor this often (seconds): a session ended elsewhere, a
# deactivation, a removal, a new tystnadslöfte or a timeout closes it within about this.
CHAT_CONSOLE_CHECK_SECONDS = env.float("CHAT_CONSOLE_CHECK_SECONDS", default=5.0)

# --- Stödperson -------------------------------------------------------------------
# A closed support case is deleted this many days after its last appointment (or its
# closing, if later) by `fristad purge-support-cases`; only anonymous counts stay.
SUPPORT_PURGE_AFTER_DAYS = env.int("SUPPORT_PURGE_AFTER_DAYS", default=90)

# --- Skyddat boende ---------------------------------------------------------------
# An unanswered placement request expires after this long (`fristad housing-expire-requests`
# runs on a schedule; an expired request can no longer be accepted even before it runs).
HOUSING_REQUEST_EXPIRY_HOURS = env.int("HOUSING_REQUEST_EXPIRY_HOURS", default=48)
# The site's own address (https://fristad.example), for links in e-mails sent by scheduled
# commands, where there is no request to take it from. Unset: those e-mails are not sent.
SITE_URL = env.str("SITE_URL", default="")
# A vacancy figure not confirmed for this long is shown as stale.
HOUSING_VACANCY_STALE_HOURS = env.int("HOUSING_VACANCY_STALE_HOURS", default=24)
# Case references are cleared this many days after a stay ends or a request closes;
# the counts (placements, nights, turned away) are deleted after HOUSING_KEEP_COUNTS_DAYS.
HOUSING_CASE_REFERENCE_DAYS = env.int("HOUSING_CASE_REFERENCE_DAYS", default=90)
HOUSING_KEEP_COUNTS_DAYS = env.int("HOUSING_KEEP_COUNTS_DAYS", default=730)

# --- Health checks (fristad/ops/health.py) ---------------------------------------
# /healthz, /readyz and /metrics are answered first, before any Host check (a container's
# health check calls http://127.0.0.1:8000/readyz, a scraper http://app1:8000/metrics),
# and are never redirected to HTTPS.
MIDDLEWARE = ["fristad.ops.health.HealthCheckMiddleware", *MIDDLEWARE]
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

# --- Error reports (optional) ---
# Sentry or GlitchTip (SENTRY_DSN); reports carry no request, person, message or variable
# (fristad/ops/errors.py). Unset: nothing is sent.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default="production")

from fristad.ops.errors import error_reports_init, fristad_release  # noqa: E402

error_reports_init(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT, release=fristad_release())
