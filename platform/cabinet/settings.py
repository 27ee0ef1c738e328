"""Settings, read from the environment (see the configuration table in README.md)."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE as _NONCE

CABINET_DIR = Path(__file__).resolve().parent  # templates and static files travel with the package
BASE_DIR = CABINET_DIR.parent.parent
DATA_DIR = Path(os.environ.get("KABINET_DATA_DIR", BASE_DIR / ".data"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG")
# The launcher and the tests always set one. Without it, only DEBUG gets a development key; in production
# SECRET_KEY stays empty, so Django refuses anything that signs, and the ASGI/WSGI entry points refuse to start
# (cabinet.security.require_secret_key). A bare import still works for tooling (mypy, makemigrations).
SECRET_KEY = os.environ.get("SECRET_KEY", "") or ("insecure-development-key" if DEBUG else "")

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
    # the platform's Stripe webhook intake and event log live in the public schema
    "billing",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "cabinet.accounts",
    "cabinet.portal",
    "cabinet.api",
    "cabinet.notifications",
    # each business's Stripe account, payments, webhook event log and call log
    "billing",
    # modules (each declares itself in its module.py)
    "cabinet.modules.documents",
    "cabinet.modules.apikeys",
    "cabinet.modules.catalog",
    "cabinet.modules.orders",
    "cabinet.modules.support",
    "cabinet.modules.feedback",
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
    "csp",
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
    # Security headers (nosniff, HSTS, referrer and opener policy) and the Content-Security-Policy on every answer
    # below: static files, the API's JSON errors and the HTTPS redirect included
    "django.middleware.security.SecurityMiddleware",
    "cabinet.security.ContentSecurityPolicyMiddleware",
    # Static files are the same on every host: served before tenant routing, with no query.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tenants.middleware.CachedTenantMiddleware",
    # 404/405/500 answered by Django itself are JSON under /api/v1/ too
    "cabinet.modules.apikeys.middleware.ApiJsonErrorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # a NUL in any parameter, or a form body that cannot be parsed: 400 (JSON under /api/) before any view or query
    "cabinet.hostile_input.HostileInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # after the language and CSRF middleware (the 503 page speaks the visitor's language and its switcher
    # works), before sign-in: nothing of a suspended business's schema is read
    "tenants.middleware.SuspendedTenantMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # a signed-in person's saved language wins over the cookie and the browser's
    "cabinet.accounts.middleware.UserLanguageMiddleware",
    # request.portal (module switches, branding) and 404 for URLs of switched-off modules
    "cabinet.portal.middleware.PortalStateMiddleware",
    # a browser's GET of an address that only takes a form's POST gets a page that leads on, not a blank 405
    "cabinet.http.UsefulMethodNotAllowedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # someone signed in with a temporary password from staff chooses their own before anything else
    "cabinet.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # turns a sign-in refused for too many failures into the lockout page (HTTP 429)
    "cabinet.accounts.middleware.SignInLockMiddleware",
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
                "csp.context_processors.nonce",
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
# A web process keeps a pool of PostgreSQL connections (psycopg_pool) rather than opening one per request:
# under ASGI each request runs in a thread of its own, so persistent connections would never be reused.
# On for the web server only (`make run` and the Helm chart set it); forked Celery workers keep plain ones.
if env_bool("DATABASE_POOL"):
    DATABASES["default"]["OPTIONS"] = {**DATABASES["default"].get("OPTIONS", {}), "pool": {
        "min_size": 1, "max_size": int(os.environ.get("DATABASE_POOL_SIZE", "20")),
        # a request waits this long for a free connection (then fails), never for a new server process
        "timeout": float(os.environ.get("DATABASE_POOL_TIMEOUT", "30"))}}

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# Test workers share one Redis; each gets its own key prefix.
CACHE_PREFIX = os.environ.get("KABINET_CACHE_PREFIX", "kabinet") + os.environ.get("PYTEST_XDIST_WORKER", "")
# The cache is an optimisation: when Redis does not answer within REDIS_CACHE_TIMEOUT seconds, pages are served
# from the database and Redis is retried every couple of seconds (cabinet/cache.py, docs/decisions.md).
REDIS_CACHE_TIMEOUT = float(os.environ.get("REDIS_CACHE_TIMEOUT", "0.25"))
CACHES = {
    "default": {
        "BACKEND": "cabinet.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": CACHE_PREFIX,
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "TIMEOUT": 300,
        "OPTIONS": {"socket_timeout": REDIS_CACHE_TIMEOUT, "socket_connect_timeout": REDIS_CACHE_TIMEOUT,
                    "retry_seconds": 2},
    }
}
# Sessions live in the database, never in Redis: a Redis outage signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL], "prefix": f"{CACHE_PREFIX}:asgi"},
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # e-mail, phone or contract/personal-account number, with ModelBackend's rules (is_active, permissions),
    # throttled by the sign-in policy below
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

# Sign-in throttling (cabinet/accounts/throttling.py, docs/decisions.md). Failures are kept in the schema of
# the portal (or the console) they were made on. Within the window a sign-in is refused once the account has
# SIGN_IN_ACCOUNT_AND_IP_LIMIT failures from the client's address, or SIGN_IN_ACCOUNT_LIMIT from anywhere (not
# on addresses where it signed in within SIGN_IN_FAMILIAR_DAYS), or the address SIGN_IN_IP_LIMIT failures.
SIGN_IN_WINDOW_MINUTES = float(os.environ.get("LOGIN_COOLOFF_MINUTES", "15"))
SIGN_IN_ACCOUNT_AND_IP_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
SIGN_IN_ACCOUNT_LIMIT = int(os.environ.get("LOGIN_ACCOUNT_FAILURE_LIMIT", "20"))
SIGN_IN_IP_LIMIT = int(os.environ.get("LOGIN_IP_FAILURE_LIMIT", "50"))
SIGN_IN_FAMILIAR_DAYS = int(os.environ.get("LOGIN_FAMILIAR_DAYS", "30"))
SIGN_IN_HISTORY_DAYS = 90  # sign-in attempts older than this are deleted (daily)
# Password-reset and confirmation e-mails: per account and per client address, within an hour. Beyond that
# nothing is sent, and the page answers exactly as when it is (and as for an address nobody has).
MAIL_REQUESTS_PER_ACCOUNT_HOUR = int(os.environ.get("MAIL_REQUESTS_PER_ACCOUNT_HOUR", "3"))
MAIL_REQUESTS_PER_IP_HOUR = int(os.environ.get("MAIL_REQUESTS_PER_IP_HOUR", "10"))
# A password link staff make for a customer without an e-mail works once, for this long.
STAFF_PASSWORD_LINK_MINUTES = int(os.environ.get("STAFF_PASSWORD_LINK_MINUTES", "30"))
# Country whose numbers may be typed without the country code and are shown in national format, for a
# business that has not chosen its own on the branding page (and for the console).
DEFAULT_COUNTRY = os.environ.get("DEFAULT_COUNTRY", "RU").upper()
# Number of reverse proxies (ingress, load balancer) in front of the app that append to X-Forwarded-For.
# 0: the client's address is the connection's. Never more than really exist, or clients could forge it.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Behind HTTPS (the Helm chart turns it on): plain HTTP is redirected to HTTPS, browsers are told to use HTTPS
# only (HSTS, the platform domain's sub-domains included: every tenant lives on one), cookies are Secure.
HTTPS_ONLY = env_bool("HTTPS_ONLY")
SECURE_SSL_REDIRECT = HTTPS_ONLY
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # probes of the orchestrator speak plain HTTP to the pod
SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "31536000")) if HTTPS_ONLY else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS_ONLY
SECURE_HSTS_PRELOAD = HTTPS_ONLY
# A proxy that ends TLS says so in X-Forwarded-Proto; trusted only when a proxy is declared (TRUSTED_PROXY_COUNT).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT else None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", HTTPS_ONLY)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Cookies stay host-only (no SESSION_COOKIE_DOMAIN): a subdomain's cookie never reaches another tenant.

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Русский"), ("uk", "Українська")]
# The core catalogue, then the Wagtail admin strings Wagtail ships without a Russian or Ukrainian translation.
LOCALE_PATHS = [CABINET_DIR / "locale", BASE_DIR / "cms" / "wagtail_catalogue" / "locale"]
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

# Outgoing e-mail. With EMAIL_HOST set, SMTP; any other backend by its dotted path in EMAIL_BACKEND (a
# provider's, e.g. django-anymail's). `make run` without either keeps mail in the local mailbox
# (cabinet.mailbox: .eml files in MAILBOX_DIR, one terminal line per message, read at /dev/mail/).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=not env_bool("EMAIL_USE_SSL"))
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "no-reply@kabinet.local")
MAILBOX_DIR = Path(os.environ.get("MAILBOX_DIR", DATA_DIR / "mail"))
# The local mailbox's page (/dev/mail/ on the platform host, loopback clients only): on with DEBUG, off otherwise
# unless asked for; `make run` asks for it when it picks the mailbox backend.
LOCAL_MAILBOX_PAGE = env_bool("LOCAL_MAILBOX_PAGE", DEBUG)

# Content-Security-Policy (django-csp; cabinet/security.py). Our pages: scripts and styles from our own static
# files, inline ones only with the request's nonce; nothing from another origin; no plugins; no framing.
_SELF, _NONE = "'self'", "'none'"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF, _NONCE],
        "style-src": [_SELF, _NONCE],
        "img-src": [_SELF, "data:", "blob:"],
        "font-src": [_SELF],
        "connect-src": [_SELF],
        "manifest-src": [_SELF],
        "worker-src": [_SELF],
        "object-src": [_NONE],
        "base-uri": [_SELF],
        "frame-ancestors": [_NONE],
    },
}
# The news admin (Wagtail) writes inline scripts and styles without a nonce: same origin, but inline allowed.
CMS_ADMIN_PATH_PREFIXES = ["/manage/news/admin/"]
CMS_ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF, "'unsafe-inline'"],
        "style-src": [_SELF, "'unsafe-inline'"],
        "img-src": [_SELF, "data:", "blob:"],
        "font-src": [_SELF, "data:"],
        "connect-src": [_SELF],
        "frame-src": [_SELF],
        "object-src": [_NONE],
        "base-uri": [_SELF],
        "frame-ancestors": [_SELF],
    },
}

# --- Notifications (cabinet.notifications) ------------------------------------------------------------------
# SMS: one adapter for an HTTP SMS gateway (JSON POST {to, from, text, reference}); the provider is chosen here,
# each business sets its sender name and API key in its manage area (stored encrypted). Empty URL: no SMS.
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_PROVIDER = os.environ.get("SMS_PROVIDER", "http-json")
SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")  # the platform's key, for businesses without their own
SMS_TIMEOUT = float(os.environ.get("SMS_TIMEOUT", "10"))
# Web Push: the VAPID key (PEM). Empty: made once into DATA_DIR/vapid_private.pem (the launcher does it).
VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "").replace("\\n", "\n")
VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:" + os.environ.get("DEFAULT_FROM_EMAIL", "no-reply@kabinet.local"))
PUSH_TIMEOUT = float(os.environ.get("PUSH_TIMEOUT", "10"))
# Key of the secrets businesses store with us (gateway and Stripe keys; Fernet, cabinet/encryption.py); empty:
# derived from SECRET_KEY. NOTIFICATIONS_ENCRYPTION_KEY is its former name, still read.
ENCRYPTION_KEY = os.environ.get("ENCRYPTION_KEY", "") or os.environ.get("NOTIFICATIONS_ENCRYPTION_KEY", "")
NOTIFICATIONS_MAX_ATTEMPTS = int(os.environ.get("NOTIFICATIONS_MAX_ATTEMPTS", "6"))
# A delivery claimed longer ago than this (its worker died) is handed out again by the sweep.
NOTIFICATIONS_STUCK_AFTER = float(os.environ.get("NOTIFICATIONS_STUCK_AFTER", "300"))
NOTIFICATIONS_SWEEP_SECONDS = float(os.environ.get("NOTIFICATIONS_SWEEP_SECONDS", "30"))

# --- Stripe (billing) ----------------------------------------------------------------------------------------
# Where the Stripe API is: empty for the real one; `make run` and the tests point it at localstripe. The adapter
# (billing/stripe_adapter.py) is the only code that reads it. Stripe.js comes from STRIPE_JS_URL (the real
# js.stripe.com, or the one localstripe serves); the card page's CSP allows that host and nothing else.
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "").rstrip("/")
STRIPE_JS_URL = os.environ.get("STRIPE_JS_URL", "") or (
    f"{STRIPE_API_BASE}/js.stripe.com/v3/" if STRIPE_API_BASE else "https://js.stripe.com/v3/")
STRIPE_TIMEOUT = float(os.environ.get("STRIPE_TIMEOUT", "20"))
# The platform's own account (tenant subscriptions): its secret key and its webhook signing secret.
STRIPE_PLATFORM_SECRET_KEY = os.environ.get("STRIPE_PLATFORM_SECRET_KEY", "")
STRIPE_PLATFORM_WEBHOOK_SECRET = os.environ.get("STRIPE_PLATFORM_WEBHOOK_SECRET", "")
# A webhook older than this (by its signed timestamp) is refused, as Stripe's own libraries do.
STRIPE_WEBHOOK_TOLERANCE = int(os.environ.get("STRIPE_WEBHOOK_TOLERANCE", "300"))

WAGTAIL_SITE_NAME = "Kabinet"
# The admin would ask releases.wagtail.io for new versions from every editor's browser: a third-party call
# our pages never make (and a console error where that host is out of reach). Upgrades are ours to plan.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_LOGIN_URL = "/manage/login/"
WAGTAILADMIN_BASE_URL = f"{PLATFORM_URL_SCHEME}://{PLATFORM_DOMAIN}"
# Slugs the editor makes from titles are transliterated to ASCII (cms.models.article_slug does the same on save).
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# No avatars from gravatar.com: each would tell an outside service a hash of a staff member's e-mail.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# The admin offers the languages the product speaks; cms keeps its choice equal to the saved one.
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# Editors' images pass the same picture check as every other upload (cabinet/images.py).
WAGTAILIMAGES_IMAGE_FORM_BASE = "cms.forms.EditorialImageForm"
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000  # its own outer bound; ours (24 MP) speaks first

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Session first: the portal's own pages call the API signed in; integrations send an API key.
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication",
                                       "cabinet.modules.apikeys.authentication.ApiKeyAuthentication"],
    "DEFAULT_THROTTLE_CLASSES": ["cabinet.modules.apikeys.throttling.ApiKeyRateThrottle"],
    "EXCEPTION_HANDLER": "cabinet.modules.apikeys.exceptions.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kabinet API", "VERSION": "1.0.0", "SERVE_INCLUDE_SCHEMA": False,
    "PREPROCESSING_HOOKS": ["cabinet.api.schema.only_enabled_modules"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "cabinet.api.schema.document_common_errors"],
    # Choice sets that share a field name get names of their own (not a hash such as "Status83aEnum").
    "ENUM_NAME_OVERRIDES": {
        "ProductKindEnum": "cabinet.api.schema.product_kinds",
        "OrderStatusEnum": "cabinet.api.schema.order_statuses",
        "SupportRequestStatusEnum": "cabinet.api.schema.support_request_statuses",
    },
}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "global_keyprefix": f"{CACHE_PREFIX}:celery:"}
CELERY_BEAT_SCHEDULE = {
    "refill-spare-schemas": {"task": "tenants.tasks.refill_spare_schemas", "schedule": 60.0},
    # Module and core work in every business: the registry's periodic tasks (Module.periodic_tasks), each
    # queued when due in the businesses where its module is on.
    "periodic-work": {"task": "cabinet.portal.tasks.run_periodic_work", "schedule": 60.0},
}
# Notifications: the sweep delivers what is due (retries, held by quiet hours, lost or stuck tasks).
CELERY_BEAT_SCHEDULE["notifications-sweep"] = {
    "task": "cabinet.notifications.tasks.sweep_everywhere", "schedule": NOTIFICATIONS_SWEEP_SECONDS}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER")
# What a task prints (the local mailbox's one line per message) reaches the terminal as it is, not as a log record.
CELERY_WORKER_REDIRECT_STDOUTS = False

# The first platform staff account, created by `setup_platform` when both are set.
PLATFORM_ADMIN_EMAIL = os.environ.get("PLATFORM_ADMIN_EMAIL", "")
PLATFORM_ADMIN_PASSWORD = os.environ.get("PLATFORM_ADMIN_PASSWORD", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
