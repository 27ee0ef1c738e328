"""The wallet: the customer's page and statement (page, PDF), the staff's adjustments and credit limits, and
that nobody sees or changes another's balance."""

import io
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from cabinet.ledger import selectors as ledger_selectors
from cabinet.ledger import services as ledger
from cabinet.ledger.models import Account, CreditLimitChange, Entry, Kind, Transaction
from cabinet.notifications.models import Notification
from cabinet.portal.services import set_module_enabled
from tests.helpers import make_user, sign_in, user

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def _wallet_on(alpha, beta):
    for tenant in (alpha, beta):
        with tenant_context(tenant):
            set_module_enabled("wallet", True)


def top_up(tenant, customer, amount, reason="topup", params=None):
    with tenant_context(tenant):
        card = ledger.business_account(name="card", kind=Kind.MONEY, currency="RUB")
        account = ledger.customer_account(customer=customer, kind=Kind.MONEY, currency="RUB")
        return ledger.post_transaction(lines=[(card, -D(amount)), (account, D(amount))], reason=reason,
                                       params=params if params is not None else {"amount": amount, "currency": "RUB"})


def pay(tenant, customer, amount, number):
    with tenant_context(tenant):
        revenue = ledger.business_account(name="revenue", kind=Kind.MONEY, currency="RUB")
        account = ledger.customer_account(customer=customer, kind=Kind.MONEY, currency="RUB")
        return ledger.post_transaction(lines=[(account, -D(amount)), (revenue, D(amount))],
                                       reason="order_payment", params={"number": number})


def balance(tenant, customer):
    with tenant_context(tenant):
        found = Account.objects.filter(owner=customer, kind=Kind.MONEY, currency="RUB").first()
        return found.balance if found else D("0")


def counts(tenant):
    with tenant_context(tenant):
        return Transaction.objects.count(), Entry.objects.count(), list(
            Account.objects.order_by("pk").values_list("balance", "credit_limit"))


def test_the_page_shows_the_balance_and_each_entry_explained(alpha, alpha_client):
    customer = user(alpha, "customer@alpha.test")
    top_up(alpha, customer, "1500.00")
    pay(alpha, customer, "400.00", 1042)
    sign_in(alpha_client, alpha, "customer@alpha.test")
    page = alpha_client.get("/wallet/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "1\u00a0100,00\u00a0₽" in text or "1 100,00 ₽" in text or "1,100.00" in text, text
    assert "top-up by card" in text and "paid order #1042" in text
    assert text.index("paid order #1042") < text.index("top-up by card")  # newest first
    russian = alpha_client.get("/wallet/", HTTP_ACCEPT_LANGUAGE="ru")
    with translation.override("ru"):
        assert str(translation.gettext("paid order #%(number)s")) % {"number": 1042} in russian.content.decode()


def test_filters_and_pages(alpha, alpha_client):
    customer = user(alpha, "customer@alpha.test")
    for number in range(30):
        top_up(alpha, customer, "10.00", reason="payment", params={"reference": f"R{number:02d}"})
    sign_in(alpha_client, alpha, "customer@alpha.test")
    first = alpha_client.get("/wallet/").content.decode()
    assert "payment R29" in first and "payment R05" in first and "payment R04" not in first
    second = alpha_client.get("/wallet/?page=2").content.decode()
    assert "payment R04" in second and "payment R29" not in second
    assert "payment R" not in alpha_client.get("/wallet/?kind=points").content.decode()
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    assert "payment R" not in alpha_client.get(f"/wallet/?since={tomorrow}").content.decode()
    assert "payment R29" in alpha_client.get(f"/wallet/?until={timezone.localdate()}").content.decode()
    for bad in ("?kind=gold", "?since=yesterday", "?until=2026-13-45", "?page=abc", "?page=-1",
                f"?since={tomorrow}&until={timezone.localdate()}", "?since=99999-01-01"):
        assert alpha_client.get("/wallet/" + bad).status_code == 200, bad
    for bad in ("?currency=XXX", "?since=x", "?since=2026-02-01&until=2026-01-01", "?until=2026-99-01"):
        assert alpha_client.get("/wallet/statement/" + bad).status_code == 200, bad
        assert alpha_client.get("/wallet/statement.pdf" + bad).status_code == 400, bad


def test_the_statement_of_a_period_and_its_pdf(alpha, alpha_client):
    customer = user(alpha, "customer@alpha.test")
    top_up(alpha, customer, "1000.00")
    pay(alpha, customer, "250.00", 7)
    top_up(alpha, customer, "100.00")
    today = timezone.localdate()
    sign_in(alpha_client, alpha, "customer@alpha.test")
    query = f"?currency=RUB&since={today}&until={today}"
    page = alpha_client.get("/wallet/statement/" + query)
    with tenant_context(alpha), translation.override("en"):
        from cabinet.modules.wallet import selectors

        found = selectors.statement(customer=customer, currency="RUB", first_day=today, last_day=today)
        empty = selectors.statement(customer=customer, currency="RUB", first_day=today - timezone.timedelta(days=9),
                                    last_day=today - timezone.timedelta(days=1))
    assert found.statement.opening == 0 and found.statement.closing == D("850.00")
    assert found.statement.credited == D("1100.00") and found.statement.debited == D("250.00")
    assert len(found.lines) == 3 and empty.statement.closing == 0 and empty.lines == []
    text = page.content.decode()
    assert f'data-figure="closing">{found.closing}' in text and f'data-figure="opening">{found.opening}' in text
    pdf = alpha_client.get("/wallet/statement.pdf" + query)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    words = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    flat = " ".join(words.split()).replace("\u00a0", " ")
    assert "Opening balance: " + found.opening.replace("\u00a0", " ") in flat, flat
    assert "Closing balance: " + found.closing.replace("\u00a0", " ") in flat, flat
    assert "paid order #7" in flat
    russian = alpha_client.get("/wallet/statement.pdf" + query, HTTP_ACCEPT_LANGUAGE="ru")
    words = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(russian.content)).pages)
    with translation.override("ru"):
        assert translation.gettext("Closing balance: %(amount)s").split(":")[0] in words


def test_staff_adjust_with_a_reason_and_the_customer_is_told(alpha, alpha_client):
    customer = user(alpha, "customer@alpha.test")
    owner = sign_in(alpha_client, alpha, "owner@alpha.test")
    response = alpha_client.post(f"/manage/wallet/{customer.pk}/adjust/",
                                 {"amount": "300.00", "currency": "RUB", "note": "bonus for the contract"})
    assert response.status_code == 302
    assert balance(alpha, customer) == D("300.00")
    with tenant_context(alpha):
        record = Transaction.objects.get(reason="adjustment")
        assert record.actor == owner and record.params == {"note": "bonus for the contract"}
        assert ledger_selectors.business_balance(name="adjustments", kind=Kind.MONEY, currency="RUB") == D("-300.00")
        told = Notification.objects.get(recipient=customer, event="wallet.adjustment")
        assert "bonus for the contract" in told.body
    page = alpha_client.get(f"/manage/wallet/{customer.pk}/").content.decode()
    assert "adjustment by the business: bonus for the contract" in page and owner.display_name in page


def test_an_adjustment_without_a_reason_or_beyond_the_balance_changes_nothing(alpha, alpha_client):
    customer = user(alpha, "customer@alpha.test")
    top_up(alpha, customer, "100.00")
    sign_in(alpha_client, alpha, "owner@alpha.test")
    before = counts(alpha)
    url = f"/manage/wallet/{customer.pk}/adjust/"
    response = alpha_client.post(url, {"amount": "50.00", "currency": "RUB", "note": "  "})
    assert response.status_code == 400 and "Say why the balance changes" in response.content.decode()
    response = alpha_client.post(url, {"amount": "-500.00", "currency": "RUB", "note": "damaged goods"})
    assert response.status_code == 400 and "Not enough money on the balance" in response.content.decode()
    for bad in ({"amount": "0", "currency": "RUB", "note": "x"}, {"amount": "1.001", "currency": "RUB", "note": "x"},
                {"amount": "abc", "currency": "RUB", "note": "x"}, {"amount": "5", "currency": "XXX", "note": "x"},
                {"amount": "1e20", "currency": "RUB", "note": "x"}, {}):
        assert alpha_client.post(url, bad).status_code == 400, bad
    assert counts(alpha) == before
    with tenant_context(alpha):
        assert not Notification.objects.filter(event="wallet.adjustment").exists()


def test_the_credit_limit_lets_the_balance_go_below_zero(alpha, alpha_client):
    customer = user(alpha, "customer@alpha.test")
    make_user(alpha, "manager@alpha.test", role="manager", full_name="Mira Manager")
    sign_in(alpha_client, alpha, "manager@alpha.test")
    adjust = f"/manage/wallet/{customer.pk}/adjust/"
    assert alpha_client.post(adjust, {"amount": "-200", "currency": "RUB", "note": "delivery"}).status_code == 400
    response = alpha_client.post(f"/manage/wallet/{customer.pk}/credit-limit/", {"limit": "500", "currency": "RUB"})
    assert response.status_code == 302
    assert alpha_client.post(adjust, {"amount": "-200", "currency": "RUB", "note": "delivery"}).status_code == 302
    assert balance(alpha, customer) == D("-200.00")
    refused = alpha_client.post(f"/manage/wallet/{customer.pk}/credit-limit/", {"limit": "100", "currency": "RUB"})
    assert refused.status_code == 400 and "already owes more" in refused.content.decode()
    assert alpha_client.post(f"/manage/wallet/{customer.pk}/credit-limit/",
                             {"limit": "-5", "currency": "RUB"}).status_code == 400
    with tenant_context(alpha):
        assert Account.objects.get(owner=customer, kind=Kind.MONEY).credit_limit == D("500.00")
        changes = list(CreditLimitChange.objects.filter(account__owner=customer))
        assert [(c.previous, c.limit, c.actor.email) for c in changes] == [(D("0.00"), D("500.00"), "manager@alpha.test")]
        assert changes[0].changed_at <= timezone.now()
    page = alpha_client.get(f"/manage/wallet/{customer.pk}/").content.decode()
    history = page.split("wallet-limit-changes", 1)[1].split("</ul>", 1)[0]
    assert "500" in history and "Mira Manager" in history


def test_a_customer_cannot_use_the_staff_pages(alpha, alpha_client):
    customer = user(alpha, "customer@alpha.test")
    other = make_user(alpha, "other@alpha.test")
    top_up(alpha, other, "100.00")
    sign_in(alpha_client, alpha, "customer@alpha.test")
    before = counts(alpha)
    for url, data in ((f"/manage/wallet/{customer.pk}/adjust/", {"amount": "900", "currency": "RUB", "note": "me"}),
                      (f"/manage/wallet/{other.pk}/adjust/", {"amount": "-90", "currency": "RUB", "note": "me"}),
                      (f"/manage/wallet/{customer.pk}/credit-limit/", {"limit": "9000", "currency": "RUB"})):
        assert alpha_client.post(url, data).status_code in (403, 404), url
    assert alpha_client.get(f"/manage/wallet/{other.pk}/").status_code in (403, 404)
    assert counts(alpha) == before


def test_customers_and_tenants_never_see_each_others_entries(alpha, beta, alpha_client, beta_client):
    customer = user(alpha, "customer@alpha.test")
    other = make_user(alpha, "other@alpha.test")
    top_up(alpha, other, "777.00", reason="payment", params={"reference": "OTHER-ALPHA"})
    stranger = make_user(beta, "customer2@bravo.test")
    top_up(beta, stranger, "555.00", reason="payment", params={"reference": "BRAVO-ONLY"})
    top_up(alpha, customer, "10.00", reason="payment", params={"reference": "MINE"})
    sign_in(alpha_client, alpha, "customer@alpha.test")
    text = alpha_client.get("/wallet/").content.decode()
    statement = alpha_client.get(f"/wallet/statement/?currency=RUB&since={timezone.localdate()}"
                                 f"&until={timezone.localdate()}").content.decode()
    for page in (text, statement):
        assert "payment MINE" in page and "OTHER-ALPHA" not in page and "BRAVO-ONLY" not in page
    sign_in(beta_client, beta, "customer2@bravo.test")
    bravo = beta_client.get("/wallet/").content.decode()
    assert "BRAVO-ONLY" in bravo and "MINE" not in bravo and "OTHER-ALPHA" not in bravo
    sign_in(alpha_client, alpha, "owner@alpha.test")
    assert alpha_client.get(f"/manage/wallet/{stranger.pk + 10_000}/").status_code == 404


def test_the_dashboard_card_and_the_switched_off_module(alpha, alpha_client):
    customer = user(alpha, "customer@alpha.test")
    top_up(alpha, customer, "42.00")
    sign_in(alpha_client, alpha, "customer@alpha.test")
    home = alpha_client.get("/").content.decode()
    assert 'data-module="wallet"' in home and 'href="/wallet/"' in home
    with tenant_context(alpha):
        set_module_enabled("wallet", False)
    for url in ("/wallet/", "/wallet/statement/", "/wallet/statement.pdf"):
        assert alpha_client.get(url).status_code == 404, url
    sign_in(alpha_client, alpha, "owner@alpha.test")
    before = counts(alpha)
    assert alpha_client.get("/manage/wallet/").status_code == 404
    assert alpha_client.post(f"/manage/wallet/{customer.pk}/adjust/",
                             {"amount": "5", "currency": "RUB", "note": "x"}).status_code == 404
    assert counts(alpha) == before


def test_demo_content_posts_balanced_moves(alpha):
    from cabinet.modules.wallet.demo import seed_demo_content
    from verticals.registry import get_vertical

    vertical = get_vertical("wholesale")
    for _name, email in vertical.demo_customers:
        make_user(alpha, email)
    with tenant_context(alpha):
        seed_demo_content(vertical)
        seed_demo_content(vertical)  # twice: nothing more
        first = vertical.demo_customers[0][1]
        customer = Account.objects.get(owner__email=first, kind=Kind.MONEY, currency="RUB")
        # the four moves and the staff's adjustment with its reason
        assert customer.balance == D("12950.00") and customer.entries.count() == 5
        assert customer.entries.filter(transaction__reason="adjustment").count() == 1
        # buying on credit in the catalogue's currency
        currency = next(p[4] for p in vertical.demo_products)
        assert Account.objects.get(owner__email=first, kind=Kind.MONEY, currency=currency).credit_limit == D("50000.00")


def test_a_long_statement_is_paged_with_the_figures_of_the_whole_period_and_its_pdf_has_every_line(
        alpha, alpha_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cabinet.modules.wallet import selectors

    customer = make_user(alpha, "long@alpha.test")
    top_up(alpha, customer, "5000.00")
    for number in range(1, 131):
        pay(alpha, customer, "3.00", number)
    with tenant_context(alpha):
        ledger.reverse_transaction(transaction=Transaction.objects.get(reason="order_payment", params={"number": 5}))
    today = timezone.localdate()
    sign_in(alpha_client, alpha, "long@alpha.test")
    query = f"?currency=RUB&since={today}&until={today}"
    first = alpha_client.get("/wallet/statement/" + query).content.decode()
    second = alpha_client.get("/wallet/statement/" + query + "&page=2").content.decode()
    beyond = alpha_client.get("/wallet/statement/" + query + "&page=99")
    with tenant_context(alpha), translation.override("en"):
        found = selectors.statement(customer=customer, currency="RUB", first_day=today, last_day=today)
        rest = selectors.statement(customer=customer, currency="RUB", first_day=today, last_day=today, page=2)
        closing = found.closing
    # 1 top-up, 130 payments and one correction: 132 lines, 100 on the first page; the figures are the period's.
    assert found.statement.count == 132 and len(found.lines) == 100 and len(rest.lines) == 32
    assert found.statement.opening == 0 and found.statement.closing == D("5000.00") - 129 * D("3.00")
    assert found.statement.credited == D("5003.00") and found.statement.debited == D("390.00")
    assert [line.entry.pk for line in found.lines + rest.lines] == sorted(
        line.entry.pk for line in found.lines + rest.lines)
    assert rest.lines[-1].text == "+RUB3.00: correction of: paid order #5"
    assert "Page 1 of 2" in first and 'rel="next"' in first and "page=2" in first
    assert "correction of: paid order #5" in second and "paid order #1<" not in second
    assert f'data-figure="closing">{closing}' in first and f'data-figure="closing">{closing}' in second
    assert beyond.status_code == 200 and "Page 2 of 2" in beyond.content.decode()
    # A page costs the same few queries however many lines it has (corrections included): no query per line.
    with tenant_context(alpha), translation.override("en"):
        with CaptureQueriesContext(connection) as hundred:
            selectors.statement(customer=customer, currency="RUB", first_day=today, last_day=today, page=1)
        with CaptureQueriesContext(connection) as rest_and_correction:
            selectors.statement(customer=customer, currency="RUB", first_day=today, last_day=today, page=2)
    assert len(hundred) <= 7 and len(rest_and_correction) <= 7, rest_and_correction.captured_queries
    pdf = alpha_client.get("/wallet/statement.pdf" + query + "&page=2")
    assert pdf.status_code == 200
    words = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    flat = " ".join(words.split()).replace("\u00a0", " ")
    assert all(f"paid order #{n} " in flat for n in range(1, 131)), "a line is missing from the PDF"
    assert "correction of: paid order #5" in flat
    assert "Closing balance: " + closing.replace("\u00a0", " ") in flat


def test_a_customer_reads_only_their_own_statement(alpha, alpha_client):
    mine, other = make_user(alpha, "mine@alpha.test"), make_user(alpha, "other@alpha.test")
    top_up(alpha, mine, "10.00")
    top_up(alpha, other, "777.00")
    today = timezone.localdate()
    sign_in(alpha_client, alpha, "mine@alpha.test")
    page = alpha_client.get(f"/wallet/statement/?currency=RUB&since={today}&until={today}").content.decode()
    assert "777" not in page and 'data-figure="credited">RUB10.00' in page.replace("\u00a0", " ")
