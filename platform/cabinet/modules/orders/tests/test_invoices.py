"""Invoices: gapless per-tenant numbers taken in the confirming transaction, the stored PDF (read back with
pypdf), the e-mail to the customer with its retries, the download and who may have it."""

import io
import smtplib
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import connections
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context
from pypdf import PdfReader

from cabinet.modules.catalog import services as catalog_services
from cabinet.modules.catalog.models import Product, Reservation, StockLevel, Warehouse
from cabinet.modules.orders import services, tasks
from cabinet.modules.orders.models import (
    DiscountRule,
    Invoice,
    InvoiceCounter,
    Order,
    OrderCounter,
    OrderLine,
)
from cabinet.money import format_money
from cabinet.portal.models import Branding
from cabinet.portal.selectors import forget_portal_state
from cabinet.portal.services import set_module_enabled
from tests.helpers import delivered_mail

from .conftest import make_product, make_user, make_warehouse, sign_in, user

CUSTOMER = "customer@alpha.test"
OWNER = "owner@alpha.test"
CHECKOUT = {"recipient_name": "Олена Коваль", "phone": "+380501234567", "delivery_method": "delivery",
            "address": "Київ, вул. Хрещатик 1"}


@pytest.fixture(autouse=True)
def orders_on(request):
    """The package's fixture of this name, except for the race test: that one works on committed data
    (its threads cannot see a rolled-back test transaction) and services do not consult the switches."""
    if "blocker" in request.fixturenames:
        return
    request.getfixturevalue("db")
    for tenant in (request.getfixturevalue("alpha"), request.getfixturevalue("beta")):
        with tenant_context(tenant):
            set_module_enabled("catalog", True)
            set_module_enabled("orders", True)


@pytest.fixture
def queued(monkeypatch):
    """Invoice e-mails queued on commit, by invoice id (no broker in these tests)."""
    sent: list[int] = []
    monkeypatch.setattr(tasks.email_invoice, "delay", lambda invoice_id: sent.append(invoice_id))
    return sent


def place(customer, items, **data) -> Order:
    return services.place_order(customer, services.lines_from_items(items), {**CHECKOUT, **data})


def confirm(order: Order, by) -> Order:
    return services.change_status(order, Order.Status.CONFIRMED, by)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages).replace("\xa0", " ")


def plain(text: str) -> str:
    return text.replace("\xa0", " ")


class TestNumbering:
    def test_confirming_issues_numbers_one_two_three_once_each(self, alpha, shop, queued,
                                                                django_capture_on_commit_callbacks):
        with tenant_context(alpha):
            customer, owner = user(alpha, CUSTOMER), user(alpha, OWNER)
            orders = [place(customer, [(shop["tea"].pk, 1)]) for _n in range(3)]
            assert not Invoice.objects.exists() and not InvoiceCounter.objects.exists()
            with django_capture_on_commit_callbacks(execute=True):
                for order in orders:
                    confirm(order, owner)
            invoices = [Invoice.objects.get(order=order) for order in orders]
            assert [invoice.number for invoice in invoices] == [1, 2, 3]
            assert InvoiceCounter.objects.get(pk=1).last_number == 3
            assert queued == [invoice.pk for invoice in invoices]
            first = invoices[0]
            assert first.display_number == f"{first.issued_at:%Y}-000001"
            assert (first.total, first.currency) == (orders[0].total, "EUR") == (Decimal("10.00"), "EUR")
            assert bytes(first.pdf).startswith(b"%PDF")
            # Later steps and a second call keep the invoice; it never changes.
            services.change_status(orders[0], Order.Status.PACKED, owner)
            assert services.issue_invoice(orders[0]) == first
            assert Invoice.objects.count() == 3 and bytes(Invoice.objects.get(pk=first.pk).pdf) == bytes(first.pdf)

    def test_an_unconfirmed_or_cancelled_order_has_no_invoice(self, alpha, shop, queued):
        with tenant_context(alpha):
            customer, owner = user(alpha, CUSTOMER), user(alpha, OWNER)
            waiting = place(customer, [(shop["tea"].pk, 1)])
            cancelled = place(customer, [(shop["tea"].pk, 1)])
            services.cancel(cancelled, by=customer)
            with pytest.raises(ValidationError):
                confirm(cancelled, owner)
            assert not Invoice.objects.exists()
            confirm(waiting, owner)
            assert Invoice.objects.get().number == 1

    def test_a_failure_after_numbering_gives_the_number_back(self, alpha, shop, queued, monkeypatch):
        with tenant_context(alpha):
            customer, owner = user(alpha, CUSTOMER), user(alpha, OWNER)
            first, second = place(customer, [(shop["tea"].pk, 1)]), place(customer, [(shop["tea"].pk, 1)])
            render = services.invoices.render_invoice_pdf

            def broken(invoice):
                assert invoice.number == 1  # the number was taken...
                raise RuntimeError("renderer crashed")

            monkeypatch.setattr(services.invoices, "render_invoice_pdf", broken)
            with pytest.raises(RuntimeError):
                confirm(first, owner)
            # ...and the whole confirmation rolled back: the order is new, the number free again.
            first.refresh_from_db()
            assert first.status == Order.Status.NEW and not Invoice.objects.exists()
            assert not InvoiceCounter.objects.filter(last_number__gt=0).exists()
            monkeypatch.setattr(services.invoices, "render_invoice_pdf", render)
            confirm(second, owner)
            confirm(first, owner)
            assert sorted(Invoice.objects.values_list("number", "order")) == [(1, second.pk), (2, first.pk)]

    def test_a_confirmation_refused_for_lack_of_stock_takes_no_number(self, alpha, shop, queued):
        with tenant_context(alpha):
            customer, owner = user(alpha, CUSTOMER), user(alpha, OWNER)
            lapsed = place(customer, [(shop["tea"].pk, 4)])
            other = place(customer, [(shop["tea"].pk, 1)])
            catalog_services.release(lapsed.reservation_reference)  # its hold lapsed...
            catalog_services.set_stock(shop["tea"], shop["central"], 2)  # ...and the goods went elsewhere
            with pytest.raises(ValidationError, match="available"):
                confirm(lapsed, owner)
            assert not Invoice.objects.exists()
            confirm(other, owner)
            assert Invoice.objects.get().number == 1

    def test_each_tenant_numbers_from_one(self, alpha, beta, shop, queued):
        with tenant_context(alpha):
            confirm(place(user(alpha, CUSTOMER), [(shop["tea"].pk, 1)]), user(alpha, OWNER))
            confirm(place(user(alpha, CUSTOMER), [(shop["tea"].pk, 1)]), user(alpha, OWNER))
        with tenant_context(beta):
            coffee = make_product("Coffee", price="7.00", stock={make_warehouse("Bravo store"): 5})
            order = confirm(place(user(beta, "customer@bravo.test"), [(coffee.pk, 1)]), user(beta, "owner@bravo.test"))
            assert list(Invoice.objects.values_list("number", "order")) == [(1, order.pk)]
        with tenant_context(alpha):
            assert sorted(Invoice.objects.values_list("number", flat=True)) == [1, 2]


# --- Concurrency: committed data, one connection per thread ------------------------------------------------

SCHEMA = "t_alpha"


@pytest.fixture
def blocker(django_db_setup, django_db_blocker):
    """Database access outside any test transaction, on the suite's database."""
    return django_db_blocker


def test_concurrent_confirmations_number_without_gaps_or_repeats(blocker, monkeypatch):
    """Twelve staff members confirm twelve orders at the same moment; three confirmations crash after taking
    a number. The nine that commit hold exactly the next nine numbers."""
    workers, failing_count = 12, 3
    queued_ids: list[int] = []
    monkeypatch.setattr(tasks.email_invoice, "delay", lambda invoice_id: queued_ids.append(invoice_id))
    User = get_user_model()
    with blocker.unblock(), schema_context(SCHEMA):
        start_number = InvoiceCounter.objects.filter(pk=1).values_list("last_number", flat=True).first()
        orders_before = OrderCounter.objects.filter(pk=1).values_list("last_number", flat=True).first()
        warehouse = Warehouse.objects.create(name="Invoice race warehouse")
        product = Product.objects.create(name="Invoice race item", slug="invoice-race-item",
                                         price=Decimal("2.50"), currency="EUR")
        StockLevel.objects.create(product=product, warehouse=warehouse, quantity=workers)
        customer = User.objects.create(email="invoice-race@alpha.test", password=make_password(None))
        staff = User.objects.create(email="invoice-race-staff@alpha.test", password=make_password(None),
                                    role="manager", is_staff=True)
        orders = [place(customer, [(product.pk, 1)]) for _n in range(workers)]
    failing = {order.pk for order in orders[:failing_count]}
    render = services.invoices.render_invoice_pdf

    def render_or_crash(invoice):
        if invoice.order_id in failing:
            raise RuntimeError("crash after numbering")
        return render(invoice)

    monkeypatch.setattr(services.invoices, "render_invoice_pdf", render_or_crash)
    start = threading.Barrier(workers)
    outcomes: dict[int, str] = {}

    def confirmer(order: Order) -> None:
        try:
            with schema_context(SCHEMA):
                start.wait()
                try:
                    confirm(order, staff)
                    outcomes[order.pk] = "ok"
                except RuntimeError:
                    outcomes[order.pk] = "crashed"
        finally:
            connections.close_all()

    try:
        with blocker.unblock():
            threads = [threading.Thread(target=confirmer, args=(order,)) for order in orders]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
            with schema_context(SCHEMA):
                numbers = sorted(Invoice.objects.filter(order__in=orders).values_list("number", flat=True))
                last = InvoiceCounter.objects.get(pk=1).last_number
                confirmed = set(Order.objects.filter(pk__in=[o.pk for o in orders], status="confirmed")
                                .values_list("pk", flat=True))
        base = start_number or 0
        assert sorted(outcomes.values()) == ["crashed"] * failing_count + ["ok"] * (workers - failing_count)
        assert numbers == list(range(base + 1, base + workers - failing_count + 1))
        assert last == base + workers - failing_count
        assert confirmed == {o.pk for o in orders} - failing
        assert len(queued_ids) == workers - failing_count
    finally:
        with blocker.unblock(), schema_context(SCHEMA):
            Invoice.objects.filter(order__in=orders).delete()
            if start_number is None:
                InvoiceCounter.objects.filter(pk=1).delete()
            else:
                InvoiceCounter.objects.filter(pk=1).update(last_number=start_number)
            if orders_before is None:
                OrderCounter.objects.filter(pk=1).delete()
            else:
                OrderCounter.objects.filter(pk=1).update(last_number=orders_before)
            Reservation.objects.filter(product=product).delete()
            OrderLine.objects.filter(order__in=orders).delete()
            Order.objects.filter(pk__in=[o.pk for o in orders]).delete()
            product.delete()
            warehouse.delete()
            User.objects.filter(pk__in=[customer.pk, staff.pk]).delete()


# --- The PDF -----------------------------------------------------------------------------------------------

class TestPdf:
    def test_pdf_names_the_business_customer_lines_sums_and_discounts(self, alpha, shop, queued):
        with tenant_context(alpha):
            customer, owner = user(alpha, CUSTOMER), user(alpha, OWNER)
            customer.language = "uk"
            customer.save(update_fields=["language"])
            Branding.objects.filter(pk=1).update(contact_phones="+380 44 000 11 22",
                                                 contact_addresses="Київ, вул. Липська 5")
            forget_portal_state()
            tea = make_product("Чай зелений «Луг»", price="1234.50", sku="ЧАЙ-7", stock={shop["central"]: 20})
            rule = DiscountRule.objects.create(title="Five or more", kind="quantity_break", value=Decimal("10"),
                                               scope="products", min_quantity=5)
            rule.products.add(tea)
            order = confirm(place(customer, [(tea.pk, 5), (shop["mug"].pk, 1)]), owner)
            invoice = order.invoice
            text = pdf_text(bytes(invoice.pdf))
        assert order.discount == Decimal("617.25") and order.total == Decimal("5570.25")
        for expected in (invoice.display_number, "Alpha Business", "+380 44 000 11 22", "Київ, вул. Липська 5",
                         "Олена Коваль", CUSTOMER, "+380501234567", "Київ, вул. Хрещатик 1",
                         "Чай зелений «Луг»", "ЧАЙ-7", "Mug", "MUG-1", f"Замовлення № {order.number}",
                         plain(format_money(Decimal("6187.50"), "EUR", "uk")),   # undiscounted sum
                         plain(format_money(Decimal("-617.25"), "EUR", "uk")),   # discount
                         plain(format_money(Decimal("5570.25"), "EUR", "uk")),   # total
                         # the discount is explained in the customer's language, not the checkout's
                         "Чай зелений «Луг»: −10 %: від 5 шт. цього товару (−617,25 EUR)",
                         "Дата: ", "Рахунок"):
            assert expected in text, expected
        assert "5 570,25 EUR" in text  # CLDR Ukrainian: grouping, decimal comma, the euro by its code
        assert "5 or more" not in text and "Invoice" not in text

    def test_pickup_order_prints_the_pickup_point(self, alpha, shop, queued):
        with tenant_context(alpha):
            order = confirm(place(user(alpha, CUSTOMER), [(shop["mug"].pk, 1)], delivery_method="pickup",
                                  pickup_warehouse=shop["pickup"].pk), user(alpha, OWNER))
            text = pdf_text(bytes(order.invoice.pdf))
        assert "Podil pickup, Kyiv, Khoroshavina 1" in text and "Хрещатик" not in text

    def test_a_long_order_runs_over_several_pages(self, alpha, shop, queued):
        with tenant_context(alpha):
            products = [make_product(f"Товар номер {n:02d} з довгою назвою, що переноситься", price="3.00",
                                     sku=f"LONG-{n:02d}", stock={shop["central"]: 5}) for n in range(60)]
            order = confirm(place(user(alpha, CUSTOMER), [(p.pk, 1) for p in products]), user(alpha, OWNER))
            reader = PdfReader(io.BytesIO(bytes(order.invoice.pdf)))
        assert len(reader.pages) >= 2
        text = "\n".join(page.extract_text() for page in reader.pages).replace("\xa0", " ")
        assert all(f"LONG-{n:02d}" in text for n in range(60))
        assert f"Page {len(reader.pages)} of {len(reader.pages)}" in text
        assert format_money(Decimal("180.00"), "EUR", "en") in text
        # The table's headings repeat on the following page.
        assert "SKU" in reader.pages[1].extract_text()


# --- The e-mail --------------------------------------------------------------------------------------------

class TestEmail:
    def test_confirmation_mails_the_pdf_once(self, alpha, shop, monkeypatch, django_capture_on_commit_callbacks):
        monkeypatch.setattr(tasks.email_invoice, "delay",
                            lambda invoice_id: tasks.email_invoice.apply(args=[invoice_id]))
        with tenant_context(alpha):
            with django_capture_on_commit_callbacks(execute=True):
                order = confirm(place(user(alpha, CUSTOMER), [(shop["tea"].pk, 2)]), user(alpha, OWNER))
            invoice = Invoice.objects.get(order=order)
            assert len(delivered_mail()) == 1
            message = delivered_mail()[0]
            assert message.to == [CUSTOMER] and invoice.display_number in message.subject
            assert f"#{order.number}" in message.subject
            assert "alpha.localhost" in message.body and f"/orders/{order.pk}/" in message.body
            assert message.attachments == [(f"invoice-{invoice.display_number}.pdf", bytes(invoice.pdf),
                                            "application/pdf")]
            assert invoice.emailed_at is not None
            # A repeated task (a redelivery, a second queueing) sends nothing.
            tasks.email_invoice.apply(args=[invoice.pk])
            assert len(delivered_mail()) == 1

    def test_customer_without_an_email_address_gets_no_mail_but_sees_it_in_the_portal(self, alpha, shop, queued):
        from cabinet.notifications.models import Notification

        with tenant_context(alpha):
            customer = user(alpha, CUSTOMER)
            order = confirm(place(customer, [(shop["tea"].pk, 1)]), user(alpha, OWNER))
            get_user_model().objects.filter(pk=customer.pk).update(email=None, phone="+380501234567")
            assert tasks.email_invoice.apply(args=[order.invoice.pk]).get() is True
            assert delivered_mail() == []
            told = Notification.objects.get(recipient=customer)
            assert not told.deliveries.exists() and told.url == f"/orders/{order.pk}/"

    def test_a_customer_who_turned_invoice_mails_off_gets_none(self, alpha, shop, queued):
        from cabinet.accounts.services import save_notification_preferences
        from cabinet.notifications.models import Delivery

        with tenant_context(alpha):
            customer = user(alpha, CUSTOMER)
            save_notification_preferences(customer, [])  # every channel of every event off
            order = confirm(place(customer, [(shop["tea"].pk, 1)]), user(alpha, OWNER))
            tasks.email_invoice.apply(args=[order.invoice.pk])
            assert delivered_mail() == [] and not Delivery.objects.exists()

    def test_a_failing_mail_server_is_retried_then_the_mail_goes_once(self, alpha, shop, queued, monkeypatch):
        import time_machine

        from cabinet.notifications.delivery import deliver_due
        from cabinet.notifications.models import Delivery

        with tenant_context(alpha):
            invoice = confirm(place(user(alpha, CUSTOMER), [(shop["tea"].pk, 1)]), user(alpha, OWNER)).invoice
            attempts = []
            send = EmailMessage.send

            def flaky(message, fail_silently=False):
                attempts.append(1)
                if len(attempts) < 3:
                    raise smtplib.SMTPServerDisconnected("connection lost")
                return send(message, fail_silently)

            monkeypatch.setattr(EmailMessage, "send", flaky)
            tasks.email_invoice.apply(args=[invoice.pk])
            moment = timezone.now()
            for _try in range(4):
                with time_machine.travel(moment):
                    deliver_due()
                moment += timedelta(hours=2)
            row = Delivery.objects.get()
            assert len(attempts) == 3 and len(delivered_mail()) == 1
            assert row.status == "sent" and list(row.log.values_list("outcome", flat=True)) == [
                "queued", "failed", "failed", "sent"]
            assert delivered_mail()[0].attachments[0][2] == "application/pdf"

    def test_a_mail_server_that_stays_down_fails_after_six_attempts_visibly(self, alpha, shop, queued, monkeypatch):
        import time_machine

        from cabinet.notifications.delivery import deliver_due
        from cabinet.notifications.models import Delivery

        with tenant_context(alpha):
            invoice = confirm(place(user(alpha, CUSTOMER), [(shop["tea"].pk, 1)]), user(alpha, OWNER)).invoice
            attempts = []

            def down(message, fail_silently=False):
                attempts.append(1)
                raise ConnectionRefusedError("no mail server")

            monkeypatch.setattr(EmailMessage, "send", down)
            tasks.email_invoice.apply(args=[invoice.pk])
            moment = timezone.now()
            for _try in range(8):
                with time_machine.travel(moment):
                    deliver_due()
                moment += timedelta(hours=2)
            row = Delivery.objects.get()
            assert len(attempts) == 6 and row.status == "failed" and "no mail server" in row.last_error

    def test_orders_off_the_task_does_nothing(self, alpha, shop, queued):
        with tenant_context(alpha):
            invoice = confirm(place(user(alpha, CUSTOMER), [(shop["tea"].pk, 1)]), user(alpha, OWNER)).invoice
            set_module_enabled("orders", False)
            assert tasks.email_invoice.apply(args=[invoice.pk]).get() is None
            assert delivered_mail() == []


# --- The download ------------------------------------------------------------------------------------------

@pytest.fixture
def invoice(alpha, shop, queued):
    with tenant_context(alpha):
        return confirm(place(user(alpha, CUSTOMER), [(shop["tea"].pk, 1)]), user(alpha, OWNER)).invoice


def pdf_url(invoice) -> str:
    return f"/orders/invoices/{invoice.pk}/pdf/"


class TestDownload:
    def test_the_customer_downloads_the_stored_pdf(self, alpha, alpha_client, invoice):
        sign_in(alpha_client, alpha, CUSTOMER)
        response = alpha_client.get(pdf_url(invoice))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == f'attachment; filename="invoice-{invoice.display_number}.pdf"'
        assert "private" in response["Cache-Control"]
        assert response.content == bytes(invoice.pdf)

    def test_the_order_page_links_the_invoice(self, alpha, alpha_client, shop, invoice):
        sign_in(alpha_client, alpha, CUSTOMER)
        page = alpha_client.get(f"/orders/{invoice.order_id}/").content.decode()
        assert f"Invoice {invoice.display_number} (PDF)" in page and pdf_url(invoice) in page
        with tenant_context(alpha):
            unconfirmed = place(user(alpha, CUSTOMER), [(shop["tea"].pk, 1)])
        assert "(PDF)" not in alpha_client.get(f"/orders/{unconfirmed.pk}/").content.decode()

    @pytest.mark.parametrize("role", ["owner", "manager", "operator"])
    def test_order_staff_download_any_invoice(self, alpha, alpha_client, invoice, role):
        email = OWNER if role == "owner" else f"{role}@alpha.test"
        if role != "owner":
            make_user(alpha, email, role=role)
        sign_in(alpha_client, alpha, email)
        response = alpha_client.get(pdf_url(invoice))
        assert response.status_code == 200 and response.content == bytes(invoice.pdf)

    def test_others_get_404_and_anonymous_visitors_sign_in(self, alpha, alpha_client, invoice):
        assert alpha_client.get(pdf_url(invoice)).status_code == 302
        assert alpha_client.get(pdf_url(invoice))["Location"] == f"/login/?next={pdf_url(invoice)}"
        for email, role in (("other@alpha.test", "customer"), ("editor@alpha.test", "editor")):
            make_user(alpha, email, role=role)
            sign_in(alpha_client, alpha, email)
            assert alpha_client.get(pdf_url(invoice)).status_code == 404
        assert alpha_client.get("/orders/invoices/999999/pdf/").status_code == 404
        assert alpha_client.post(pdf_url(invoice)).status_code == 405

    def test_other_tenant_never_gets_it(self, alpha, beta, beta_client, invoice):
        sign_in(beta_client, beta, "owner@bravo.test")
        assert beta_client.get(pdf_url(invoice)).status_code == 404
        sign_in(beta_client, beta, "customer@bravo.test")
        assert beta_client.get(pdf_url(invoice)).status_code == 404

    def test_orders_module_off_is_404(self, alpha, alpha_client, invoice):
        with tenant_context(alpha):
            set_module_enabled("orders", False)
        sign_in(alpha_client, alpha, CUSTOMER)
        assert alpha_client.get(pdf_url(invoice)).status_code == 404
