"""Settings, read from the environment (see the configuration table in README.md)."""

import os
from pathlib import Path

import dj_database_url

CABINET_DIR = Path(__file__).resolve().parent  # templates and static files travel with the package
BASE_DIR = CABINET_DIR.parent.parent
DATA_DIR = Path(os.environ.get("KABINET_DATA_DIR", BASE_DIR / ".data"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    # Only the launcher and the tests run without one; both set it. A bare import still works for tooling.
    SECRET_KEY = "insecure-development-key-set-SECRET_KEY-in-production"
DEBUG = env_bool("DEBUG")

# Hosts are checked by the tenant middleware against the Domain table (custom domains included),
# so Django's own host check would only duplicate it with a stale list.
ALLOWED_HOSTS = ["*"]
PLATFORM_DOMAIN = os.environ.get("PLATFORM_DOMAIN", "localhost").lower()
PLATFORM_URL_SCHEME = os.environ.get("PLATFORM_URL_SCHEME", "http")
# Port shown in links built outside a request (launcher output, e-mails); empty for 80/443.
PLATFORM_URL_PORT = os.environ.get("PLATFORM_URL_PORT", "")

SHARED_APPS = [
    # tenants first: its create_tenant command replaces django-tenants' own (ours clones and adds the owner).
    "tenants",
    "django_tenants",
    "cabinet.accounts",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "verticals",
    # failed sign-in attempts of platform staff (console); each tenant keeps its own below
    "axes",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "cabinet.accounts",
    "cabinet.portal",
    # failed sign-in attempts live in the tenant's schema, so a lockout on one portal never touches another
    "axes",
    # modules (each declares itself in its module.py)
    "cabinet.documents",
    "cabinet.apikeys",
    "cabinet.catalog",
    "cabinet.orders",
    "cabinet.support",
    "cabinet.feedback",
    "cms",
    "taggit",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.admin",
    "wagtail.search",
    "wagtail",
    "modelcluster",
]
INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS] + [
    "rest_framework",
    "drf_spectacular",
]

TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
# New tenants are cloned from this schema; `setup_platform` keeps it migrated (docs/provisioning.md).
TENANT_BASE_SCHEMA = "tenant_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
TENANT_SPARE_SCHEMAS = int(os.environ.get("TENANT_SPARE_SCHEMAS", "3"))
# Each request sets the search_path once; repeated calls for the same tenant are skipped.
TENANT_LIMIT_SET_CALLS = True
TENANT_DOMAIN_CACHE_SECONDS = float(os.environ.get("TENANT_DOMAIN_CACHE_SECONDS", "10"))
PUBLIC_SCHEMA_URLCONF = "cabinet.urls_public"
ROOT_URLCONF = "cabinet.urls_tenant"
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]

MIDDLEWARE = [
    "cabinet.health.HealthCheckMiddleware",
    # gzip for text answers, the static CSS and JS below included (docs/decisions.md: compression and BREACH)
    "cabinet.compression.TextGZipMiddleware",
    # Static files are the same on every host: served before tenant routing, with no query.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tenants.middleware.CachedTenantMiddleware",
    "tenants.middleware.SuspendedTenantMiddleware",
    # 404/405/500 answered by Django itself are JSON under /api/v1/ too
    "cabinet.apikeys.middleware.ApiJsonErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # a signed-in person's saved language wins over the cookie and the browser's
    "cabinet.accounts.middleware.UserLanguageMiddleware",
    # request.portal (module switches, branding) and 404 for URLs of switched-off modules
    "cabinet.portal.middleware.PortalStateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # turns a sign-in refused for too many failures into the lockout page (HTTP 429)
    "axes.middleware.AxesMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [CABINET_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "cabinet.portal.context_processors.platform",
            ],
        },
    },
]

WSGI_APPLICATION = "cabinet.wsgi.application"
ASGI_APPLICATION = "cabinet.asgi.application"

DATABASE_URL = os.environ.get("DATABASE_URL", "")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL or "postgres://postgres@127.0.0.1:5432/kabinet",
        engine="django_tenants.postgresql_backend",
        conn_max_age=0,
    )
}

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# Test workers share one Redis; each gets its own key prefix.
CACHE_PREFIX = os.environ.get("KABINET_CACHE_PREFIX", "kabinet") + os.environ.get("PYTEST_XDIST_WORKER", "")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": CACHE_PREFIX,
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "TIMEOUT": 300,
    }
}

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL], "prefix": f"{CACHE_PREFIX}:asgi"},
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # first: refuses any sign-in while the typed identifier or the client's IP is locked out
    "cabinet.accounts.backends.ThrottlingBackend",
    # e-mail, phone or contract/personal-account number, with ModelBackend's rules (is_active, permissions)
    "cabinet.accounts.backends.IdentifierBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:staff-login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link works for one day
EMAIL_VERIFICATION_MAX_AGE = 60 * 60 * 24 * 3  # an e-mail confirmation link works for three days
REMEMBER_ME_SECONDS = 60 * 60 * 24 * 30  # "Remember me": 30 days; otherwise until the browser closes

# Failed sign-in throttling (django-axes). Attempts are stored in each tenant's schema. A sign-in is refused
# for AXES_COOLOFF_TIME once either the typed identifier or the client's IP has AXES_FAILURE_LIMIT failures.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
# What was typed, normalised (e-mail lower-cased, phone in E.164), so "A@x.test" and "a@x.test" count together.
AXES_USERNAME_CALLABLE = "cabinet.accounts.throttling.attempted_identifier"
AXES_CLIENT_IP_CALLABLE = "cabinet.accounts.throttling.client_ip"
AXES_LOCKOUT_CALLABLE = "cabinet.accounts.throttling.lockout_response"
AXES_VERBOSE = False
# Number of reverse proxies (ingress, load balancer) in front of the app that append to X-Forwarded-For.
# 0: the client's address is the connection's. Never more than really exist, or clients could forge it.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Cookies stay host-only (no SESSION_COOKIE_DOMAIN): a subdomain's cookie never reaches another tenant.

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Русский"), ("uk", "Українська")]
LOCALE_PATHS = [CABINET_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [CABINET_DIR / "static"]
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MULTITENANT_RELATIVE_MEDIA_ROOT = "tenants/%s"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "no-reply@kabinet.local")

WAGTAIL_SITE_NAME = "Kabinet"
# The admin would ask releases.wagtail.io for new versions from every editor's browser: a third-party call
# our pages never make (and a console error where that host is out of reach). Upgrades are ours to plan.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_LOGIN_URL = "/manage/login/"
WAGTAILADMIN_BASE_URL = f"{PLATFORM_URL_SCHEME}://{PLATFORM_DOMAIN}"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Session first: the portal's own pages call the API signed in; integrations send an API key.
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication",
                                       "cabinet.apikeys.authentication.ApiKeyAuthentication"],
    "DEFAULT_THROTTLE_CLASSES": ["cabinet.apikeys.throttling.ApiKeyRateThrottle"],
    "EXCEPTION_HANDLER": "cabinet.apikeys.exceptions.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kabinet API", "VERSION": "1.0.0", "SERVE_INCLUDE_SCHEMA": False,
    "PREPROCESSING_HOOKS": ["cabinet.api.only_enabled_modules"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "cabinet.api.document_common_errors"],
}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "global_keyprefix": f"{CACHE_PREFIX}:celery:"}
CELERY_BEAT_SCHEDULE = {
    "refill-spare-schemas": {"task": "tenants.tasks.refill_spare_schemas", "schedule": 60.0},
    "catalog-expire-reservations": {"task": "cabinet.catalog.tasks.expire_reservations_everywhere",
                                    "schedule": 300.0},
    "support-auto-close": {"task": "cabinet.support.tasks.auto_close_resolved_requests_everywhere",
                           "schedule": 86400.0},
    "orders-place-recurring": {"task": "cabinet.orders.tasks.place_due_recurring_orders_everywhere",
                               "schedule": 900.0},
    "idempotency-cleanup": {"task": "cabinet.portal.tasks.delete_old_idempotency_records_everywhere",
                            "schedule": 3600.0},
}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER")

# The first platform staff account, created by `setup_platform` when both are set.
PLATFORM_ADMIN_EMAIL = os.environ.get("PLATFORM_ADMIN_EMAIL", "")
PLATFORM_ADMIN_PASSWORD = os.environ.get("PLATFORM_ADMIN_PASSWORD", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
