"""Stripe for the platform and for each business's own Stripe account: one adapter (`stripe_adapter`), one
webhook intake (signature, event log, dedupe), card payments that modules start for the purposes they declare
(`cabinet.registry.PaymentPurpose`). It sits between the modules and the core apps: it never imports a module."""
