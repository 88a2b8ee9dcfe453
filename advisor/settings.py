"""Leap settings: one module, driven by environment variables.

Every variable is documented in docs/configuration.md. Defaults give an embedded
run that needs no server: SQLite for the database and kombu's filesystem
transport for the Celery broker.
"""

import os
import ssl
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv
from kombu import Exchange, Queue

from advisor.errors import init_sentry
from advisor.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

# A local .env (written by `python3 leap.py`, never committed) fills in what the
# real environment leaves unset; the real environment always wins.
load_dotenv(BASE_DIR / ".env", override=False)


def envbool(name: str, default: str) -> bool:
    return os.getenv(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: str) -> int:
    return int(os.getenv(name, default))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "false")

SECRET_KEY = os.getenv("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. See docs/configuration.md."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.getenv("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "profiles",
    "advisor",
    "advisor.plans",
    "advisor.counsel",
    "advisor.checkins",
    # The admin, behind the same two-factor sign-in as the counsellors' pages.
    "advisor.apps.LeapAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    # Before anything that checks the host or redirects to HTTPS: a load balancer asks
    # each process by its address, over plain HTTP (docs/deployment.md).
    "advisor.health.LivezMiddleware",
    "advisor.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "advisor.urls"
WSGI_APPLICATION = "advisor.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

FORM_RENDERER = "advisor.forms.FormRenderer"

# The archetype catalogue (docs/matching.md); checked at start-up.
ARCHETYPES_DIR = Path(
    os.getenv("ARCHETYPES_DIR", str(BASE_DIR / "advisor" / "advice" / "archetypes"))
)

# --- Database -------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        os.getenv("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'leap.sqlite3'}"),
        # Reuse connections across requests: opening one costs more than a step save.
        conn_max_age=envint("DB_CONN_MAX_AGE", "60"),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's, with a health check that asks the kernel instead of the server
    # (advisor/postgresql/base.py): one round trip less on every request that queries.
    DATABASES["default"]["ENGINE"] = "advisor.postgresql"
    DATABASES["default"]["OPTIONS"] = {
        # Parameters travel apart from the SQL, so that psycopg can prepare a statement
        # once it has run 5 times on a connection: PostgreSQL then skips parsing and
        # planning it, which is most of what a short query costs the server (a plan's
        # two statements took a third less of its CPU, bench/README.md). Turn it off
        # behind a transaction-pooling PgBouncer older than 1.21 (docs/deployment.md).
        "server_side_binding": True,
        "prepare_threshold": 5 if envbool("DB_PREPARED_STATEMENTS", "true") else None,
        **DATABASES["default"].get("OPTIONS", {}),  # the URL's own, such as ?sslmode=require
    }
# Celery workers commit asynchronously on PostgreSQL: all they write can be written
# again (advisor/celery.py says how, and what a database crash would cost).
WORKER_ASYNC_COMMIT = envbool("WORKER_ASYNC_COMMIT", "true")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a Celery worker started by the tests shares it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test.sqlite3")}
    # Web, worker and beat write to one file: wait for the lock rather than fail.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        # SQLite's advice for WAL: never corrupts, but a power cut may lose the last
        # commits; it saves an fsync per commit (a third faster step saves, bench/).
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------

AUTH_USER_MODEL = "profiles.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out account or address before the password is
# even checked (profiles/throttle.py, docs/architecture.md).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# --- Throttling (profiles/throttle.py) --------------------------------------

# Log-in: an account is locked out from one address after this many failures there, and
# an address for every account after the second, much higher number from it, until
# this many minutes pass without a failure (or, for an account, until its password is
# reset). Never an account from everywhere, nor an address at the first limit: either
# would let one person lock out others (docs/architecture.md has the numbers' reasons).
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", "10")
LOGIN_ADDRESS_FAILURE_LIMIT = envint("LOGIN_ADDRESS_FAILURE_LIMIT", "100")
AXES_COOLOFF_TIME = envint("LOGIN_LOCKOUT_MINUTES", "15") / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "profiles.throttle.LockoutHandler"  # adds the limit per address
AXES_USERNAME_CALLABLE = "profiles.throttle.login_username"
AXES_CLIENT_IP_CALLABLE = "profiles.throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "profiles.throttle.locked_out"
AXES_CLIENT_STR_CALLABLE = "profiles.throttle.client_description"
# Failures are kept (AccessAttempt, AccessFailureLog) for the lockout and for the member's
# export; successful log-ins are not: Django records the last one on the account.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_RESET_ON_SUCCESS = False  # a log-in to one's own account must not clear an address
# Password reset and sign-up, per client address and per email address asked for:
# "count/period" as django-ratelimit reads it. Counted in the cache; with Redis down
# they are not counted (RATELIMIT_FAIL_OPEN) rather than refusing everyone.
RESET_RATE_PER_ADDRESS = os.getenv("RESET_RATE_PER_ADDRESS", "20/h")
RESET_RATE_PER_EMAIL = os.getenv("RESET_RATE_PER_EMAIL", "3/h")
SIGNUP_RATE_PER_ADDRESS = os.getenv("SIGNUP_RATE_PER_ADDRESS", "10/h")
SIGNUP_RATE_PER_EMAIL = os.getenv("SIGNUP_RATE_PER_EMAIL", "5/h")
RATELIMIT_FAIL_OPEN = True
# How many proxies in front of Django append to X-Forwarded-For (BEHIND_PROXY): the
# client's address is the one the outermost of ours saw.
PROXY_COUNT = envint("PROXY_COUNT", "1") if envbool("BEHIND_PROXY", "false") else 0

# --- Two-factor sign-in (profiles/two_factor.py) -----------------------------

# The name an authenticator app shows beside the account.
OTP_TOTP_ISSUER = os.getenv("OTP_ISSUER", "Leap")
# Minutes between the password and the code, before the log-in starts again.
TWO_FACTOR_PENDING_MINUTES = envint("TWO_FACTOR_PENDING_MINUTES", "5")
# django-otp's throttle made even the first retry wait a second; wrong codes are
# throttled by profiles.two_factor.wait_left instead, on the counts django-otp keeps.
OTP_TOTP_THROTTLE_FACTOR = OTP_STATIC_THROTTLE_FACTOR = 0

# --- Redis, Celery and the cache ------------------------------------------

REDIS_URL = os.getenv("REDIS_URL", "")
BROKER_DIR = BASE_DIR / "var" / "broker"
# Seconds any one Redis operation may take, connecting included, in every process: a
# Redis that hangs (frozen, or a network that drops packets) costs a request this long
# per operation instead of gunicorn's whole timeout. A healthy Redis answers in well
# under a millisecond. docs/plans.md adds up what a submit may wait.
REDIS_TIMEOUT = float(os.getenv("REDIS_TIMEOUT", "1.0"))

if REDIS_URL:
    # One Redis for all, or two apart in production (docs/deployment.md): the broker's
    # must keep every message, the cache's may evict.
    CELERY_BROKER_URL = os.getenv("BROKER_REDIS_URL", REDIS_URL)
    # kombu's Redis transport with a guard that keeps workers alive when Redis comes
    # back after an outage (advisor/broker.py says why).
    CELERY_BROKER_TRANSPORT = "advisor.broker:Transport"
    if CELERY_BROKER_URL.startswith("rediss://"):
        # Named by its class, the transport no longer gets kombu's TLS default for
        # rediss:// (which checks no certificate): TLS it is, the certificate checked.
        CELERY_BROKER_USE_SSL = {"ssl_cert_reqs": ssl.CERT_REQUIRED}
    CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT
    CELERY_RESULT_BACKEND = CELERY_BROKER_URL
    CELERY_REDIS_SOCKET_TIMEOUT = REDIS_TIMEOUT
    CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_TIMEOUT
    CACHES = {
        "default": {
            "BACKEND": "advisor.cache.ForgivingRedisCache",
            "LOCATION": os.getenv("CACHE_REDIS_URL", REDIS_URL),
            "KEY_PREFIX": "leap",
            "OPTIONS": {"socket_timeout": REDIS_TIMEOUT, "socket_connect_timeout": REDIS_TIMEOUT},
        }
    }
    # Sessions are read on nearly every request: from Redis, written through to the
    # database so that a flushed cache logs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # kombu's filesystem transport: a broker made of files, so the embedded run
    # has a real worker and beat without any server.
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
        # Workers look for new messages this often (kombu's default is every second):
        # a member waits for their plan about half of it.
        "polling_interval": 0.1,
    }
    CELERY_RESULT_BACKEND = f"file://{BROKER_DIR / 'results'}"
    # Neither kombu nor Celery's file backend makes these folders; web, worker
    # and beat all load these settings before they touch them.
    for _folder in ("queue", "control", "processed", "results"):
        (BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(BASE_DIR / "var" / "cache"),
        }
    }

# Several deployments (or a test run beside a dev server) can share one Redis.
CELERY_TASK_DEFAULT_QUEUE = os.getenv("CELERY_QUEUE", "leap")
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker that lost its broker tries again for as long as it takes (Celery would give up
# after 100 tries, some 50 minutes): recovery must not wait for someone to restart it.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Celery's Django fix-up closes the database connection before and after every task,
# which made a plan task five times slower on PostgreSQL (bench/plans.py). With this
# it leaves connections alone, and advisor.celery applies Django's own policy instead.
CELERY_DB_REUSE_MAX = 10**9
CELERY_BEAT_SCHEDULE_FILENAME = os.getenv(
    "CELERY_BEAT_SCHEDULE", str(BASE_DIR / "var" / "celerybeat-schedule")
)
# --- Counsellors (docs/counselling.md) ------------------------------------

# A submission not reviewed within this many days is shown as overdue.
REVIEW_SLA_DAYS = envint("REVIEW_SLA_DAYS", "3")
COUNSEL_PAGE_SIZE = envint("COUNSEL_PAGE_SIZE", "25")

# --- Plans (docs/plans.md) -------------------------------------------------

# A plan task is stopped (and marked failed) after the soft limit, killed after the hard
# one; both must end before the broker hands an unacknowledged message to another worker.
PLAN_SOFT_TIME_LIMIT = envint("PLAN_SOFT_TIME_LIMIT", "60")
PLAN_TIME_LIMIT = envint("PLAN_TIME_LIMIT", "90")
# Celery's retries after a passing failure wait up to this long (with jitter).
PLAN_RETRY_BACKOFF_MAX = envint("PLAN_RETRY_BACKOFF_MAX", "60")
BROKER_VISIBILITY_TIMEOUT = envint("BROKER_VISIBILITY_TIMEOUT", "300")
# Each worker process holds one message at a time (none waits behind a running task),
# so the longest a message stays unacknowledged is a retry's wait, then its time behind
# other held messages (multiplier - 1 runs), then its own run. Redis hands it to another
# worker once the visibility timeout has passed since delivery: that must come later.
CELERY_WORKER_PREFETCH_MULTIPLIER = envint("WORKER_PREFETCH_MULTIPLIER", "1")
LONGEST_HOLD = PLAN_RETRY_BACKOFF_MAX + CELERY_WORKER_PREFETCH_MULTIPLIER * PLAN_TIME_LIMIT
if not PLAN_SOFT_TIME_LIMIT < PLAN_TIME_LIMIT or not LONGEST_HOLD < BROKER_VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured(
        "Need PLAN_SOFT_TIME_LIMIT < PLAN_TIME_LIMIT and PLAN_RETRY_BACKOFF_MAX + "
        "WORKER_PREFETCH_MULTIPLIER x PLAN_TIME_LIMIT < BROKER_VISIBILITY_TIMEOUT, got "
        f"{PLAN_SOFT_TIME_LIMIT} < {PLAN_TIME_LIMIT} and {PLAN_RETRY_BACKOFF_MAX} + "
        f"{CELERY_WORKER_PREFETCH_MULTIPLIER} x {PLAN_TIME_LIMIT} < {BROKER_VISIBILITY_TIMEOUT}."
    )
if REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
        "socket_timeout": REDIS_TIMEOUT,
        "socket_connect_timeout": REDIS_TIMEOUT,
        "queue_order_strategy": "priority",  # the order of CELERY_TASK_QUEUES, below
    }
# Recovery (docs/plans.md has the measured times these come from):
# - a run holds a lease this long, renewed every third of it while it lives; a run
#   whose lease lapsed is taken for dead;
PLAN_LEASE_SECONDS = envint("PLAN_LEASE_SECONDS", "10")
# - beat asks for a sweep this often, on a queue of its own;
PLAN_SWEEP_SECONDS = envint("PLAN_SWEEP_SECONDS", "5")
# - a queued plan whose message is neither in the queue nor just handed to a worker
#   this long after it was sent is sent again;
PLAN_SEND_GRACE_SECONDS = envint("PLAN_SEND_GRACE_SECONDS", "5")
# - a ready plan whose PDF or email has not come this long after is followed up again.
PLAN_DELIVERY_GRACE_SECONDS = envint("PLAN_DELIVERY_GRACE_SECONDS", "30")
PLAN_MAX_ATTEMPTS = envint("PLAN_MAX_ATTEMPTS", "3")
PLAN_PDF = envbool("PLAN_PDF", "true")
# Fault-injection tests only: seconds a plan task waits once running, so that a test
# can kill the worker mid-task. Always 0 in use.
PLAN_TEST_PAUSE = envint("PLAN_TEST_PAUSE", "0")
# A submit must not hang on a broker that is down: try briefly, then leave it queued.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# Three queues, which a worker takes from in this order (on Redis; kombu's folder takes
# turns): the sweeper's, so that it never waits behind a backlog (its schedule lives in
# beat's file, which a Redis wipe does not touch; a sweep lost with Redis is followed by
# the next one); the plans'; then the PDFs', so that under load members read their
# plans first and the PDFs catch up.
PLAN_SWEEP_QUEUE = f"{CELERY_TASK_DEFAULT_QUEUE}.sweep"
PLAN_PDF_QUEUE = f"{CELERY_TASK_DEFAULT_QUEUE}.pdf"
CELERY_TASK_QUEUES = [
    Queue(name, Exchange(name), routing_key=name)
    for name in (PLAN_SWEEP_QUEUE, CELERY_TASK_DEFAULT_QUEUE, PLAN_PDF_QUEUE)
]

CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "profiles.tasks.clear_expired_sessions",
        "schedule": 6 * 3600,
    },
    "requeue-stuck-plans": {
        "task": "advisor.tasks.requeue_stuck_plans",
        "schedule": PLAN_SWEEP_SECONDS,
        # A sweep that could not run in time is dropped: the next one does its work.
        "options": {"queue": PLAN_SWEEP_QUEUE, "expires": PLAN_SWEEP_SECONDS},
    },
}
# --- Check-ins (docs/checkins.md) -------------------------------------------

# Beat sweeps check-ins this often: makes them, emails those due, each once.
CHECKIN_SWEEP_SECONDS = envint("CHECKIN_SWEEP_SECONDS", "600")
# A sweep claims this many due check-ins at a time, so that sweeps running at once share.
CHECKIN_BATCH = envint("CHECKIN_BATCH", "20")
# A check-in day more than this many days past when its check-ins are made is not emailed.
CHECKIN_LATE_DAYS = envint("CHECKIN_LATE_DAYS", "7")
CELERY_BEAT_SCHEDULE["sweep-checkins"] = {
    "task": "advisor.checkins.tasks.sweep_checkins",
    "schedule": CHECKIN_SWEEP_SECONDS,
    "options": {"queue": PLAN_SWEEP_QUEUE, "expires": CHECKIN_SWEEP_SECONDS},
}
# How long /healthz waits for a worker to answer a ping, in seconds.
HEALTHZ_PING_TIMEOUT = float(os.getenv("HEALTHZ_PING_TIMEOUT", "1.0"))

# --- Email ----------------------------------------------------------------

EMAIL_BACKEND = os.getenv("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.getenv("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "false")
# Seconds before a mail server that does not answer fails the send (in a worker: every
# email is sent from Celery, never inside a web request).
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", "10")
# The folder for django.core.mail.backends.filebased.EmailBackend: one file per email.
EMAIL_FILE_PATH = os.getenv("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "Leap <noreply@leap.local>")

# --- Internationalisation -------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.getenv("TIME_ZONE", "Asia/Shanghai")

# --- Static files ---------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = BASE_DIR / "var" / "media"

# --- Security -------------------------------------------------------------

# HTTPS, all from the environment (docker-compose.yml turns each on; docs/deployment.md).
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "false")
# The load balancer's probes come over plain HTTP (LivezMiddleware answers /livez first).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "false")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "false")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", "false")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True  # read by the server only
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_PROXY", "false") else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Structured logs: time, level, logger and request id on every line; JSON lines in
# production (LOG_FORMAT), readable text with DEBUG on (advisor/logs.py).
LOGGING = logging_config(
    level=os.getenv("LOG_LEVEL", "INFO"),
    json_lines=os.getenv("LOG_FORMAT", "text" if DEBUG else "json") == "json",
)

# Error reporting, only when SENTRY_DSN is set; personal data is scrubbed (advisor/errors.py).
SENTRY_DSN = os.getenv("SENTRY_DSN", "")
if SENTRY_DSN:
    init_sentry(SENTRY_DSN, environment=os.getenv("SENTRY_ENVIRONMENT", "production"))
