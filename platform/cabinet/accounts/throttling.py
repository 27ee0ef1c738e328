"""Sign-in throttling: one policy for the portal, the manage area and the console (docs/decisions.md).

Failed sign-ins are rows of `SignInAttempt` in the schema of the portal they were made on, so a restart
forgets nothing and one business's lockouts never touch another's. Within the window (15 minutes):

- **account + IP**: 5 failures against one account from one address lock that pair;
- **account**: 20 failures against one account from any addresses lock it for every address where it has
  not signed in successfully in the last 30 days (so an attacker cannot cheaply lock a customer out of their
  own devices);
- **IP**: 50 failures from one address, whatever accounts they aimed at, lock the address.

A failure counts against the account the typed identifier belongs to (e-mail, phone or contract number
alike); an identifier of nobody is a bucket of its own, so guessing unknown accounts costs the same and
answers the same. A success clears that account's failures from that address, never the address's volume.
Attempts refused by a lock are not counted (the lock ends when the window has passed) and the password is
not checked.

Each attempt is written before its password is checked and judged by the failures written before it, one
attempt per account and per address at a time, so a burst of parallel requests gets no more guesses than the
same requests one after another.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone

from cabinet.tenancy import current_schema

from .identifiers import canonical_identifier
from .models import SignInAttempt, User

ACCOUNT_AND_IP = "account_and_ip"
ACCOUNT = "account"
IP = "ip"


@dataclass(frozen=True)
class Policy:
    window: timedelta
    account_and_ip: int
    account: int
    ip: int
    familiar: timedelta


def policy() -> Policy:
    return Policy(window=timedelta(minutes=settings.SIGN_IN_WINDOW_MINUTES),
                  account_and_ip=settings.SIGN_IN_ACCOUNT_AND_IP_LIMIT,
                  account=settings.SIGN_IN_ACCOUNT_LIMIT,
                  ip=settings.SIGN_IN_IP_LIMIT,
                  familiar=timedelta(days=settings.SIGN_IN_FAMILIAR_DAYS))


@dataclass(frozen=True)
class Lock:
    """Why a sign-in is refused and until when."""

    rule: str
    until: datetime

    @property
    def seconds(self) -> int:
        return max(1, math.ceil((self.until - timezone.now()).total_seconds()))

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.seconds / 60))


def client_ip(request) -> str | None:
    """The client's address. Behind TRUSTED_PROXY_COUNT proxies, each appending the address it saw to
    X-Forwarded-For, the client is the entry that many places from the right; anything further left was
    sent by the client itself and cannot be trusted."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]


@dataclass
class Attempt:
    """A sign-in being tried: its rows are written (as failures) before the password is checked."""

    identifier: str
    accounts: list[User]
    ip: str | None
    ids: list[int] = field(default_factory=list)
    lock: Lock | None = None

    def refused(self) -> None:
        """Locked out: the password was not tried, so this was no guess."""
        SignInAttempt.objects.filter(pk__in=self.ids).delete()

    def succeeded(self, user: User) -> None:
        """The password was right for `user`: the attempt is a success, and the account's earlier failures
        from this address are forgiven (the address's volume is not)."""
        SignInAttempt.objects.filter(pk__in=self.ids, user=user).update(succeeded=True)
        since = timezone.now() - policy().window
        (SignInAttempt.objects.filter(user=user, succeeded=False, cleared=False, at__gte=since)
         .filter(_same_ip(self.ip)).update(cleared=True))


def begin(request, typed: str, accounts: list[User]) -> Attempt:
    """Records a sign-in attempt of `typed` (meaning `accounts`, possibly none) from the request's client
    and decides whether a lock refuses it."""
    identifier = canonical_identifier(typed)[:254]
    ip = client_ip(request)
    agent = (request.META.get("HTTP_USER_AGENT") or "")[:200]
    targets: list[User | None] = list(accounts) or [None]
    with transaction.atomic():
        _serialise(ip, identifier, accounts)
        now = timezone.now()
        rows = SignInAttempt.objects.bulk_create([
            SignInAttempt(at=now, identifier=identifier, user=account, ip_address=ip, user_agent=agent,
                          counts_for_ip=number == 0)
            for number, account in enumerate(targets)])
        attempt = Attempt(identifier=identifier, accounts=list(accounts), ip=ip, ids=[row.pk for row in rows])
        attempt.lock = _lock_for(attempt, before_id=min(attempt.ids), now=now)
    return attempt


def _serialise(ip: str | None, identifier: str, accounts: list[User]) -> None:
    """Attempts on the same address or account are written and judged one after another (a transaction-level
    advisory lock per bucket, taken in one order so two attempts never wait for each other in a circle); the
    password check itself runs outside it."""
    schema = current_schema()
    keys = {f"signin:{schema}:ip:{ip}"} if ip else set()
    keys |= {f"signin:{schema}:user:{account.pk}" for account in accounts} or {f"signin:{schema}:id:{identifier}"}
    with connection.cursor() as cursor:
        for key in sorted(keys):
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])


def _same_ip(ip: str | None) -> Q:
    return Q(ip_address=ip) if ip else Q(ip_address__isnull=True)


def _bucket(identifier: str, account: User | None) -> Q:
    return Q(user=account) if account is not None else Q(user__isnull=True, identifier=identifier)


def _lock_for(attempt: Attempt, *, before_id: int, now: datetime) -> Lock | None:
    rules = policy()
    earlier = SignInAttempt.objects.filter(succeeded=False, at__gte=now - rules.window, pk__lt=before_id)
    if attempt.ip:
        from_ip = earlier.filter(ip_address=attempt.ip, counts_for_ip=True)
        if from_ip.count() >= rules.ip:
            return Lock(IP, _lock_end(from_ip, rules.ip, rules.window))
    targets: list[User | None] = list(attempt.accounts) or [None]
    for account in targets:
        mine = earlier.filter(_bucket(attempt.identifier, account), cleared=False)
        counts: dict[str, Any] = mine.aggregate(pair=Count("pk", filter=_same_ip(attempt.ip)), total=Count("pk"))
        if counts["pair"] >= rules.account_and_ip:
            return Lock(ACCOUNT_AND_IP, _lock_end(mine.filter(_same_ip(attempt.ip)), rules.account_and_ip,
                                                  rules.window))
        if counts["total"] >= rules.account and not _familiar(account, attempt.ip, now, rules):
            return Lock(ACCOUNT, _lock_end(mine, rules.account, rules.window))
    return None


def _lock_end(failures, limit: int, window: timedelta) -> datetime:
    """When fewer than `limit` of `failures` remain in the window: the moment the failure that keeps the
    count at the limit ages out."""
    times = list(failures.order_by("-at").values_list("at", flat=True)[:limit])
    return times[-1] + window


def _familiar(account: User | None, ip: str | None, now: datetime, rules: Policy) -> bool:
    """Has the account signed in successfully from this address lately?"""
    if account is None or not ip:
        return False
    return SignInAttempt.objects.filter(user=account, ip_address=ip, succeeded=True,
                                        at__gte=now - rules.familiar).exists()


def forgive_failures(user: User) -> int:
    """A password reset or a new password from staff: the account's failures from every address are cleared
    (the addresses' volumes are not)."""
    since = timezone.now() - policy().window
    return SignInAttempt.objects.filter(user=user, succeeded=False, cleared=False, at__gte=since
                                        ).update(cleared=True)


def delete_old_attempts(*, days: int | None = None) -> int:
    """Forgets attempts older than SIGN_IN_HISTORY_DAYS (the sign-in history staff and customers see)."""
    keep = timedelta(days=days if days is not None else settings.SIGN_IN_HISTORY_DAYS)
    deleted, _by_model = SignInAttempt.objects.filter(at__lt=timezone.now() - keep).delete()
    return deleted


# --- e-mails an account asks for (password reset, confirmation) ------------------------------------------

MAIL_WINDOW = timedelta(hours=1)


def reserve_mail(kind: str, *, user: User | None, ip: str | None, per_ip: bool = True) -> bool:
    """Records that an e-mail of `kind` was asked for (for `user`, or for an address of nobody) and says whether
    it may go: at most MAIL_REQUESTS_PER_ACCOUNT_HOUR per account and MAIL_REQUESTS_PER_IP_HOUR per client
    address within an hour. Requests for nobody count toward the address too, so probing addresses is no
    cheaper than asking for real ones. `per_ip=False` for requests staff make on a customer's behalf."""
    from .models import MailRequest

    since = timezone.now() - MAIL_WINDOW
    sent = MailRequest.objects.filter(kind=kind, at__gte=since, sent=True)
    allowed = True
    if user is not None and sent.filter(user=user).count() >= settings.MAIL_REQUESTS_PER_ACCOUNT_HOUR:
        allowed = False
    if per_ip and ip and (MailRequest.objects.filter(kind=kind, at__gte=since, ip_address=ip).count()
                          >= settings.MAIL_REQUESTS_PER_IP_HOUR):
        allowed = False
    MailRequest.objects.create(kind=kind, user=user, ip_address=ip if per_ip else None, sent=allowed)
    return allowed


def delete_old_mail_requests() -> int:
    from .models import MailRequest

    deleted, _by_model = MailRequest.objects.filter(at__lt=timezone.now() - timedelta(days=2)).delete()
    return deleted


def lockout_response(request, lock: Lock):
    response = render(request, "accounts/locked_out.html", {"minutes": lock.minutes}, status=429)
    response["Retry-After"] = str(lock.seconds)
    return response
