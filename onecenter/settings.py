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
    "django.contrib.sessions.middleware.SessionMiddleware",
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
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
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

# Security: safe defaults, hardened further by environment variables in production.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False
)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
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
# The SMS gateway: a dotted path to a class with send(phone, text, *, key). The
# console one prints the messages; a real gateway is a class like it.
SMS_BACKEND = env("SMS_BACKEND", default="notifications.channels.ConsoleSMSBackend")
# Links in e-mails must be absolute; there is no request to build them from.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# A reminder is sent while its row is locked: a hung SMTP server must not hold it.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
