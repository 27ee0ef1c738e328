"""What reaches people: outgoing e-mail and the local mailbox, SMS, Web Push, the notification outbox."""

import os
from pathlib import Path

from cabinet.settings.core import DEBUG
from cabinet.settings.environment import DATA_DIR, env_bool

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
