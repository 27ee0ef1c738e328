#!/usr/bin/env python
"""10 000 notifications across 100 customers and three channels (e-mail, SMS, Web Push) through a real Celery
worker and local fake providers. Prints throughput, p50/p95 seconds from notify() to delivered, lost (must be
0) and duplicated (must be 0).

    .venv/bin/python benchmarks/notifications.py [--notifications 10000] [--customers 100] [--concurrency 2]

Set-up (not timed): embedded PostgreSQL and Redis in a temporary directory (unless DATABASE_URL / REDIS_URL
are set), a tenant, `--customers` customers each with a phone and a push subscription pointing at the fake
push service. The fake SMS gateway and push service are local HTTP servers in this process (requests and
pywebpush really post to them: the push payload is encrypted for the subscription's keys and VAPID-signed);
e-mail goes to the local mailbox backend (.eml files). The worker runs `celery -A cabinet worker -B`.

Timed: notify() is called `--notifications` times, each in its own transaction (the on-commit task is queued
as in production), by one thread; each message goes to all three channels. "Delivered" is when the provider
took it (the fake server's clock, the .eml file's time for e-mail); latency is from the notify() call to then.
lost = deliveries never taken; duplicated = messages a provider received more than once for one key.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This folder holds http.py (the serving benchmark), which would shadow the standard library's http package
# that the fake providers' servers import; the script's own folder is not needed on the path.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]
for _path in (ROOT, ROOT / "platform"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

SLUG = "bench-notify"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run(args, service_env: dict[str, str], workdir: Path) -> int:
    os.environ.update(service_env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "cabinet.settings"
    os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_hex(16))
    os.environ["KABINET_CACHE_PREFIX"] = f"kabinet-bench-{secrets.token_hex(4)}"
    from cabinet.notifications.tests.fakes import FakeServer, browser_keys, start_worker

    gateway = FakeServer(key_header="Idempotency-Key").start()
    push = FakeServer(key_header="Topic").start()
    mail_dir = workdir / "mail"
    os.environ.update({"SMS_GATEWAY_URL": gateway.url + "/sms", "EMAIL_BACKEND": "cabinet.mailbox.MailboxBackend",
                       "MAILBOX_DIR": str(mail_dir), "NOTIFICATIONS_SWEEP_SECONDS": "5"})

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection, transaction
    from django_tenants.utils import tenant_context

    from cabinet.notifications import services
    from cabinet.notifications.models import Delivery, PushSubscription
    from tenants import services as tenant_services
    from tenants.models import Tenant

    setup0 = time.monotonic()
    print("Setting up the platform (migrations, template schema)...", flush=True)
    call_command("setup_platform", spares=0, verbosity=0)
    connection.set_schema_to_public()
    for old in Tenant.objects.filter(slug=SLUG):
        tenant_services.delete_tenant(old)
    tenant = tenant_services.create_tenant(slug=SLUG, name="Benchmark Notify", vertical="wholesale",
                                           owner_email=f"owner@{SLUG}.example.com", owner_password=None,
                                           use_spare=False).tenant
    User = get_user_model()
    with tenant_context(tenant):
        password = make_password(None)
        people = User.objects.bulk_create([
            User(email=f"c{n:03d}@{SLUG}.example.com", phone=f"+38067{n:07d}", full_name=f"Customer {n:03d}",
                 password=password) for n in range(args.customers)])
        subscriptions = []
        for person in people:
            p256dh, auth = browser_keys()
            subscriptions.append(PushSubscription(user=person, endpoint=f"{push.url}/push/{person.pk}",
                                                  p256dh=p256dh, auth=auth))
        PushSubscription.objects.bulk_create(subscriptions, batch_size=1000)
    connection.set_schema_to_public()
    print(f"Set up in {time.monotonic() - setup0:.0f} s ({args.customers} customers with a phone and a push "
          "subscription, made in bulk)", flush=True)
    log = workdir / "worker.log"
    worker = start_worker({**os.environ, "PYTHONUNBUFFERED": "1"}, log, concurrency=args.concurrency)
    try:
        deadline = time.monotonic() + 60
        while b"ready" not in (log.read_bytes() if log.exists() else b"") and time.monotonic() < deadline:
            time.sleep(0.2)
        print(f"Worker ready ({args.concurrency} processes); {args.notifications} notifications × 3 channels "
              f"to {args.customers} customers...", flush=True)
        started: dict[str, float] = {}  # event id → monotonic time of its notify() call
        wall0 = time.monotonic()
        with tenant_context(tenant):
            for n in range(args.notifications):
                person = people[n % len(people)]
                event_id = f"bench:{n}"
                started[event_id] = time.monotonic()
                with transaction.atomic():
                    services.notify(person, "support.reply", {"request": {"subject": f"Request {n}"},
                                                               "customer": person, "reply": "Thanks", "link": "x"},
                                    channels=["email", "sms", "push"], mandatory=True, event_id=event_id)
                if n % 1000 == 999:
                    print(f"  {n + 1} notified", flush=True)
            notify_seconds = time.monotonic() - wall0
            expected = args.notifications * 3
            deadline = time.monotonic() + args.timeout
            while time.monotonic() < deadline:
                sent = Delivery.objects.filter(status="sent").count()
                print(f"\r  delivered {sent}/{expected}", end="", flush=True)
                if sent >= expected:
                    break
                time.sleep(1)
            print()
            wall = time.monotonic() - wall0
            failed = Delivery.objects.exclude(status="sent").count()
        connection.set_schema_to_public()
        # Latency per delivery: the provider's clock minus the notify() call.
        latencies: list[float] = []
        key_event = lambda key: key.split("|", 1)[0]  # noqa: E731 - "<event id>|<recipient>|<channel>"
        for taken in (gateway.taken,):
            latencies += [at - started[key_event(key)] for key, at in taken.items() if key_event(key) in started]
        import hashlib
        topics = {hashlib.sha256(f"bench:{n}|user:{people[n % len(people)].pk}|push".encode()).hexdigest()[:32]:
                  f"bench:{n}" for n in range(args.notifications)}
        latencies += [at - started[topics[topic]] for topic, at in push.taken.items() if topic in topics]
        import email
        import email.policy
        mail_counts: dict[str, int] = {}
        offset = time.time() - time.monotonic()
        for path in mail_dir.glob("*.eml"):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            key = message.get("X-Idempotency-Key", "")
            mail_counts[key] = mail_counts.get(key, 0) + 1
            subject = message.get("Subject", "")
            number = subject.rsplit("Request ", 1)[-1].split("”")[0].split('"')[0]
            if number.isdigit():
                latencies.append(path.stat().st_mtime - offset - started[f"bench:{int(number)}"])
        taken = len(gateway.taken) + len(push.taken) + len(mail_counts)
        lost = expected - taken
        duplicated = gateway.repeats + push.repeats + sum(c - 1 for c in mail_counts.values())
        print(f"deliveries: {expected} ({args.notifications} notifications × 3 channels), "
              f"not sent in the database: {failed}")
        print(f"notify() calls: {args.notifications / notify_seconds:.0f}/s")
        print(f"throughput: {taken / wall:.0f} deliveries/s ({taken} in {wall:.1f} s, from the first notify())")
        print(f"notify → delivered: p50 {percentile(latencies, 50):.2f} s, p95 {percentile(latencies, 95):.2f} s")
        print(f"lost: {lost}   duplicated: {duplicated}")
        return 0 if lost == 0 and duplicated == 0 else 1
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(60)
        gateway.stop()
        push.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notifications", type=int, default=10000)
    parser.add_argument("--customers", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args()
    from cabinet.launcher import embedded_services

    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kabinet-bench-")))
        if os.name == "posix" and os.geteuid() == 0:
            tmp.chmod(0o755)
        os.environ.setdefault("KABINET_DATA_DIR", str(tmp / "files"))
        (Path(os.environ["KABINET_DATA_DIR"]) / "static").mkdir(parents=True, exist_ok=True)
        service_env = stack.enter_context(embedded_services(tmp, persist=False))
        return run(args, service_env, tmp)


if __name__ == "__main__":
    sys.exit(main())
