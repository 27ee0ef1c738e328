"""Stripe (billing): where the API is, Stripe.js, the platform's own account."""

import os

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
