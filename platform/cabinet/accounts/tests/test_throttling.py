from django.test import override_settings

from .conftest import CUSTOMER_PASSWORD, client_for, make_customer

LOCK_MESSAGE = "Too many failed sign-in attempts"


def _fail(client, username, times, path="/login/"):
    return [client.post(path, {"username": username, "password": "not-the-password"}) for _ in range(times)]


def test_five_failures_lock_the_account_even_for_the_right_password(alpha, alpha_customer):
    client = client_for("alpha.localhost", ip="198.51.100.1")
    responses = _fail(client, "customer@alpha.test", 5)
    assert [r.status_code for r in responses[:4]] == [200] * 4
    assert responses[4].status_code == 429
    page = responses[4].content.decode()
    assert LOCK_MESSAGE in page and "15 minutes" in page
    right = client.post("/login/", {"username": "customer@alpha.test", "password": CUSTOMER_PASSWORD})
    assert right.status_code == 429 and LOCK_MESSAGE in right.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_counts_the_account_however_it_is_spelled_and_from_any_ip(alpha, alpha_customer):
    for number, spelling in enumerate(["customer@alpha.test", "CUSTOMER@alpha.test", " Customer@Alpha.Test",
                                       "customer@ALPHA.test", "Customer@alpha.test"]):
        response = _fail(client_for("alpha.localhost", ip=f"198.51.100.{number + 1}"), spelling, 1)[0]
    assert response.status_code == 429
    elsewhere = client_for("alpha.localhost", ip="192.0.2.200")
    right = elsewhere.post("/login/", {"username": "customer@alpha.test", "password": CUSTOMER_PASSWORD})
    assert right.status_code == 429


def test_another_account_from_another_ip_is_not_affected(alpha, alpha_customer):
    _fail(client_for("alpha.localhost", ip="198.51.100.1"), "customer@alpha.test", 5)
    make_customer(alpha, email="neighbour@alpha.test")
    other = client_for("alpha.localhost", ip="192.0.2.50")
    response = other.post("/login/", {"username": "neighbour@alpha.test", "password": CUSTOMER_PASSWORD})
    assert response.status_code == 302


def test_one_ip_trying_many_accounts_is_locked(alpha):
    make_customer(alpha, email="victim@alpha.test")
    client = client_for("alpha.localhost", ip="198.51.100.9")
    for number in range(5):
        response = _fail(client, f"guess{number}@alpha.test", 1)[0]
    assert response.status_code == 429
    right = client.post("/login/", {"username": "victim@alpha.test", "password": CUSTOMER_PASSWORD})
    assert right.status_code == 429


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_one_forwarded_client_is_locked_and_others_pass(alpha):
    make_customer(alpha, email="victim@alpha.test")
    attacker = client_for("alpha.localhost", ip="10.0.0.2")
    attacker.defaults["HTTP_X_FORWARDED_FOR"] = "198.51.100.9"
    for number in range(5):
        response = _fail(attacker, f"guess{number}@alpha.test", 1)[0]
    assert response.status_code == 429
    honest = client_for("alpha.localhost", ip="10.0.0.2")
    honest.defaults["HTTP_X_FORWARDED_FOR"] = "192.0.2.77"
    assert honest.post("/login/", {"username": "victim@alpha.test", "password": CUSTOMER_PASSWORD}).status_code == 302


def test_the_staff_login_is_throttled_too(alpha):
    client = client_for("alpha.localhost", ip="198.51.100.3")
    responses = _fail(client, "owner@alpha.test", 5, path="/manage/login/")
    assert responses[-1].status_code == 429
    right = client.post("/manage/login/", {"username": "owner@alpha.test", "password": "Correct-Horse-42"})
    assert right.status_code == 429 and LOCK_MESSAGE in right.content.decode()


def test_a_lockout_on_one_tenant_does_not_lock_another(alpha, beta):
    make_customer(alpha, email="shared@example.test")
    make_customer(beta, email="shared@example.test")
    ip = "198.51.100.4"
    assert _fail(client_for("alpha.localhost", ip=ip), "shared@example.test", 5)[-1].status_code == 429
    on_bravo = client_for("bravo.localhost", ip=ip)
    response = on_bravo.post("/login/", {"username": "shared@example.test", "password": CUSTOMER_PASSWORD})
    assert response.status_code == 302


def test_a_successful_login_forgets_earlier_failures(alpha, alpha_customer):
    client = client_for("alpha.localhost", ip="198.51.100.5")
    _fail(client, "customer@alpha.test", 4)
    assert client.post("/login/", {"username": "customer@alpha.test", "password": CUSTOMER_PASSWORD}).status_code == 302
    client.post("/logout/")
    assert _fail(client, "customer@alpha.test", 4)[-1].status_code == 200


def test_wrong_console_passwords_are_recorded_in_the_public_schema_without_errors(platform_client):
    response = platform_client.post("/console/login/", {"username": "staff@kabinet.test", "password": "wrong"})
    assert response.status_code == 200
