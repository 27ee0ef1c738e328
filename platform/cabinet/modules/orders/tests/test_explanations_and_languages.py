"""An order stores what it takes to explain each discount (kind, values, amount, currency), and every page,
e-mail, API answer and invoice explains it in its reader's language. Invoices are in the customer's
language, else the business's invoice language."""

import io
from decimal import Decimal
from html import unescape

import pytest
from django.utils import translation
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from cabinet.modules.orders import services, tasks
from cabinet.modules.orders.invoice_pdf import invoice_language
from cabinet.modules.orders.models import DiscountRule, Order, OrderLine, discount_texts
from cabinet.modules.orders.module import MODULE as ORDERS_MODULE
from cabinet.portal.services import update_module_settings
from tests.helpers import delivered_mail

from .conftest import make_product, sign_in, user

pytestmark = pytest.mark.django_db
CUSTOMER = "customer@alpha.test"
OWNER = "owner@alpha.test"
NBSP = "\u00a0"
DELIVERY = {"recipient_name": "Ann", "phone": "+380501234567", "delivery_method": "delivery",
            "address": "Kyiv, Main street 1"}


@pytest.fixture
def discounted(alpha, shop):
    """An order placed in English with a line discount (5 or more) and a cart discount (−€5.00 from €50.00)."""
    with tenant_context(alpha):
        rule = DiscountRule.objects.create(title="Five or more", kind="quantity_break", value=Decimal("10"),
                                           scope="products", min_quantity=5)
        rule.products.add(shop["tea"])
        DiscountRule.objects.create(title="Big order", kind="cart_threshold", value=Decimal("5"), value_type="fixed",
                                    currency="EUR", threshold=Decimal("40"), combine="stack")
        with translation.override("en"):
            order = services.place_order(user(alpha, CUSTOMER), services.lines_from_items([(shop["tea"].pk, 5)]),
                                         DELIVERY)
    return order


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace(NBSP, " ")


class TestStoredFacts:
    def test_the_order_keeps_facts_not_text(self, alpha, discounted):
        with tenant_context(alpha):
            line = OrderLine.objects.get(order=discounted)
            order = Order.objects.get(pk=discounted.pk)
        assert line.explanation == "" and order.cart_discount_explanation == ""
        assert line.discounts == [{"kind": "quantity_break", "value_type": "percent", "value": "10.00",
                                   "currency": "EUR", "amount": "5.00", "title": "Five or more", "min_quantity": 5,
                                   "rule_id": line.discounts[0]["rule_id"]}]
        assert order.cart_discounts[0] | {"rule_id": 0} == {
            "kind": "cart_threshold", "value_type": "fixed", "value": "5.00", "currency": "EUR", "amount": "5.00",
            "title": "Big order", "threshold": "40.00", "rule_id": 0}
        with translation.override("en"):
            assert line.explanations == ["−10 %: 5 or more of this item (−€5.00)"]
            assert order.explanations == ["−€5.00: order of €40.00 or more (−€5.00)"]
        with translation.override("uk"):
            assert line.explanations == [f"−10{NBSP}%: від 5{NBSP}шт. цього товару (−5,00{NBSP}EUR)"]
        with translation.override("ru"):
            assert order.explanations[0].startswith(f"−5,00{NBSP}€")

    def test_a_rule_changed_or_deleted_later_does_not_change_the_explanation(self, alpha, discounted):
        with tenant_context(alpha):
            DiscountRule.objects.filter(kind="quantity_break").update(min_quantity=50, value=Decimal("90"))
            DiscountRule.objects.filter(kind="cart_threshold").delete()
            order = Order.objects.get(pk=discounted.pk)
            with translation.override("en"):
                assert order.lines.get().explanations == ["−10 %: 5 or more of this item (−€5.00)"]
                assert order.explanations == ["−€5.00: order of €40.00 or more (−€5.00)"]

    def test_rows_placed_before_the_facts_show_their_text(self):
        assert discount_texts([], "−10 %: 5 or more of this item (−€5.00)\n") == [
            "−10 %: 5 or more of this item (−€5.00)"]
        assert discount_texts([], "") == []
        # a damaged record is left out rather than breaking the page
        assert discount_texts([{"kind": "nonsense"}, "x"], "old text") == []


class TestReadersLanguage:
    def test_order_pages_explain_in_the_readers_language(self, alpha, alpha_client, discounted):
        sign_in(alpha_client, alpha, CUSTOMER)
        page = unescape(alpha_client.get(f"/orders/{discounted.pk}/", HTTP_ACCEPT_LANGUAGE="uk").content.decode())
        assert f"−10{NBSP}%: від 5{NBSP}шт. цього товару (−5,00{NBSP}EUR)" in page
        assert "5 or more" not in page
        sign_in(alpha_client, alpha, OWNER)
        staff = unescape(alpha_client.get(f"/manage/orders/{discounted.pk}/",
                                          HTTP_ACCEPT_LANGUAGE="ru").content.decode())
        assert f"−5,00{NBSP}€" in staff and "order of" not in staff

    def test_the_api_explains_in_the_requests_language_and_gives_the_facts(self, alpha, alpha_client, discounted):
        sign_in(alpha_client, alpha, CUSTOMER)
        data = alpha_client.get(f"/api/v1/orders/{discounted.pk}/", HTTP_ACCEPT_LANGUAGE="ru").json()
        assert data["lines"][0]["explanations"] == [f"−10{NBSP}%: от 5{NBSP}шт. этого товара (−5,00{NBSP}€)"]
        assert data["lines"][0]["discounts"][0] | {"text": ""} == {
            "kind": "quantity_break", "value_type": "percent", "value": "10.00", "currency": "EUR", "amount": "5.00",
            "title": "Five or more", "min_quantity": 5, "threshold": None, "text": ""}
        assert data["discounts"][0]["threshold"] == "40.00" and data["discounts"][0]["kind"] == "cart_threshold"
        english = alpha_client.get(f"/api/v1/orders/{discounted.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
        assert english["explanations"] == ["−€5.00: order of €40.00 or more (−€5.00)"]

    def test_the_recurring_mail_explains_in_the_customers_language(self, alpha, shop, discounted):
        with tenant_context(alpha):
            customer = user(alpha, CUSTOMER)
            customer.language = "uk"
            customer.save(update_fields=["language"])
            recurring = services.create_recurring(customer, discounted, "weekly", None, 0)
            run = recurring.runs.create(run_on=recurring.next_run_on, order=discounted)
            assert services.send_recurring_result(run.pk, "https://alpha.localhost")
        body = delivered_mail()[0].body
        assert f"від 5{NBSP}шт. цього товару" in body and "замовлення від 40,00" in body


class TestInvoiceLanguage:
    def confirm(self, tenant, order):
        with tenant_context(tenant):
            services.change_status(order, "confirmed", user(tenant, OWNER))
            return Order.objects.get(pk=order.pk).invoice

    def test_the_customers_language_first(self, alpha, discounted, monkeypatch):
        monkeypatch.setattr(tasks.email_invoice, "delay", lambda invoice_id: None)
        with tenant_context(alpha):
            customer = user(alpha, CUSTOMER)
            customer.language = "ru"
            customer.save(update_fields=["language"])
            update_module_settings("orders", {**ORDERS_MODULE.default_settings(), "invoice_language": "uk"})
        invoice = self.confirm(alpha, discounted)
        text = pdf_text(bytes(invoice.pdf))
        assert "Счёт" in text and "от 5 шт. этого товара" in text and "Рахунок" not in text

    def test_the_business_language_for_customers_without_one(self, alpha, discounted, monkeypatch,
                                                             django_capture_on_commit_callbacks):
        monkeypatch.setattr(tasks.email_invoice, "delay",
                            lambda invoice_id: tasks.email_invoice.apply(args=[invoice_id]))
        with tenant_context(alpha):
            assert user(alpha, CUSTOMER).language == ""
            update_module_settings("orders", {**ORDERS_MODULE.default_settings(), "invoice_language": "uk"})
            assert invoice_language(Order.objects.get(pk=discounted.pk)) == "uk"
            with django_capture_on_commit_callbacks(execute=True):
                services.change_status(discounted, "confirmed", user(alpha, OWNER))
            invoice = Order.objects.get(pk=discounted.pk).invoice
        text = pdf_text(bytes(invoice.pdf))
        issued = invoice.issued_at
        months = ["січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня", "вересня",
                  "жовтня", "листопада", "грудня"]
        for expected in (f"Рахунок {invoice.display_number}", f"Замовлення № {discounted.number}", "К-сть",
                         f"Дата: {issued:%d} {months[issued.month - 1]} {issued:%Y} р.", "Разом",
                         "від 5 шт. цього товару", "замовлення від 40,00 EUR", "40,00 EUR"):
            assert expected in text, expected
        assert "Invoice" not in text and "Date:" not in text and "€" not in text
        message = delivered_mail()[0]
        assert message.subject.startswith(f"Рахунок {invoice.display_number}")
        assert f"від 5{NBSP}шт. цього товару" in message.body and "Разом: 40,00" in message.body

    def test_english_when_neither_chose(self, alpha, discounted, monkeypatch):
        monkeypatch.setattr(tasks.email_invoice, "delay", lambda invoice_id: None)
        text = pdf_text(bytes(self.confirm(alpha, discounted).pdf))
        assert "Invoice" in text and "5 or more of this item" in text and "€40.00" in text

    def test_the_setting_is_one_of_the_languages(self, alpha, alpha_client):
        from django.core.exceptions import ValidationError

        with tenant_context(alpha):
            with pytest.raises(ValidationError):
                update_module_settings("orders", {**ORDERS_MODULE.default_settings(), "invoice_language": "de"})
        sign_in(alpha_client, alpha, OWNER)
        page = alpha_client.get("/manage/modules/").content.decode()
        assert "Invoice language" in page and "Українська" in page

    def test_each_business_has_its_own_invoice_language(self, alpha, beta):
        from cabinet.portal.selectors import portal_state

        with tenant_context(alpha):
            update_module_settings("orders", {**ORDERS_MODULE.default_settings(), "invoice_language": "ru"})
        with tenant_context(beta):
            assert portal_state().setting("orders", "invoice_language") == "en"
        with tenant_context(alpha):
            assert portal_state().setting("orders", "invoice_language") == "ru"


def test_a_new_product_line_in_the_pdf_keeps_its_name(alpha, shop, monkeypatch):
    """The name printed is the one the order was placed with, in any language."""
    monkeypatch.setattr(tasks.email_invoice, "delay", lambda invoice_id: None)
    with tenant_context(alpha):
        item = make_product("Чай «Луг»", price="3.00", stock={shop["central"]: 3})
        order = services.place_order(user(alpha, CUSTOMER), services.lines_from_items([(item.pk, 1)]), DELIVERY)
        services.change_status(order, "confirmed", user(alpha, OWNER))
        text = pdf_text(bytes(Order.objects.get(pk=order.pk).invoice.pdf))
    assert "Чай «Луг»" in text
