"""Helpers shared by the suites of every app: people of a tenant and signing them in."""

import re

from django.contrib.auth import get_user_model
from django_tenants.utils import tenant_context

TEST_PASSWORD = "Some-Pass-4242"


def user(tenant, email):
    """The user of `tenant` with this e-mail."""
    with tenant_context(tenant):
        return get_user_model().objects.get(email=email)


def sign_in(client, tenant, email):
    """Signs `client` in as the user of `tenant` with this e-mail (the session lives in that schema)."""
    with tenant_context(tenant):
        account = get_user_model().objects.get(email=email)
        client.force_login(account)
    return account


def make_user(tenant, email, role="customer", **extra):
    """A customer (or staff member of `role`) of `tenant` with the password TEST_PASSWORD."""
    with tenant_context(tenant):
        return get_user_model().objects.create_user(email, TEST_PASSWORD, role=role,
                                                    is_staff=role != "customer", **extra)


def deliver_notifications(tenant) -> dict:
    """Sends what notify() queued in `tenant`, as the worker would after commit (the test's transaction never
    commits, so its on-commit task never runs): the outbox rows that are due, each once."""
    from cabinet.notifications.delivery import deliver_due

    with tenant_context(tenant):
        return deliver_due()


TEST_SCHEMAS = ("t_alpha", "t_bravo")


def delivered_mail() -> list:
    """django.core.mail.outbox once the notification worker has run: everything notify() queued in the test
    tenants is delivered first, whenever it is due (the test's transaction never commits, so no task would;
    tests may have travelled in time)."""
    from datetime import timedelta

    from django.core import mail
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from cabinet.notifications.delivery import deliver_due

    for schema in TEST_SCHEMAS:
        with schema_context(schema):
            deliver_due(now=timezone.now() + timedelta(days=3650))
    return mail.outbox


class DeliveredOutbox:
    """The `mailoutbox` fixture's list, read after delivering what is due (see `delivered_mail`)."""

    def _mail(self) -> list:
        return delivered_mail()

    def __len__(self):
        return len(self._mail())

    def __getitem__(self, index):
        return self._mail()[index]

    def __iter__(self):
        return iter(self._mail())

    def __eq__(self, other):
        return self._mail() == other

    def __repr__(self):
        return repr(self._mail())


_PER_ANSWER = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|"X-CSRFToken": "[^"]*"|nonce="[^"]*"'
                         r'|"inlineStyleNonce": "[^"]*"')


def without_per_answer_values(page: str) -> str:
    """A page without what is new on every answer (CSRF tokens, Content-Security-Policy nonces), so that two
    answers can be compared for telling a visitor anything."""
    return _PER_ANSWER.sub("", page)
