"""God-view settings: one file, every value from the environment.

Bad values stop the start-up with a message that names the variable. With no DATABASE_URL the
site runs on a SQLite file in the project (the embedded default); with no REDIS_URL Celery runs
jobs in-process and the cache lives in the database.
"""

import datetime as dt
import os
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


# --- environment helpers -------------------------------------------------------------------


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true or false).")


def env_int(name: str, default: int, *, low: int | None = None, high: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if (low is not None and value < low) or (high is not None and value > high):
        raise ImproperlyConfigured(f"{name}={value} is outside {low}..{high}.")
    return value


def env_decimal(name: str, default: str, *, low: str = "0", high: str | None = None) -> Decimal:
    raw = os.environ.get(name) or default
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number.") from None
    if not value.is_finite() or value < Decimal(low) or (high and value > Decimal(high)):
        raise ImproperlyConfigured(f"{name}={raw} is outside {low}..{high or 'infinity'}.")
    return value


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


# --- core ----------------------------------------------------------------------------------

TESTING = "pytest" in sys.modules
DEBUG = env_bool("DEBUG", False)
# Django's technical 404/500 pages (URL list, traceback) only when asked for: with DEBUG alone the
# product's own error pages show, as a user would see them (godview/error_pages.py).
DEBUG_PAGES = env_bool("DEBUG_PAGES", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off. Set SECRET_KEY to a long random string, "
            "or DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "core",
    "accounts",
    "clients",
    "tasks",
    "training",
    "godview",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "godview.error_pages.ProductErrorPagesMiddleware",
    "godview.health.HealthCheckMiddleware",  # before the session and the user: see godview/health.py
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "core.params.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.language.UserLanguageMiddleware",  # a signed-in person's own language wins
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "godview.auth.SessionTimeoutMiddleware",
    "core.audit.AuditUserMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "godview.urls"
WSGI_APPLICATION = "godview.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_URL_PATH = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "godview.context_processors.navigation",
                "godview.context_processors.open_actions",
                "godview.context_processors.charts",
            ],
            # `|said`: stored reference names (play steps, deliverables, onboarding items) in the reader's
            # language; `{% sort_th %}`: a column header that sorts its list.
            "builtins": ["core.templatetags.sayings", "core.templatetags.sorting"],
        },
    },
]

# --- data ----------------------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    try:
        _db = dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
    # Several test runs (developers, CI, xdist workers) may share one server.
    _db["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME") or None}
else:
    _db = {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}
    # The covering index of daily snapshots is a Postgres speed-up (SQLite keeps its key part), and
    # so is the kickoff plan's deferred unique constraint (the service keeps positions apart).
    SILENCED_SYSTEM_CHECKS = ["models.W040", "models.W038"]
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "godview"),
            "TIMEOUT": 300,
            # A cache outage must not take pages down with it.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    # The embedded default: one cache for every process, in the database beside the data it
    # caches (a web process sees the rollup `manage.py rollup` ran in another terminal, and a
    # restore brings its own). `migrate` creates the table (core.apps).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "godview_cache",
            "TIMEOUT": 300,
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }

# --- auth ----------------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Hashing is deliberately slow; the suite logs in thousands of times.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTHENTICATION_BACKENDS = ["godview.auth.ThrottledBackend", "django.contrib.auth.backends.ModelBackend"]
SESSION_ABSOLUTE_TIMEOUT = dt.timedelta(hours=env_int("SESSION_ABSOLUTE_TIMEOUT_HOURS", 12, low=1, high=720))
SESSION_IDLE_TIMEOUT = dt.timedelta(minutes=env_int("SESSION_IDLE_TIMEOUT_MINUTES", 60, low=1, high=60 * 24 * 30))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Login throttling (django-axes): a username+IP pair is locked for a cool-off, never for ever.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, low=1, high=100)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15, low=1, high=24 * 60))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = not TESTING
# Reverse proxies in front of the app: throttling reads the client from X-Forwarded-For with it
# (godview.auth.client_address; django-ipware is not used: its count excludes the last proxy and
# it believes the left-most entry, which the client writes itself).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, low=0, high=5)
AXES_CLIENT_IP_CALLABLE = "godview.auth.client_address"

# --- i18n and time -------------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français"), ("ru", "Русский"), ("ar", "العربية")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Our formats beside Django's: Arabic with a decimal point and a thousands comma, a 24-hour clock
# (Django's "A" would print the Arabic for a.m./p.m.), see core/formats/.
FORMAT_MODULE_PATH = ["core.formats"]
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365  # the menu's choice before login survives the browser
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Arabic pages show Western digits (0-9) by default; "arabic-indic" writes ٠-٩ in figures.
ARABIC_DIGITS = env_str("ARABIC_DIGITS", "western")
if ARABIC_DIGITS not in {"western", "arabic-indic"}:
    raise ImproperlyConfigured(f"ARABIC_DIGITS={ARABIC_DIGITS!r}: use western or arabic-indic.")
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "UTC")  # the agency time zone: weeks run Monday–Sunday in it
try:
    ZoneInfo(TIME_ZONE)
except (ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"TIME_ZONE={TIME_ZONE!r} is not a known time zone.") from None

# --- static --------------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # plotly.js from the installed plotly package, never a CDN.
    ("vendor/plotly", Path(__import__("plotly").__file__).parent / "package_data"),
]

# --- security ------------------------------------------------------------------------------

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    # plotly.js (through d3) sets style attributes on the SVG it draws. A style attribute runs no
    # script; <style> elements and every script stay nonce-only, and a test keeps our own
    # templates free of style attributes and inline handlers.
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer probes over plain HTTP
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, low=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- email ---------------------------------------------------------------------------------

_mail_backend = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
_smtp_options = {
    "host": env_str("EMAIL_HOST", "localhost"),
    "port": env_int("EMAIL_PORT", 25, low=1, high=65535),
    "username": env_str("EMAIL_HOST_USER"),
    "password": env_str("EMAIL_HOST_PASSWORD"),
    "use_tls": env_bool("EMAIL_USE_TLS", False),
    "timeout": 10,
}
MAILERS = {
    "default": {
        "BACKEND": _mail_backend,
        "OPTIONS": _smtp_options if _mail_backend.endswith("smtp.EmailBackend") else {},
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "God-view <godview@localhost>")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")  # absolute links in emails

# --- Celery --------------------------------------------------------------------------------

SYNC_HOUR = env_int("SYNC_HOUR", 2, low=0, high=23)
SYNC_OVERLAP_MINUTES = env_int("SYNC_OVERLAP_MINUTES", 15, low=0, high=24 * 60)  # re-read before the cursor
SYNC_FULL_EVERY_DAYS = env_int("SYNC_FULL_EVERY_DAYS", 7, low=1, high=90)  # full id reconciliation
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL  # embedded default: jobs run in-process
CELERY_TASK_EAGER_PROPAGATES = True
# Without a worker, "Sync now" runs its job in a thread of the web process, so the sync page
# shows the run's progress live (tasks.services._publish). Tests run jobs inline.
SYNC_JOBS_IN_BACKGROUND_THREAD = not REDIS_URL and not TESTING
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60 * 50
CELERY_TASK_TIME_LIMIT = 60 * 55
CELERY_TASK_IGNORE_RESULT = True  # outcomes are domain rows (SyncRun), not Celery results
# A job whose worker died unacknowledged goes back on the queue after this long (longer than
# any run, or a slow run would be delivered twice; the runner's claim() makes that harmless).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT_SECONDS", 60 * 60, low=1, high=24 * 3600)
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # The night is quiet in the agency time zone and the APIs' rate limits are fresh.
    "sync-all-sources": {
        "task": "tasks.jobs.sync_all_sources",
        "schedule": crontab(hour=SYNC_HOUR, minute=0),
        "options": {"expires": 60 * 60 * 3},
    },
    # After the sync has had time to finish, so the snapshots include last night's tasks.
    "daily-rollup": {
        "task": "godview.jobs.daily_rollup",
        "schedule": crontab(hour=(SYNC_HOUR + 2) % 24, minute=0),
        "options": {"expires": 60 * 60 * 3},
    },
    # After the rollup has stored the night's early warnings: one email per AM, new firings only.
    "early-warning-alerts": {
        "task": "godview.jobs.send_early_warning_alerts",
        "schedule": crontab(hour=(SYNC_HOUR + 3) % 24, minute=0),
        "options": {"expires": 60 * 60 * 3},
    },
    # With the alerts, after the rollup: each pod's chat channel gets the night's new
    # high-priority firings and the overdue actions (retries are bounded inside the job).
    "pod-webhooks": {
        "task": "godview.jobs.post_pod_webhooks",
        "schedule": crontab(hour=(SYNC_HOUR + 3) % 24, minute=5),
        "options": {"expires": 60 * 60 * 3},
    },
    # Monday morning in the agency time zone, before the week's first meetings.
    "weekly-digest": {
        "task": "godview.jobs.send_weekly_digest",
        "schedule": crontab(hour=7, minute=0, day_of_week=1),
        "options": {"expires": 60 * 60 * 6},
    },
    # Around the clock: a queued sync whose job a Redis restart lost would block its source for an hour.
    "fail-lost-sync-runs": {
        "task": "tasks.jobs.fail_lost_sync_runs",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 60 * 4},
    },
}

# --- product thresholds (DESIGN "Metric definitions"; admin can refine per tier and rule) ---

CURRENCY = env_str("CURRENCY", "USD")
STALE_CONTACT_DAYS_PREMIUM = env_int("STALE_CONTACT_DAYS_PREMIUM", 7, low=1, high=365)
STALE_CONTACT_DAYS_STANDARD = env_int("STALE_CONTACT_DAYS_STANDARD", 14, low=1, high=365)
EXPERIMENT_CONFIDENCE_THRESHOLD = env_decimal("EXPERIMENT_CONFIDENCE_THRESHOLD", "95", high="100")
GROSS_MARGIN = env_decimal("GROSS_MARGIN", "0.55", high="1")
CHURN_RATE_FLOOR = env_decimal("CHURN_RATE_FLOOR", "0.005", high="1")  # monthly, keeps CLV finite
BLENDED_COST_RATE = env_decimal("BLENDED_COST_RATE", "45")  # per hour, when a person has none
EFFECTIVE_RATE_FLOOR = env_decimal("EFFECTIVE_RATE_FLOOR", "60")  # MRR per hour worked
# A pod is over capacity above this share of its people's weekly hours (DESIGN "Capacity").
OVER_CAPACITY_UTILISATION = env_decimal("OVER_CAPACITY_UTILISATION", "0.85", low="0.05", high="2")
SPAN_OF_CONTROL_LIMIT = env_int("SPAN_OF_CONTROL_LIMIT", 8, low=1)
SPAN_OF_CONTROL_LIMIT_GENERAL = env_int("SPAN_OF_CONTROL_LIMIT_GENERAL", 15, low=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
