"""Django settings for OneCenter, read from the environment (django-environ)."""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# A fixed key is acceptable only while DEBUG is on; production must set SECRET_KEY.
SECRET_KEY = env(
    "SECRET_KEY",
    default="dev-only-insecure-key-change-me" if DEBUG else environ.Env.NOTSET,
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "bootstrap",
    "simple_history",
    "accounts",
    "portal",
    "procedures",
    "workcalendar",
    "dossiers",
    "notifications",
    "reminders",
    "workspace",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's, giving the session store the browser's hint of which user and
    # device to read with it (accounts/session_hint.py).
    "accounts.session_hint.HintedSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "onecenter.urls"
WSGI_APPLICATION = "onecenter.wsgi.application"
ASGI_APPLICATION = "onecenter.asgi.application"

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
                "portal.context_processors.site",
            ],
        },
    },
]

# SQLite is only the embedded default for a newcomer's first run; IMMEDIATE
# transactions plus a busy timeout make concurrent writers wait instead of failing
# with "database is locked". CI and production set DATABASE_URL to PostgreSQL.
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'onecenter.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
else:
    DATABASES["default"].setdefault(
        "CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60)
    )
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # No JIT compilation: the portal's statements are short, and PostgreSQL's cost
    # threshold misjudges the capped counts of the queues (each subquery stops at
    # COUNT_CAP rows, but their summed estimate passes it): compiling took ten
    # times longer than running (1.7 s against 0.25 s for the manager's agencies at
    # a million dossiers).
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    _db_options["options"] = f"{_db_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:landing"
LOGOUT_REDIRECT_URL = "portal:home"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
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
# Uploaded papers and results are private: they live outside any public URL and are
# served only through views that check who is asking.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "private-media")
# No URL pattern serves this prefix; it is set only because Django needs a value.
MEDIA_URL = "/private-media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="OneCenter <no-reply@onecenter.local>"
)

# Celery: Redis in CI and production; without REDIS_URL a newcomer gets kombu's
# filesystem transport under var/, so the worker and beat still run with no server.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CELERY_BROKER_URL = "filesystem://"
    _broker_dir = VAR_DIR / "celery-broker"
    (_broker_dir / "out").mkdir(parents=True, exist_ok=True)
    (_broker_dir / "processed").mkdir(parents=True, exist_ok=True)
    (_broker_dir / "control").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
# One cache shared by every process when Redis is there (rate limits must be shared).
CACHES = {
    "default": (
        {
            # Django's, keeping its Redis client (onecenter/redis_cache.py).
            "BACKEND": "onecenter.redis_cache.ReusingRedisCache",
            "LOCATION": REDIS_URL,
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# Security: with DEBUG off the site is HTTPS-only (redirect, Secure cookies, HSTS for
# a year, subdomains included) unless a variable says otherwise, so production needs
# no extra variable to be safe. ALLOW_PLAIN_HTTP=true turns all of it off at once for
# a plain-HTTP test server; each setting can still be set on its own.
HTTPS_ONLY = not DEBUG and not env.bool("ALLOW_PLAIN_HTTP", default=False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=HTTPS_ONLY)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=HTTPS_ONLY)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS_ONLY)
SECURE_HSTS_SECONDS = env.int(
    "SECURE_HSTS_SECONDS", default=31_536_000 if HTTPS_ONLY else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS_ONLY
)
# The preload directive only allows the domain's owner to submit it to the browsers'
# preload list; nothing is submitted by sending it. SECURE_HSTS_PRELOAD=false omits it.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS_ONLY)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Trusting X-Forwarded-Proto is safe only behind a proxy that always sets it itself.
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Office hours of the desks, "HH:MM-HH:MM" periods separated by commas. They decide
# when a dossier counts as received after closing time and how working hours add up.
OFFICE_HOURS = env("OFFICE_HOURS", default="07:30-11:30,13:00-17:00")

# Dossier codes, issued at receipt: <receiving agency code>-YYMMDD-NNNN (the 2018
# format; configurable because the 2025 format is still to be confirmed).
DOSSIER_CODE_FORMAT = env(
    "DOSSIER_CODE_FORMAT", default="{agency}-{date:%y%m%d}-{number:04d}"
)

# Public tracking: wrong code/PIN guesses allowed per client before HTTP 429.
TRACKING_MAX_FAILURES = env.int("TRACKING_MAX_FAILURES", default=10)
TRACKING_BLOCK_SECONDS = env.int("TRACKING_BLOCK_SECONDS", default=900)

# The centre this installation serves, shown in the header and on printed forms.
CENTRE_NAME = env(
    "CENTRE_NAME", default="Trung tâm Phục vụ hành chính công tỉnh Sơn Hà"
)

# Citizen portal
INSTALLED_APPS += ["feedback"]
# Answers oversize or malformed uploads with a readable 413 page (dossiers/uploads.py).
MIDDLEWARE += ["dossiers.uploads.UploadLimitMiddleware"]
# One scanned paper at most (checked from the file, with a clear message), and one
# request at most (refused from its declared length, before the body is read).
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
UPLOAD_MAX_REQUEST_BYTES = env.int("UPLOAD_MAX_REQUEST_BYTES", default=80 * 1024 * 1024)
# Form fields other than files; files above FILE_UPLOAD_MAX_MEMORY_SIZE go to disk.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 40
FILE_UPLOAD_PERMISSIONS = 0o640
# Sign-up: the e-mail verification link and the password reset link stay valid this
# long (seconds).
ACCOUNT_VERIFICATION_MAX_AGE = env.int("ACCOUNT_VERIFICATION_MAX_AGE", default=259_200)
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=86_400)
# Rows per page of "My dossiers" and of the notification inbox.
CITIZEN_PAGE_SIZE = 20

# Form 04 (extension): the request must come at least this many working days before
# the due date in force (Decree 61/2018, art. 19, as amended: "at the latest one
# day before the due date").
EXTENSION_MIN_WORKING_DAYS_BEFORE_DUE = env.int(
    "EXTENSION_MIN_WORKING_DAYS_BEFORE_DUE", default=1
)

# Reminders (reminders/): the periodic scan in onecenter/celery.py finds what is due.
# "Due soon" warns this many working days before a dossier's due date.
REMINDER_DUE_SOON_DAYS = env.int("REMINDER_DUE_SOON_DAYS", default=2)
# Applicants are reminded of an unanswered supplement request (Form 02) this many
# working days after it, then every REPEAT working days (0: only once) ...
REMINDER_SUPPLEMENT_AFTER_DAYS = env.int("REMINDER_SUPPLEMENT_AFTER_DAYS", default=2)
REMINDER_SUPPLEMENT_REPEAT_DAYS = env.int("REMINDER_SUPPLEMENT_REPEAT_DAYS", default=3)
# ... and of a result waiting to be collected, likewise.
REMINDER_RESULT_AFTER_DAYS = env.int("REMINDER_RESULT_AFTER_DAYS", default=1)
REMINDER_RESULT_REPEAT_DAYS = env.int("REMINDER_RESULT_REPEAT_DAYS", default=5)
# Notices (notifications/): transition notices and reminders go out through the
# same channels. After this many failed attempts a notice is marked failed, for
# staff to see in the admin, instead of being retried for ever.
NOTICE_MAX_ATTEMPTS = env.int("NOTICE_MAX_ATTEMPTS", default=5)
# Channels per audience: "in_app", "email", "sms".
NOTICE_CHANNELS = {
    "staff": env.list("NOTICE_STAFF_CHANNELS", default=["in_app", "email"]),
    "applicant": env.list(
        "NOTICE_APPLICANT_CHANNELS", default=["in_app", "email", "sms"]
    ),
}
# The results of a group file's children (ready, handed back) reach the applicant
# as one digest: the first change opens it, every change of the same group file
# within this many seconds joins it, and it is sent at the window's end
# (procedure_groups/digest.py; docs/interagency.md, "One notice stream").
GROUP_NOTICE_WINDOW_SECONDS = env.int("GROUP_NOTICE_WINDOW_SECONDS", default=180)
# A transition notice still pending and never tried this long after it was
# recorded is queued again by the beat sweep (dossiers.tasks.send_pending_notices).
NOTICE_SWEEP_AFTER_SECONDS = env.int("NOTICE_SWEEP_AFTER_SECONDS", default=120)
# The SMS gateway: a dotted path to a class with send(phone, text, *, key). The
# console one prints the messages; a real gateway is a class like it.
SMS_BACKEND = env("SMS_BACKEND", default="notifications.channels.ConsoleSMSBackend")
# Links in e-mails must be absolute; there is no request to build them from.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# A reminder is sent while its row is locked: a hung SMTP server must not hold it.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# Security headers (issue 12): Content-Security-Policy on every page, admin included,
# and no-store on every page served to a signed-in user.
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE  # noqa: E402

INSTALLED_APPS += ["csp"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "csp.middleware.CSPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "portal.middleware.PrivatePagesNoStoreMiddleware",
)
# The <style> of templates/500.html, which is rendered without a request (so without
# a nonce); tests/portal/test_security_headers.py fails when the two drift apart.
ERROR_PAGE_STYLE_HASH = "'sha256-6KpI1NZUYXm+0+3VAFIVj8ONu3ryoMqRcfOTdAwL0Qo='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # No inline script anywhere: behaviour lives in static/js/.
        "script-src": [SELF],
        # <style> elements need the request's nonce (the printed forms) or the hash
        # above. style="" attributes stay allowed: the printed forms' column widths,
        # some twenty page layouts, the catalogue admin's status badge and
        # simple_history's history page use them, and an attribute cannot run script.
        "style-src": [SELF, NONCE, ERROR_PAGE_STYLE_HASH],
        "style-src-attr": [UNSAFE_INLINE],
        # data: for Bootstrap's inline SVG icons (navbar toggler, select arrows).
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- Audit trail (audit/): logins, credential changes, staff views of personal data
INSTALLED_APPS += ["audit"]
# Keeps the request at hand for events written where none is passed (a password
# saved by a form): right after authentication, so the user is known.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "audit.middleware.AuditRequestMiddleware",
)
# Proxies (addresses or networks) whose X-Forwarded-For is believed, right to left
# up to the first address not listed (audit/network.py client_ip). Empty: the
# address of the connection is the client's.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
# Audit events are deleted this many days after they happen (the daily purge in
# onecenter/celery.py, or manage.py purge_audit); 0 keeps them for ever.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=730)

# --- Login lockout and second factor (issue 12; accounts/lockout.py, accounts/mfa.py)
from datetime import timedelta  # noqa: E402

INSTALLED_APPS += [
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]
AUTHENTICATION_BACKENDS = [
    # First: refuses every login, right password or not, while locked out.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the signed-in user from the shared cache.
    "accounts.auth_cache.CachedModelBackend",
]
# django-otp tells whether the session passed the second factor; ours then keeps a
# session that has not (staff always, citizens who turned it on) on the code page.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "accounts.middleware.SecondFactorMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "accounts.auth_cache.CachedOTPMiddleware",
)
# The signed-in user and their second-factor device are read from the shared cache
# for this long at most (accounts/auth_cache.py; every change drops the copy at
# once). 0, the default without Redis, reads them from the database every time.
AUTH_CACHE_SECONDS = env.int("AUTH_CACHE_SECONDS", default=300 if REDIS_URL else 0)
# The staff's queue counts and the manager's table per agency, kept per user until a
# dossier changes or the minute turns (dossiers/freshness.py); 0 reads them every time.
QUEUE_COUNT_CACHE_SECONDS = env.int(
    "QUEUE_COUNT_CACHE_SECONDS", default=120 if REDIS_URL else 0
)
# Turns a locked-out login into the login page with the lockout message (HTTP 429).
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
# AXES_FAILURE_LIMIT failed logins lock for AXES_COOLOFF_MINUTES, counted per
# account and, separately, per client address ("username+ip_address" in the list
# counts a pair instead). A success clears only its account's failures (why:
# accounts/lockout.py), hence AXES_RESET_ON_SUCCESS off.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [
    item.split("+") if "+" in item else item
    for item in env.list("AXES_LOCKOUT_PARAMETERS", default=["username", "ip_address"])
]
AXES_RESET_ON_SUCCESS = False
# Attempts during a lockout do not prolong it: it ends when the page says it will.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# The same client address as the audit trail (TRUSTED_PROXIES).
AXES_CLIENT_IP_CALLABLE = "audit.network.client_ip"
AXES_HTTP_RESPONSE_CODE = 429
# The name an authenticator app shows beside the account.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="OneCenter")
# The admin's device pages never show a TOTP secret.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Uploads, antivirus and public tracking (issue 12; dossiers/uploads.py,
# dossiers/antivirus.py, dossiers/tracking.py)
# ClamAV's daemon, asked about every upload before it is stored: tcp://host:3310 or
# unix:///run/clamav/clamd.ctl. Empty: no virus scan. When set, a scanner that does
# not answer within CLAMAV_TIMEOUT seconds refuses the upload (fails closed), and so
# does one whose StreamMaxLength (clamd.conf) is below UPLOAD_MAX_BYTES.
CLAMAV_URL = env("CLAMAV_URL", default="")
CLAMAV_TIMEOUT = env.float("CLAMAV_TIMEOUT", default=30.0)
# Where infected uploads are kept for investigation (owner-only files, never
# served); empty keeps none and only logs them.
UPLOAD_QUARANTINE_DIR = env(
    "UPLOAD_QUARANTINE_DIR", default=str(VAR_DIR / "quarantine")
)
# Besides TRACKING_MAX_FAILURES per client address, wrong PINs for one dossier code
# from any number of addresses: at 20 a day, under 1 % of a 6-digit PIN's values
# can be tried in a year.
TRACKING_MAX_FAILURES_PER_CODE = env.int("TRACKING_MAX_FAILURES_PER_CODE", default=20)
TRACKING_CODE_BLOCK_SECONDS = env.int("TRACKING_CODE_BLOCK_SECONDS", default=86_400)

# --- Sign-up, account e-mails, passwords and sessions (issue 12; accounts/services.py,
# accounts/emails.py, accounts/throttle.py, accounts/validators.py,
# accounts/session_expiry.py)
# Account e-mails (sign-up, new link, password reset, address change) in an hour, at
# most, to one address and at the request of one client address; beyond, the same
# page answers and nothing is sent.
ACCOUNT_MAIL_PER_ADDRESS_PER_HOUR = env.int(
    "ACCOUNT_MAIL_PER_ADDRESS_PER_HOUR", default=3
)
ACCOUNT_MAIL_PER_IP_PER_HOUR = env.int("ACCOUNT_MAIL_PER_IP_PER_HOUR", default=20)
# Wrong current passwords a signed-in user may type in an hour (changing address).
ACCOUNT_PASSWORD_CHECKS_PER_HOUR = env.int(
    "ACCOUNT_PASSWORD_CHECKS_PER_HOUR", default=5
)
# The bundled list of leaked passwords, with look-alike and added-digit variants,
# takes the place of Django's CommonPasswordValidator (its list is included).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.validators.BreachedPasswordValidator"}
    if validator["NAME"].endswith(".CommonPasswordValidator")
    else validator
    for validator in AUTH_PASSWORD_VALIDATORS
]
# Sessions: staff are logged out after this long without a request, and this long
# after logging in whatever they do; citizens SESSION_COOKIE_AGE after logging in.
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_SECONDS", default=30 * 60)
STAFF_SESSION_MAX_AGE = env.int("STAFF_SESSION_MAX_AGE", default=12 * 3600)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=14 * 86_400)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "accounts.session_expiry.SessionExpiryMiddleware",
)
# "__Host-" cookies are only sent back to this exact host over HTTPS, never set by a
# subdomain; browsers accept them only when Secure, with Path=/ and no Domain.
_host_only = {
    cookie: globals()[f"{cookie}_COOKIE_SECURE"]
    and globals().get(f"{cookie}_COOKIE_PATH", "/") == "/"
    and not globals().get(f"{cookie}_COOKIE_DOMAIN")
    for cookie in ("SESSION", "CSRF")
}
SESSION_COOKIE_NAME = "__Host-sessionid" if _host_only["SESSION"] else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if _host_only["CSRF"] else "csrftoken"

# --- Observability and sessions in Redis (issue 13; onecenter/observability.py,
# portal/observability.py, portal/health.py)
from onecenter.observability import (  # noqa: E402
    configure_structlog,
    logging_settings,
    session_engine,
)

INSTALLED_APPS += ["django_structlog", "django_prometheus"]
# The request id first, so every middleware's lines carry it; Prometheus' pair
# around everything, to time and count whole requests.
MIDDLEWARE.insert(0, "portal.observability.RequestLogMiddleware")
MIDDLEWARE.insert(0, "django_prometheus.middleware.PrometheusBeforeMiddleware")
MIDDLEWARE += ["django_prometheus.middleware.PrometheusAfterMiddleware"]
# LOG_FORMAT=json: one JSON object a line on stdout (the default with DEBUG off);
# console: readable lines (the default with DEBUG on).
LOG_FORMAT = env("LOG_FORMAT", default="console" if DEBUG else "json")
LOGGING = logging_settings(
    json=LOG_FORMAT == "json", level=env("LOG_LEVEL", default="INFO")
)
configure_structlog()
# Logs are operational: no client addresses (the audit trail keeps those), no
# query strings (portal.observability.RequestLogMiddleware logs the path only).
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False
# The id in X-Request-ID is kept when it is a plain token (the middleware replaces
# any other before django-structlog reads it).
DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = True
# Tasks carry the request id of the request that queued them.
DJANGO_STRUCTLOG_CELERY_ENABLED = True
# /metrics answers only these addresses or networks (the client address as the
# audit trail sees it, TRUSTED_PROXIES included); anyone else gets a 404.
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
# Sessions: cached_db on the shared Redis cache when REDIS_URL is set (the throttles
# and tracking limits use the same cache), the database alone otherwise.
SESSION_ENGINE = session_engine(REDIS_URL)
SESSION_CACHE_ALIAS = "default"

# --- Production serving (issue 13; Procfile, onecenter/gunicorn.conf.py, deploy.md)
# The Celery worker runs its tasks in threads of one process. A stop signal sent to
# a whole process group (honcho, systemd's default KillMode) also kills a prefork
# pool's children, and the main process then waits in billiard's
# Pool._help_stuff_finish on the queue lock an idle child held (for minutes, in
# issue 13) until it is killed. Our tasks wait on mail and the database, not the CPU.
CELERY_WORKER_POOL = env("CELERY_WORKER_POOL", default="threads")
# Where beat keeps its last run times; a second stack on the same checkout (the
# shutdown test) points it elsewhere.
CELERY_BEAT_SCHEDULE_FILENAME = env(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=CELERY_BEAT_SCHEDULE_FILENAME
)

# --- Error reporting (optional; onecenter/errors.py) ---
# SENTRY_DSN sends unhandled exceptions of the web processes and the Celery tasks to
# Sentry or a compatible service (GlitchTip), without personal data; unset, nothing
# is sent and the SDK is not even imported.
from onecenter.errors import init_error_reporting  # noqa: E402

SENTRY_DSN = env("SENTRY_DSN", default="")
init_error_reporting(
    SENTRY_DSN,
    environment=env(
        "SENTRY_ENVIRONMENT", default="development" if DEBUG else "production"
    ),
    release=env("SENTRY_RELEASE", default=""),
    traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
)

# --- Object storage (S3) (issue 13; onecenter/storage.py, docs/deploy.md) ---
# With S3_BUCKET set, uploaded papers, results and blank forms live in that private
# bucket of an S3-compatible server (SeaweedFS, MinIO, Amazon S3) shared by every web
# and worker machine; without it, on the local disk under MEDIA_ROOT. Either way
# the app alone serves them, to users it has checked.
from onecenter.storage import s3_storage  # noqa: E402

S3_BUCKET = env("S3_BUCKET", default="")
if S3_BUCKET:
    STORAGES = {
        **STORAGES,
        "default": s3_storage(
            bucket=S3_BUCKET,
            endpoint_url=env("S3_ENDPOINT_URL", default=""),
            region=env("S3_REGION", default=""),
            access_key=env("S3_ACCESS_KEY_ID", default=""),
            secret_key=env("S3_SECRET_ACCESS_KEY", default=""),
            location=env("S3_LOCATION", default=""),
            url_expiry=env.int("S3_URL_EXPIRY_SECONDS", default=60),
        ),
    }

# --- Statistics (issue 14; reports/, docs/indicators.md) ---
# Summary rows per day, agency, procedure and channel, rebuilt by a beat task
# (reports.tasks.refresh_summaries) this many days back; the current day is live.
INSTALLED_APPS += ["reports"]
REPORTS_REBUILD_LOOKBACK_DAYS = env.int("REPORTS_REBUILD_LOOKBACK_DAYS", default=3)

# --- Several nodes (issue 13; tests/twonode, docs/deploy.md "Several servers") ---
# A task a worker had taken when it died (SIGKILL, a lost machine) goes back to the
# queue for another worker this many seconds after it was handed out. It must be
# longer than any task runs and any retry's countdown (a retry waiting for its time
# is held the same way), or the task runs twice. A worker sweeps for such
# tasks every 10 s (more often with a short timeout; kombu's default is every
# 100 s), and the sweep's lock expires sooner than kombu's 5 minutes when the
# timeout is short, so a worker killed while holding it does not stall the others.
if REDIS_URL:
    _visibility_timeout = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "visibility_timeout": _visibility_timeout,
        "unacked_restore_interval": max(1, min(10, _visibility_timeout // 5)),
        "unacked_restore_throttle": 1,
        "unacked_mutex_expire": min(300, _visibility_timeout),
    }
# The longest wait before a task's retry (reminders back off up to this): half the
# visibility timeout, so a retry held by a worker is never handed out twice.
TASK_RETRY_BACKOFF_MAX_SECONDS = (
    min(1800, _visibility_timeout // 2) if REDIS_URL else 1800
)
# Collected static files (collectstatic, served by whitenoise) elsewhere than var/.
STATIC_ROOT = env.path("STATIC_ROOT", default=STATIC_ROOT)
# EMAIL_URL=filemail:////some/folder writes each e-mail to a file there (the
# two-node test reads each worker's); without this the URL's folder was dropped.
if "EMAIL_FILE_PATH" in _email:
    EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"]

# --- HTTP benchmark (issue 13; manage.py bench_http, docs/performance.md)
# Routes /bench/bare/, a view that does nothing, so the benchmark can hold each page
# against the cost of the middleware alone. Only the benchmark's server sets it.
BENCH_BARE_VIEW = env.bool("BENCH_BARE_VIEW", default=False)

# --- Outbox: national portal sync and webhooks (issue 16 item 5; outbox/,
# docs/outbox.md) ---
# Every dossier transition records an event; each active subscriber (admin) gets it
# in order per dossier. A failed attempt is retried after OUTBOX_BACKOFF_SECONDS,
# then twice that, and so on up to OUTBOX_BACKOFF_MAX_SECONDS; after
# OUTBOX_MAX_ATTEMPTS the delivery is dead until an administrator replays it. The
# defaults keep trying for about eight hours.
INSTALLED_APPS += ["outbox"]
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=15)
OUTBOX_BACKOFF_SECONDS = env.int("OUTBOX_BACKOFF_SECONDS", default=30)
OUTBOX_BACKOFF_MAX_SECONDS = env.int("OUTBOX_BACKOFF_MAX_SECONDS", default=3600)
# One HTTP attempt gives up after this long (seconds); the row stays locked
# meanwhile, so it must stay well below CELERY_VISIBILITY_TIMEOUT.
OUTBOX_HTTP_TIMEOUT = env.int("OUTBOX_HTTP_TIMEOUT", default=10)
# Deliveries enqueued per sweep (every 30 s, onecenter/celery.py).
OUTBOX_SWEEP_BATCH = env.int("OUTBOX_SWEEP_BATCH", default=500)

# --- REST API v1 (issue 16; api/, docs/api.md) ---
INSTALLED_APPS += [
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]
# Before the pages' second-factor gate: an API session that owes its second factor
# is answered with a JSON 403 instead of a redirect to the code page, and the
# upload limit's 413 (and a malformed form's 400) in the API's JSON shape.
MIDDLEWARE.insert(
    MIDDLEWARE.index("accounts.middleware.SecondFactorMiddleware"),
    "api.middleware.ApiMiddleware",
)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiKeyAuthentication",
        "api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttles.PublicThrottle",
        "api.throttles.UserThrottle",
    ],
    # Per client address (anonymous) and per account (signed in), in the shared
    # cache; API_THROTTLE_PUBLIC=1000/minute for a load test.
    "DEFAULT_THROTTLE_RATES": {
        "public": env("API_THROTTLE_PUBLIC", default="120/minute"),
        "user": env("API_THROTTLE_USER", default="600/minute"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "OneCenter API",
    "DESCRIPTION": (
        "The procedure catalogue, public tracking, citizens' dossiers and the "
        "staff's workflow. Authentication, errors and pagination: docs/api.md."
    ),
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"DossierState": "dossiers.models.State"},
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- interagency ---
# Groups of linked procedures filed once (docs/interagency.md).
INSTALLED_APPS += ["procedure_groups"]
