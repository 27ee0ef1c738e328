"""Password-reset and confirmation e-mails are limited per account and per client address; the reset page
answers the same whether the address has an account, and whether the limit held the mail back."""

from datetime import timedelta

import time_machine
from django.core.cache import cache
from django.utils import timezone
from django_tenants.utils import tenant_context

from cabinet.accounts.models import MailRequest
from tests.helpers import without_per_answer_values

from .conftest import client_for, make_customer, signed_in


def _ask(client, email):
    return client.post("/password-reset/", {"email": email})


def test_three_reset_links_an_hour_per_account_and_the_same_answer_after(alpha, alpha_customer, mailoutbox):
    answers = [_ask(client_for("alpha.localhost", ip=f"198.51.100.{n}"), "customer@alpha.test") for n in range(1, 6)]
    assert [a["Location"] for a in answers] == ["/password-reset/sent/"] * 5
    assert len(mailoutbox) == 3  # five requests from five addresses, three e-mails
    with tenant_context(alpha):
        assert list(MailRequest.objects.filter(user=alpha_customer).order_by("id").values_list("sent", flat=True)) \
            == [True, True, True, False, False]
    with time_machine.travel(timezone.now() + timedelta(minutes=61), tick=False):
        _ask(client_for("alpha.localhost", ip="198.51.100.9"), "customer@alpha.test")
    assert len(mailoutbox) == 4  # the hour has passed


def test_ten_requests_an_hour_per_address_whether_the_accounts_exist_or_not(alpha, alpha_customer, mailoutbox):
    probe = client_for("alpha.localhost", ip="198.51.100.50")
    answers = [_ask(probe, f"nobody{n}@alpha.test") for n in range(10)]
    held = _ask(probe, "customer@alpha.test")  # a real account, asked from the same address
    assert {a["Location"] for a in [*answers, held]} == {"/password-reset/sent/"}
    assert mailoutbox == []
    assert _ask(client_for("alpha.localhost", ip="192.0.2.5"), "customer@alpha.test")["Location"] \
        == "/password-reset/sent/"
    assert len(mailoutbox) == 1  # from another address it goes


def test_the_answer_page_is_identical_for_an_account_nobody_and_a_held_mail(alpha, alpha_customer):
    pages = []
    for email, ip in (("customer@alpha.test", "198.51.100.60"), ("ghost@alpha.test", "198.51.100.61")):
        client = client_for("alpha.localhost", ip=ip)
        pages.append(client.get(_ask(client, email)["Location"]).content.decode())
    assert "Check your e-mail" in pages[0]
    assert without_per_answer_values(pages[0]) == without_per_answer_values(pages[1])


def test_reset_limits_of_one_portal_do_not_touch_another(alpha, beta, mailoutbox):
    make_customer(alpha, email="twin@example.test")
    make_customer(beta, email="twin@example.test")
    for _n in range(4):
        _ask(client_for("alpha.localhost", ip="198.51.100.70"), "twin@example.test")
    _ask(client_for("bravo.localhost", ip="198.51.100.70"), "twin@example.test")
    assert len(mailoutbox) == 4 and mailoutbox[-1].to == ["twin@example.test"]
    assert "bravo.localhost" in mailoutbox[-1].body


def test_confirmation_links_are_limited_per_account_too(alpha, mailoutbox):
    user = make_customer(alpha, email="slow@alpha.test")
    client = signed_in(alpha, "alpha.localhost", user)
    start = timezone.now()
    for minute in range(5):
        with tenant_context(alpha):
            cache.delete(f"accounts:resend-verification:{user.pk}")  # the one-a-minute pause, in real time
        with time_machine.travel(start + timedelta(minutes=2 * minute), tick=False):
            response = client.post("/me/verify-email/", follow=True)
    assert len(mailoutbox) == 3
    assert "Several links were sent within the last hour" in response.content.decode()


def test_registering_many_strangers_addresses_from_one_address_stops_mailing_them(alpha, mailoutbox):
    client = client_for("alpha.localhost", ip="198.51.100.80")
    for number in range(12):
        client.post("/logout/")
        response = client.post("/register/", {"full_name": f"Spam {number}", "email": f"victim{number}@example.test",
                                              "phone": "", "password1": "Quiet-Meadow-77",
                                              "password2": "Quiet-Meadow-77"}, follow=True)
    assert len(mailoutbox) == 10
    assert "Confirm your e-mail from My settings" in response.content.decode()
