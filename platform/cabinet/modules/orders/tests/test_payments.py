"""Invoice payments: from the balance (partial, overpayment refused, never below the credit limit, two
threads at once), bank transfers and refunds to the balance, the paid/partly paid/unpaid status, due dates and
overdue reminders with frozen time, the require-payment setting, and isolation between customers and tenants."""

import datetime
import threading
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from cabinet.ledger import selectors as ledger_selectors
from cabinet.ledger import services as ledger
from cabinet.ledger.models import Transaction
from cabinet.modules.catalog.models import Product, Reservation, StockLevel, Warehouse
from cabinet.modules.orders import payment_selectors, services, signals
from cabinet.modules.orders.models import Invoice, InvoiceCounter, InvoicePayment, Order, OrderCounter
from cabinet.notifications.models import Notification
from cabinet.portal import legal
from cabinet.portal.selectors import legal_details
from cabinet.portal.services import update_module_settings

from .conftest import make_product, make_user, make_warehouse, user

CUSTOMER = "customer@alpha.test"
OWNER = "owner@alpha.test"
CHECKOUT = {"recipient_name": "Олена Коваль", "phone": "+380501234567", "delivery_method": "delivery",
            "address": "Київ, вул. Хрещатик 1"}


@pytest.fixture(autouse=True)
def orders_on(request):
    """The package's fixture of this name, except for the two-thread test: its threads cannot see a rolled-back
    test transaction, and services do not consult the module switches."""
    if "blocker" in request.fixturenames:
        return
    request.getfixturevalue("db")
    from cabinet.portal.services import set_module_enabled

    for tenant in (request.getfixturevalue("alpha"), request.getfixturevalue("beta")):
        with tenant_context(tenant):
            set_module_enabled("catalog", True)
            set_module_enabled("orders", True)


@pytest.fixture(autouse=True)
def no_mail_tasks(monkeypatch):
    from cabinet.modules.orders import tasks

    monkeypatch.setattr(tasks.email_invoice, "delay", lambda invoice_id: None)


@pytest.fixture
def tea(alpha):
    with tenant_context(alpha):
        return make_product("Sencha", price="100.00", sku="TEA-1", stock={make_warehouse("Central"): 50})


def set_orders(values: dict) -> None:
    from cabinet.modules.orders.module import MODULE

    update_module_settings("orders", {**{s.key: s.default for s in MODULE.settings}, **values})


def place(customer, product, quantity=1) -> Order:
    return services.place_order(customer, services.lines_from_items([(product.pk, quantity)]), CHECKOUT)


def invoiced(customer, owner, product, quantity=1) -> Invoice:
    order = place(customer, product, quantity)
    services.change_status(order, Order.Status.CONFIRMED, owner)
    return Invoice.objects.get(order=order)


def top_up(customer, amount: str, currency="EUR") -> None:
    ledger.post_transaction(
        lines=[(ledger.business_account(name="adjustments", kind="money", currency=currency), -Decimal(amount)),
               (ledger.customer_account(customer=customer, kind="money", currency=currency), Decimal(amount))],
        reason="adjustment", params={"note": "test"})




@pytest.fixture
def order_events(django_capture_on_commit_callbacks):
    seen: list = []

    def receiver(sender, order, event, **kwargs):
        seen.append((order.pk, event))

    signals.order_event.connect(receiver, weak=False, dispatch_uid="payments-test")
    yield seen
    signals.order_event.disconnect(dispatch_uid="payments-test")


class TestFromBalance:
    def test_partial_payments_then_paid_in_full(self, alpha, tea, django_capture_on_commit_callbacks, order_events):
        with tenant_context(alpha):
            customer, owner = user(alpha, CUSTOMER), user(alpha, OWNER)
            invoice = invoiced(customer, owner, tea, 2)
            top_up(customer, "500.00")
            assert payment_selectors.state_of(invoice).status == payment_selectors.UNPAID
            with django_capture_on_commit_callbacks(execute=True):
                services.pay_from_balance(invoice=invoice, customer=customer, amount="50.00")
            state = payment_selectors.state_of(invoice)
            assert (state.status, state.paid, state.owed) == ("partly_paid", Decimal("50.00"), Decimal("150.00"))
            assert (invoice.order.pk, "paid") not in order_events
            with django_capture_on_commit_callbacks(execute=True):
                services.pay_from_balance(invoice=invoice, customer=customer)  # the rest
            state = payment_selectors.state_of(invoice)
            assert (state.status, state.paid, state.owed) == ("paid", Decimal("200.00"), Decimal("0.00"))
            assert order_events.count((invoice.order.pk, "paid")) == 1
            assert ledger_selectors.balance(customer=customer, kind="money", currency="EUR") == Decimal("300.00")
            # Each payment is a ledger transaction caused by the invoice, explained in the reader's language.
            payments = payment_selectors.payment_history(invoice)
            assert [p.amount for p in payments] == [Decimal("50.00"), Decimal("150.00")]
            assert {p.transaction.cause_type for p in payments} == {"orders.invoice"}
            assert ledger_selectors.describe(payments[0].transaction) == f"paid invoice {invoice.display_number}"

    def test_overpayment_is_refused_and_nothing_changes(self, alpha, tea):
        with tenant_context(alpha):
            customer, owner = user(alpha, CUSTOMER), user(alpha, OWNER)
            invoice = invoiced(customer, owner, tea)
            top_up(customer, "500.00")
            with pytest.raises(ValidationError) as refused:
                services.pay_from_balance(invoice=invoice, customer=customer, amount="100.01")
            assert "more than is still owed" in " ".join(refused.value.messages)
            services.pay_from_balance(invoice=invoice, customer=customer)
            with pytest.raises(ValidationError, match="already paid in full"):
                services.pay_from_balance(invoice=invoice, customer=customer, amount="1.00")
            for bad in ("abc", "-5", "0", "1.001"):
                with pytest.raises(ValidationError):
                    services.pay_from_balance(invoice=invoice, customer=customer, amount=bad)
            assert InvoicePayment.objects.count() == 1
            assert ledger_selectors.balance(customer=customer, kind="money", currency="EUR") == Decimal("400.00")

    def test_never_below_the_credit_limit(self, alpha, tea):
        with tenant_context(alpha):
            customer, owner = user(alpha, CUSTOMER), user(alpha, OWNER)
            invoice = invoiced(customer, owner, tea)
            top_up(customer, "30.00")
            account = ledger.customer_account(customer=customer, kind="money", currency="EUR")
            ledger.set_credit_limit(account=account, limit=Decimal("50.00"))
            with pytest.raises(ledger.InsufficientFunds, match="Not enough money on the balance"):
                services.pay_from_balance(invoice=invoice, customer=customer)
            assert not InvoicePayment.objects.exists()
            services.pay_from_balance(invoice=invoice, customer=customer, amount="80.00")  # 30 + 50 of credit
            assert ledger_selectors.balance(customer=customer, kind="money", currency="EUR") == Decimal("-50.00")


class TestOffline:
    def test_bank_transfer_and_refund_to_balance(self, alpha, tea, django_capture_on_commit_callbacks, order_events):
        with tenant_context(alpha):
            customer, owner = user(alpha, CUSTOMER), user(alpha, OWNER)
            invoice = invoiced(customer, owner, tea)
            day = timezone.localdate() - datetime.timedelta(days=1)
            errors = None
            try:
                services.record_bank_transfer(invoice=invoice, amount="10", reference="", paid_on="yesterday", by=owner)
            except ValidationError as error:
                errors = error.message_dict
            assert errors is not None and set(errors) == {"reference", "paid_on"}
            with django_capture_on_commit_callbacks(execute=True):
                payment = services.record_bank_transfer(invoice=invoice, amount="100.00", reference="PP 4711",
                                                        paid_on=day.isoformat(), by=owner)
            assert (payment.method, payment.reference, payment.paid_on, payment.by) == ("bank", "PP 4711", day, owner)
            assert payment_selectors.state_of(invoice).status == "paid"
            # The money passed through the balance: it is where it was.
            assert ledger_selectors.balance(customer=customer, kind="money", currency="EUR") == Decimal("0.00")
            with django_capture_on_commit_callbacks(execute=True):
                refund = services.refund_to_balance(payment=payment, by=owner)
            assert refund.amount == Decimal("-100.00") and refund.refund_of == payment
            assert payment_selectors.state_of(invoice).status == "unpaid"
            assert ledger_selectors.balance(customer=customer, kind="money", currency="EUR") == Decimal("100.00")
            assert ledger_selectors.describe(refund.transaction) == f"refund of invoice {invoice.display_number}"
            assert order_events.count((invoice.order.pk, "refunded")) == 1
            with pytest.raises(ValidationError, match="already been refunded"):
                services.refund_to_balance(payment=payment, by=owner)
            with pytest.raises(ValidationError):
                services.refund_to_balance(payment=refund, by=owner)


class TestIsolation:
    def test_a_customer_cannot_pay_or_see_anothers_invoice(self, alpha, tea):
        from cabinet.modules.orders import selectors

        with tenant_context(alpha):
            customer, owner = user(alpha, CUSTOMER), user(alpha, OWNER)
            other = make_user(alpha, "other@alpha.test")
            invoice = invoiced(customer, owner, tea)
            top_up(other, "500.00")
            with pytest.raises(Invoice.DoesNotExist):
                services.pay_from_balance(invoice=invoice, customer=other)
            with pytest.raises(Invoice.DoesNotExist):
                services.start_card_payment(invoice=invoice, customer=other, return_url="/orders/")
            assert selectors.customer_invoice(other, invoice.pk) is None
            assert payment_selectors.account_summary(other) == []
            assert not InvoicePayment.objects.exists()

    def test_another_business_never_sees_the_invoice(self, alpha, beta, tea):
        with tenant_context(alpha):
            customer, owner = user(alpha, CUSTOMER), user(alpha, OWNER)
            invoice = invoiced(customer, owner, tea)
            top_up(customer, "100.00")
            services.pay_from_balance(invoice=invoice, customer=customer)
        with tenant_context(beta):
            assert not Invoice.objects.filter(pk=invoice.pk).exists()
            assert not InvoicePayment.objects.exists()
            assert not Transaction.objects.filter(cause_type="orders.invoice").exists()

    def test_pages_show_the_same_figures_to_customer_and_staff(self, alpha, tea, alpha_client):

        with tenant_context(alpha):
            customer, owner = user(alpha, CUSTOMER), user(alpha, OWNER)
            invoice = invoiced(customer, owner, tea, 3)
            top_up(customer, "120.00")
            services.pay_from_balance(invoice=invoice, customer=customer, amount="120.00")
            summary = payment_selectors.account_summary(customer)
        assert [(s.orders_total, s.paid, s.owed) for s in summary] == [
            (Decimal("300.00"), Decimal("120.00"), Decimal("180.00"))]


class TestDueDates:
    def test_due_date_from_payment_terms_and_overdue_with_frozen_time(self, alpha, tea):
        with tenant_context(alpha):
            set_orders({"payment_terms_days": 10, "invoice_language": "en"})
            customer, owner = user(alpha, CUSTOMER), user(alpha, OWNER)
            with time_machine.travel(datetime.datetime(2026, 3, 2, 12, tzinfo=datetime.UTC), tick=False):
                invoice = invoiced(customer, owner, tea)
                assert invoice.due_on == datetime.date(2026, 3, 12)
            assert not payment_selectors.state_of(invoice, today=datetime.date(2026, 3, 12)).overdue
            assert payment_selectors.state_of(invoice, today=datetime.date(2026, 3, 13)).overdue
            assert list(payment_selectors.overdue_invoices(datetime.date(2026, 3, 13))) == [invoice]
            top_up(customer, "100.00")
            services.pay_from_balance(invoice=invoice, customer=customer)
            assert not payment_selectors.state_of(invoice, today=datetime.date(2026, 3, 13)).overdue
            assert not payment_selectors.overdue_invoices(datetime.date(2026, 3, 13)).exists()

    def test_reminder_sent_once_per_step(self, alpha, tea):
        with tenant_context(alpha):
            set_orders({"payment_terms_days": 0, "invoice_language": "en"})
            customer, owner = user(alpha, CUSTOMER), user(alpha, OWNER)
            with time_machine.travel(datetime.datetime(2026, 3, 2, 12, tzinfo=datetime.UTC), tick=False):
                invoice = invoiced(customer, owner, tea)
            due = invoice.due_on
            assert services.remind_overdue(due) == 0  # due today: not overdue yet
            assert services.remind_overdue(due + datetime.timedelta(days=1)) == 1
            assert services.remind_overdue(due + datetime.timedelta(days=2)) == 0  # the same step: once
            assert services.remind_overdue(due + datetime.timedelta(days=1)) == 0
            assert services.remind_overdue(due + datetime.timedelta(days=30)) == 1  # jumps to the last step
            assert services.remind_overdue(due + datetime.timedelta(days=31)) == 0
            sent = Notification.objects.filter(event="orders.overdue", recipient=customer)
            assert sorted(sent.values_list("event_id", flat=True)) == [
                f"orders.overdue:{invoice.pk}:1", f"orders.overdue:{invoice.pk}:3"]
            assert invoice.display_number in sent.first().subject
            # A paid invoice is never reminded.
            with time_machine.travel(datetime.datetime(2026, 3, 2, 12, tzinfo=datetime.UTC), tick=False):
                paid = invoiced(customer, owner, tea)
            top_up(customer, "100.00")
            services.pay_from_balance(invoice=paid, customer=customer)
            assert services.remind_overdue(due + datetime.timedelta(days=40)) == 0


class TestRequirePayment:
    def test_staff_cannot_confirm_an_unpaid_order(self, alpha, tea):
        with tenant_context(alpha):
            set_orders({"require_payment": True, "invoice_language": "en"})
            customer, owner = user(alpha, CUSTOMER), user(alpha, OWNER)
            order = place(customer, tea)
            invoice = Invoice.objects.get(order=order)  # issued at checkout, to be paid at once
            with pytest.raises(ValidationError, match="confirms orders once they are paid"):
                services.change_status(order, Order.Status.CONFIRMED, owner)
            order.refresh_from_db()
            assert order.status == Order.Status.NEW
            top_up(customer, "100.00")
            services.pay_from_balance(invoice=invoice, customer=customer, amount="60.00")
            with pytest.raises(ValidationError):
                services.change_status(order, Order.Status.CONFIRMED, owner)
            services.pay_from_balance(invoice=invoice, customer=customer)
            services.change_status(order, Order.Status.CONFIRMED, owner)
            order.refresh_from_db()
            assert order.status == Order.Status.CONFIRMED and Invoice.objects.filter(order=order).count() == 1

    def test_off_by_default(self, alpha, tea):
        with tenant_context(alpha):
            customer, owner = user(alpha, CUSTOMER), user(alpha, OWNER)
            order = place(customer, tea)
            assert not Invoice.objects.filter(order=order).exists()
            services.change_status(order, Order.Status.CONFIRMED, owner)
            assert Invoice.objects.filter(order=order).exists()


class TestLegalDetails:
    @pytest.mark.parametrize("tax", ["7707083893", "500100732259", "UA12345678", "DE 123 456 789", "GB123456789"])
    def test_tax_numbers_of_many_countries_pass(self, tax):
        assert legal.clean_legal_details({"legal_name": "X", "tax_number": tax})["tax_number"]

    @pytest.mark.parametrize("tax", ["n/a", "12", "hello world", "1234-", "!!!12345"])
    def test_garbage_tax_numbers_are_refused(self, tax):
        with pytest.raises(ValidationError) as refused:
            legal.clean_legal_details({"legal_name": "X", "tax_number": tax})
        assert set(refused.value.message_dict) == {"tax_number"}

    @pytest.mark.parametrize("account,ok", [("UA21 3223 1300 0002 6007 2335 6600 1", True),
                                            ("DE89370400440532013000", True),
                                            ("DE89370400440532013001", False),
                                            ("40702810900000000001", True), ("12345", False), ("abc", False)])
    def test_bank_accounts(self, account, ok):
        data = {"legal_name": "X", "bank_account": account}
        if ok:
            assert legal.clean_legal_details(data)["bank_account"] == account.replace(" ", "")
        else:
            with pytest.raises(ValidationError):
                legal.clean_legal_details(data)

    def test_saved_details_are_read_and_printed_on_invoices(self, alpha, tea):
        from io import BytesIO

        from pypdf import PdfReader

        with tenant_context(alpha):
            with pytest.raises(ValidationError):
                legal.save_legal_details({"legal_name": "Alpha LLC", "bank_code": "??"})
            assert legal_details()["legal_name"] == ""
            legal.save_legal_details({"legal_name": "Alpha LLC", "tax_number": "UA12345678",
                                      "address": "Kyiv, Khreshchatyk 1", "bank_name": "PrivatBank",
                                      "bank_account": "UA213223130000026007233566001", "bank_code": "PBANUA2X"})
            assert legal_details()["tax_number"] == "UA12345678"
            customer, owner = user(alpha, CUSTOMER), user(alpha, OWNER)
            invoice = invoiced(customer, owner, tea)
            text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(bytes(invoice.pdf))).pages)
            assert "Alpha LLC" in text and "UA12345678" in text and "PBANUA2X" in text and "Due date" in text


# --- Two threads pay from one balance at once ---------------------------------------------------------------

SCHEMA = "t_bravo"


@pytest.fixture
def blocker(django_db_setup, django_db_blocker):
    return django_db_blocker


def test_concurrent_payments_from_balance_never_overdraw(blocker):
    """Two invoices of 100, a balance of 150, two threads paying at the same moment: one is paid, the other
    refused with the ledger's message, and the balance never goes below zero."""
    User = get_user_model()
    with blocker.unblock(), schema_context(SCHEMA):
        counters = (OrderCounter.objects.filter(pk=1).values_list("last_number", flat=True).first(),
                    InvoiceCounter.objects.filter(pk=1).values_list("last_number", flat=True).first())
        warehouse = Warehouse.objects.create(name="Race payments")
        product = Product.objects.create(name="Race tea", slug="race-pay-tea", price=Decimal("100.00"), currency="EUR")
        StockLevel.objects.create(product=product, warehouse=warehouse, quantity=10)
        customer = User.objects.create(email="payer@race.test", role="customer", password=make_password(None))
        owner = User.objects.filter(role="owner").first()
        invoices = [invoiced(customer, owner, product) for _n in range(2)]
        top_up(customer, "150.00")
    outcomes: list = []
    start = threading.Barrier(2)

    def pay(invoice) -> None:
        try:
            with schema_context(SCHEMA):
                start.wait()
                try:
                    outcomes.append(services.pay_from_balance(invoice=invoice, customer=customer))
                except ValidationError as refusal:
                    outcomes.append(refusal)
        except Exception as problem:  # noqa: BLE001 - reported below
            outcomes.append(problem)
        finally:
            connections.close_all()

    try:
        with blocker.unblock():
            threads = [threading.Thread(target=pay, args=(invoice,)) for invoice in invoices]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
        paid = [o for o in outcomes if isinstance(o, InvoicePayment)]
        refused = [o for o in outcomes if isinstance(o, ledger.InsufficientFunds)]
        assert len(paid) == 1 and len(refused) == 1, outcomes
        with blocker.unblock(), schema_context(SCHEMA):
            assert ledger_selectors.balance(customer=customer, kind="money", currency="EUR") == Decimal("50.00")
            assert InvoicePayment.objects.filter(invoice__in=invoices).count() == 1
    finally:
        with blocker.unblock(), schema_context(SCHEMA):
            from django.db import connection

            # The ledger refuses to forget (append-only): the test's rows leave with the triggers paused.
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = replica")
                InvoicePayment.objects.filter(invoice__in=invoices).delete()
                Invoice.objects.filter(pk__in=[i.pk for i in invoices]).delete()
                ids = list(Transaction.objects.filter(entries__account__owner=customer).values_list("pk", flat=True))
                cursor.execute("DELETE FROM ledger_entry WHERE transaction_id = ANY(%s)", [ids])
                cursor.execute("DELETE FROM ledger_transaction WHERE id = ANY(%s)", [ids])
                cursor.execute("DELETE FROM ledger_account WHERE owner_id = %s", [customer.pk])
                cursor.execute("SET session_replication_role = DEFAULT")
            Order.objects.filter(customer=customer).delete()
            Reservation.objects.filter(product=product).delete()
            for model, value in zip((OrderCounter, InvoiceCounter), counters, strict=True):
                if value is None:
                    model.objects.filter(pk=1).delete()
                else:
                    model.objects.filter(pk=1).update(last_number=value)
            customer.delete()
            StockLevel.objects.filter(product=product).delete()
            product.delete()
            warehouse.delete()
