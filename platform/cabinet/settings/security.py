"""Signing in (accounts, throttling, password links), HTTPS, cookies and the Content-Security-Policy."""

import os

from csp.constants import NONCE as _NONCE

from cabinet.settings.environment import env_bool

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
# A password-reset code by SMS (customers with a phone only): how long it works and how many tries it allows.
SMS_RESET_CODE_MINUTES = int(os.environ.get("SMS_RESET_CODE_MINUTES", "10"))
SMS_RESET_CODE_ATTEMPTS = int(os.environ.get("SMS_RESET_CODE_ATTEMPTS", "5"))
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
