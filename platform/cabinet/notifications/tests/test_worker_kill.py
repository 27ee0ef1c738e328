"""A real Celery worker killed with SIGKILL in the middle of a batch: after a new one starts, every
notification is delivered exactly once per channel, counted at the fake gateway, push service and mailbox."""

import os
import signal
import time

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_tenants.utils import schema_context

from cabinet.launcher import ROOT
from cabinet.notifications import services
from cabinet.notifications.models import Delivery, Notification, PushSubscription

from .fakes import FakeServer, browser_keys, mailbox_keys, start_worker

SCHEMA = "t_alpha"
CUSTOMERS, EACH = 6, 10  # 60 notifications × 3 channels


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.slow
def test_a_worker_killed_mid_batch_delivers_every_notification_once(django_db_setup, django_db_blocker, tmp_path):
    gateway = FakeServer(delay=0.05, key_header="Idempotency-Key").start()
    push = FakeServer(delay=0.05, key_header="Topic").start()
    db = settings.DATABASES["default"]
    env = {**os.environ, "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
           "SMS_GATEWAY_URL": gateway.url + "/sms", "EMAIL_BACKEND": "cabinet.mailbox.MailboxBackend",
           "MAILBOX_DIR": str(tmp_path / "mail"), "NOTIFICATIONS_STUCK_AFTER": "3",
           "NOTIFICATIONS_SWEEP_SECONDS": "1", "PYTHONUNBUFFERED": "1"}
    log = tmp_path / "worker.log"
    User = get_user_model()
    workers = []
    try:
        with django_db_blocker.unblock(), schema_context(SCHEMA):
            people = User.objects.bulk_create([
                User(email=f"kill{n}@alpha.test", phone=f"+38067{n:07d}", full_name=f"Kill {n}",
                     password=make_password(None)) for n in range(CUSTOMERS)])
            for person in people:
                p256dh, auth = browser_keys()
                PushSubscription.objects.create(user=person, endpoint=f"{push.url}/push/{person.pk}", p256dh=p256dh,
                                                auth=auth)
        workers.append(start_worker(env, log))
        _wait(lambda: b"ready" in log.read_bytes(), 60, "the worker")
        with django_db_blocker.unblock(), schema_context(SCHEMA):
            for round_ in range(EACH):
                for person in people:
                    with transaction.atomic():
                        services.notify(person, "support.reply", {"request": {"subject": f"Round {round_}"},
                                                                   "customer": person, "reply": "Hi", "link": "x"},
                                        channels=["email", "sms", "push"], mandatory=True)
        total = CUSTOMERS * EACH
        _wait(lambda: len(gateway.taken) >= total // 4, 60, "a quarter of the batch")
        os.killpg(workers[0].pid, signal.SIGKILL)
        workers[0].wait(10)
        killed_at = (len(gateway.taken), len(push.taken))
        workers.append(start_worker(env, log))

        def all_sent():
            with django_db_blocker.unblock(), schema_context(SCHEMA):
                return not Delivery.objects.filter(notification__recipient__in=people).exclude(status="sent").exists()

        _wait(all_sent, 180, "every delivery")
        mails = mailbox_keys(tmp_path / "mail")
        with django_db_blocker.unblock(), schema_context(SCHEMA):
            rows = list(Delivery.objects.filter(notification__recipient__in=people))
        assert len(rows) == total * 3 and killed_at[0] < total
        assert len(gateway.taken) == total and len(push.taken) == total  # every one, once per key
        assert sorted(mails.values()) == [1] * total  # every e-mail once
        print(f"killed after {killed_at} SMS/push; repeats dropped by key: SMS {gateway.repeats}, push {push.repeats}")
    finally:
        for worker in workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(30)
        gateway.stop()
        push.stop()
        with django_db_blocker.unblock(), schema_context(SCHEMA):
            Notification.objects.filter(recipient__email__startswith="kill").delete()
            User.objects.filter(email__startswith="kill").delete()
        (ROOT / "tests" / "artifacts").mkdir(parents=True, exist_ok=True)
        (ROOT / "tests" / "artifacts" / "notifications-worker.log").write_bytes(log.read_bytes() if log.exists() else b"")
