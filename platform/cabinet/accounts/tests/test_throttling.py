"""The sign-in throttling policy (throttling.py, docs/decisions.md), rule by rule, through the real sign-in
pages: account + IP (5), account from anywhere but familiar addresses (20), IP volume (50), successes that
clear only their own account, identifiers of nobody, the window, parallel bursts, the console and tenants."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connections
from django.test import override_settings
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from cabinet.accounts.models import AccountNumber, SignInAttempt
from tests.helpers import without_per_answer_values

from .conftest import CUSTOMER_PASSWORD, client_for, make_customer

LOCK_MESSAGE = "Too many failed sign-in attempts"
WRONG = "not-the-password"
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fast_hashes(settings):
    """Dozens of sign-ins per test: passwords are hashed with a fast hasher (accounts made here only)."""
    settings.PASSWORD_HASHERS = FAST_HASHER


def _try(client, username, password=WRONG, path="/login/"):
    return client.post(path, {"username": username, "password": password})


def _fail(client, username, times, path="/login/"):
    return [_try(client, username, path=path).status_code for _ in range(times)]


def _signs_in(client, username, password=CUSTOMER_PASSWORD, path="/login/") -> bool:
    response = _try(client, username, password, path=path)
    if response.status_code == 302:
        client.post("/logout/")
        return True
    return False


def _without_tokens(response) -> str:
    return without_per_answer_values(response.content.decode())


def _locked(response) -> bool:
    return response.status_code == 429 and LOCK_MESSAGE in response.content.decode()


@pytest.fixture
def anna(alpha):
    user = make_customer(alpha, email="anna@alpha.test", phone="+380501234567", full_name="Anna")
    with tenant_context(alpha):
        AccountNumber.objects.create(user=user, number="CT-100", kind="contract")
    return user


@pytest.fixture
def boris(alpha):
    return make_customer(alpha, email="boris@alpha.test", full_name="Boris")


def _many_customers(tenant, count, prefix="c"):
    """`count` customers with one password hash (hashing it once keeps the test quick)."""
    password = make_password(CUSTOMER_PASSWORD)
    User = get_user_model()
    with tenant_context(tenant):
        return User.objects.bulk_create([User(email=f"{prefix}{n}@alpha.test", full_name=f"C {n}", password=password)
                                         for n in range(count)])


# --- account + IP ------------------------------------------------------------------------------------

def test_five_failures_lock_the_account_from_that_address_even_for_the_right_password(alpha, anna):
    client = client_for("alpha.localhost", ip="198.51.100.1")
    assert _fail(client, "anna@alpha.test", 5) == [200] * 5
    refused = _try(client, "anna@alpha.test", CUSTOMER_PASSWORD)
    assert _locked(refused) and "15 minutes" in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 15 * 60
    assert "_auth_user_id" not in client.session


def test_two_customers_behind_one_address_do_not_lock_each_other(alpha, anna, boris):
    hotel_wifi = "198.51.100.20"
    assert _fail(client_for("alpha.localhost", ip=hotel_wifi), "anna@alpha.test", 5) == [200] * 5
    assert _locked(_try(client_for("alpha.localhost", ip=hotel_wifi), "anna@alpha.test", CUSTOMER_PASSWORD))
    # Boris, on the same Wi-Fi, signs in; so does Anna from her phone's own network
    assert _signs_in(client_for("alpha.localhost", ip=hotel_wifi), "boris@alpha.test")
    assert _signs_in(client_for("alpha.localhost", ip="192.0.2.44"), "anna@alpha.test")


@pytest.mark.parametrize("typed", ["+38 (050) 123-45-67", "ct-100", "ANNA@alpha.test"])
def test_failures_count_per_account_whichever_identifier_is_typed(alpha, anna, typed):
    client = client_for("alpha.localhost", ip="198.51.100.2")
    statuses = [_try(client, name).status_code for name in
                ("anna@alpha.test", "+380501234567", "CT-100", "Anna@Alpha.Test", "+38 050 123 45 67")]
    assert statuses == [200] * 5
    # locked by any identifier, so no identifier gives more guesses, and none can sign in to clear the lock
    assert _locked(_try(client, typed, CUSTOMER_PASSWORD))
    assert _locked(_try(client, "anna@alpha.test", CUSTOMER_PASSWORD))


def test_a_success_forgets_only_that_accounts_failures_from_that_address(alpha, anna):
    client = client_for("alpha.localhost", ip="198.51.100.5")
    _fail(client, "anna@alpha.test", 4)
    assert _signs_in(client, "+380501234567")
    assert _fail(client, "anna@alpha.test", 4) == [200] * 4  # four fresh tries after her own success
    with tenant_context(alpha):
        assert SignInAttempt.objects.filter(user=anna, succeeded=False, cleared=True).count() == 4


def test_an_attackers_own_sign_ins_never_buy_more_guesses_at_a_victim(alpha, anna):
    """Four guesses at someone else, one sign-in to an account the attacker registered, repeat: the victim
    still gets five guesses from that address at most."""
    make_customer(alpha, email="attacker@alpha.test")
    client = client_for("alpha.localhost", ip="198.51.100.66")
    allowed = 0
    for _round in range(4):
        for _guess in range(4):
            response = _try(client, "anna@alpha.test")
            allowed += response.status_code == 200
        assert _signs_in(client, "attacker@alpha.test")
    assert allowed == 5
    assert _locked(_try(client, "anna@alpha.test", CUSTOMER_PASSWORD))


# --- the account from anywhere -----------------------------------------------------------------------

def test_twenty_failures_from_many_addresses_lock_the_account_except_where_it_is_at_home(alpha, anna):
    home = client_for("alpha.localhost", ip="192.0.2.10")
    assert _signs_in(home, "anna@alpha.test")  # her usual address
    for number in range(4):  # an attacker with four addresses, five guesses each
        assert _fail(client_for("alpha.localhost", ip=f"203.0.113.{number + 100}"), "anna@alpha.test", 5) == [200] * 5
    fifth_address = client_for("alpha.localhost", ip="203.0.113.200")
    assert _locked(_try(fifth_address, "anna@alpha.test", CUSTOMER_PASSWORD))
    assert _locked(_try(client_for("alpha.localhost", ip="192.0.2.99"), "CT-100", CUSTOMER_PASSWORD))
    assert _signs_in(home, "anna@alpha.test")  # not locked out of her own devices


# --- the address alone -------------------------------------------------------------------------------

def test_spraying_one_address_across_fifty_accounts_locks_the_address_only(alpha):
    customers = _many_customers(alpha, 51)
    sprayer = client_for("alpha.localhost", ip="198.51.100.77")
    statuses = [_try(sprayer, person.email).status_code for person in customers[:50]]
    assert statuses == [200] * 50
    # the 51st account is untouched, and even its right password is refused from this address
    assert _locked(_try(sprayer, customers[50].email, CUSTOMER_PASSWORD))
    # every account still signs in from anywhere else
    elsewhere = client_for("alpha.localhost", ip="192.0.2.150")
    assert all(_signs_in(elsewhere, person.email) for person in (customers[0], customers[25], customers[50]))


def test_guessing_accounts_that_do_not_exist_counts_the_same(alpha, anna):
    client = client_for("alpha.localhost", ip="198.51.100.8")
    assert _fail(client, "ghost@alpha.test", 5) == [200] * 5
    unknown = _try(client, "GHOST@alpha.test")
    known_client = client_for("alpha.localhost", ip="198.51.100.9")
    _fail(known_client, "anna@alpha.test", 5)
    known = _try(known_client, "anna@alpha.test")
    assert _locked(unknown) and _locked(known)
    assert _without_tokens(unknown) == _without_tokens(known)
    # and they count toward the address's volume
    with tenant_context(alpha):
        assert SignInAttempt.objects.filter(ip_address="198.51.100.8", user__isnull=True).count() == 5


def test_unknown_identifiers_spent_from_one_address_lock_it_for_real_accounts_too(alpha, anna):
    client = client_for("alpha.localhost", ip="198.51.100.10")
    for number in range(50):
        assert _try(client, f"nobody{number}@alpha.test").status_code == 200
    assert _locked(_try(client, "anna@alpha.test", CUSTOMER_PASSWORD))


# --- the window --------------------------------------------------------------------------------------

def test_the_lock_ends_when_the_window_has_passed_and_refused_tries_do_not_extend_it(alpha, anna):
    start = timezone.now()
    client = client_for("alpha.localhost", ip="198.51.100.11")
    with time_machine.travel(start, tick=False):
        _fail(client, "anna@alpha.test", 5)
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        assert _locked(_try(client, "anna@alpha.test", CUSTOMER_PASSWORD))  # refused, not counted
    with time_machine.travel(start + timedelta(minutes=15, seconds=1), tick=False):
        assert _signs_in(client, "anna@alpha.test")


# --- bad input and behind a proxy --------------------------------------------------------------------

@pytest.mark.parametrize("data", [
    {"username": "", "password": WRONG},
    {"username": "anna@alpha.test", "password": ""},
    {"username": "x" * 400, "password": WRONG},
])
def test_bad_input_is_refused_with_a_message_and_no_500(alpha, anna, data):
    response = client_for("alpha.localhost", ip="198.51.100.12").post("/login/", data)
    assert response.status_code == 200 and response.context["form"].errors


def test_a_nul_in_the_identifier_is_refused_before_any_attempt_is_counted(alpha, anna):
    client = client_for("alpha.localhost", ip="198.51.100.12")
    response = client.post("/login/", {"username": "anna@alpha.test\x00", "password": WRONG})
    assert response.status_code == 400 and "error-actions" in response.content.decode()  # our page, not a bare one
    with tenant_context(alpha):
        assert not SignInAttempt.objects.exists()


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_each_forwarded_client_has_its_own_count(alpha, anna):
    attacker = client_for("alpha.localhost", ip="10.0.0.2")
    attacker.defaults["HTTP_X_FORWARDED_FOR"] = "198.51.100.9"
    assert _fail(attacker, "anna@alpha.test", 5) == [200] * 5
    assert _locked(_try(attacker, "anna@alpha.test", CUSTOMER_PASSWORD))
    # a forged left-most entry changes nothing: the proxy's own entry is the client
    attacker.defaults["HTTP_X_FORWARDED_FOR"] = "1.2.3.4, 198.51.100.9"
    assert _locked(_try(attacker, "anna@alpha.test", CUSTOMER_PASSWORD))
    honest = client_for("alpha.localhost", ip="10.0.0.2")
    honest.defaults["HTTP_X_FORWARDED_FOR"] = "192.0.2.77"
    assert _signs_in(honest, "anna@alpha.test")


# --- every sign-in form, and tenants apart -----------------------------------------------------------

def test_the_staff_sign_in_has_the_same_policy(alpha):
    with tenant_context(alpha):
        get_user_model().objects.create_user("manager@alpha.test", CUSTOMER_PASSWORD, role="manager", is_staff=True)
    client = client_for("alpha.localhost", ip="198.51.100.3")
    assert _fail(client, "manager@alpha.test", 5, path="/manage/login/") == [200] * 5
    assert _locked(_try(client, "manager@alpha.test", CUSTOMER_PASSWORD, path="/manage/login/"))
    # the portal's form counts the same account
    assert _locked(_try(client, "manager@alpha.test", CUSTOMER_PASSWORD))


def test_platform_staff_in_the_console_have_the_same_policy(db):
    User = get_user_model()
    User.objects.create_superuser("ops@kabinet.test", CUSTOMER_PASSWORD)
    User.objects.create_superuser("ops2@kabinet.test", CUSTOMER_PASSWORD)
    office = "198.51.100.30"
    console = client_for("localhost", ip=office)
    assert _fail(console, "ops@kabinet.test", 5, path="/console/login/") == [200] * 5
    assert _locked(_try(console, "ops@kabinet.test", CUSTOMER_PASSWORD, path="/console/login/"))
    colleague = client_for("localhost", ip=office)
    assert colleague.post("/console/login/", {"username": "ops2@kabinet.test",
                                              "password": CUSTOMER_PASSWORD}).status_code == 302
    assert SignInAttempt.objects.filter(user__email="ops@kabinet.test", succeeded=False).count() == 5


def test_a_lockout_on_one_tenant_does_not_lock_another(alpha, beta):
    make_customer(alpha, email="shared@example.test")
    make_customer(beta, email="shared@example.test")
    ip = "198.51.100.4"
    assert _fail(client_for("alpha.localhost", ip=ip), "shared@example.test", 5) == [200] * 5
    assert _locked(_try(client_for("alpha.localhost", ip=ip), "shared@example.test", CUSTOMER_PASSWORD))
    assert _signs_in(client_for("bravo.localhost", ip=ip), "shared@example.test")
    with tenant_context(beta):
        assert not SignInAttempt.objects.filter(succeeded=False).exists()


def test_a_password_reset_forgives_the_account_but_not_the_address(alpha, anna, mailoutbox):
    from .conftest import link_in

    client = client_for("alpha.localhost", ip="198.51.100.40")
    _fail(client, "anna@alpha.test", 5)
    for number in range(44):
        _try(client, f"spray{number}@alpha.test")  # 49 failures from this address now
    client.post("/password-reset/", {"email": "anna@alpha.test"})
    form_page = client.get(link_in(mailoutbox[0], "/password-reset/"), follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": "Fresh-Orchard-31",
                                                  "new_password2": "Fresh-Orchard-31"})
    assert _try(client, "anna@alpha.test").status_code == 200  # her lock is gone: the 50th failure here
    assert _locked(_try(client, "anna@alpha.test", "Fresh-Orchard-31"))  # the address is at its volume
    assert _signs_in(client_for("alpha.localhost", ip="192.0.2.60"), "anna@alpha.test", "Fresh-Orchard-31")


# --- a burst of parallel requests --------------------------------------------------------------------

SCHEMA = "t_bravo"


@pytest.fixture
def committed_customer(django_db_setup, django_db_blocker, settings):
    """A customer committed in bravo's schema (the threads' connections must see it), removed afterwards."""
    settings.PASSWORD_HASHERS = FAST_HASHER
    User = get_user_model()
    with django_db_blocker.unblock(), schema_context(SCHEMA):
        user = User.objects.create_user("burst@bravo.test", CUSTOMER_PASSWORD, full_name="Burst")
    yield django_db_blocker, user
    with django_db_blocker.unblock(), schema_context(SCHEMA):
        SignInAttempt.objects.filter(ip_address="198.51.100.99").delete()
        User.objects.filter(pk=user.pk).delete()


def test_a_burst_of_parallel_guesses_gets_no_more_than_the_limit(committed_customer):
    blocker, _user = committed_customer
    barrier = threading.Barrier(16)
    statuses: list[int] = []

    def guess():
        try:
            with blocker.unblock():
                client = client_for("bravo.localhost", ip="198.51.100.99")
                barrier.wait()
                statuses.append(_try(client, "burst@bravo.test").status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] * 5 + [429] * 11
