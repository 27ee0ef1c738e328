"""The platform itself: apps and tenancy, the request pipeline, databases, Redis, languages, files,
Wagtail, logging."""

import os

import dj_database_url

from cabinet.settings.environment import BASE_DIR, CABINET_DIR, DATA_DIR, env_bool

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
    "cabinet.ledger",
    # each business's Stripe account, payments, webhook event log and call log
    "billing",
    # modules (each declares itself in its module.py)
    "cabinet.modules.documents",
    "cabinet.modules.wallet",
    "cabinet.modules.loyalty",
    "cabinet.modules.referrals",
    "cabinet.modules.apikeys",
    "cabinet.modules.catalog",
    "cabinet.modules.orders",
    "cabinet.modules.support",
    "cabinet.modules.feedback",
    "cabinet.modules.timeline",
    "cabinet.modules.clubs",
    # live chat (the socket layer around it is realtime/)
    "realtime.chat",
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
# The largest file a customer or staff member attaches to a support request or reply (the same for every
# business; its types are cabinet.uploads.ALLOWED_TYPES, checked by their first bytes).
SUPPORT_ATTACHMENT_MAX_BYTES = int(os.environ.get("SUPPORT_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000  # its own outer bound; ours (24 MP) speaks first

# The first platform staff account, created by `setup_platform` when both are set.
PLATFORM_ADMIN_EMAIL = os.environ.get("PLATFORM_ADMIN_EMAIL", "")
PLATFORM_ADMIN_PASSWORD = os.environ.get("PLATFORM_ADMIN_PASSWORD", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
