"""The B2B ordering API: quote = cart price, idempotent order creation, stock conflicts, bad input, reading
orders and invoices, API keys, rate limit, isolation between customers and tenants, module switch, schema."""

import json
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cabinet.modules.apikeys import throttling
from cabinet.modules.apikeys.tests.conftest import bearer, make_key, switch_api
from cabinet.modules.catalog.models import Reservation
from cabinet.modules.orders import selectors, services
from cabinet.modules.orders.models import Cart, CartLine, DiscountRule, Invoice, Order
from cabinet.portal.services import set_module_enabled

from .conftest import make_product, make_user, sign_in, user

pytestmark = pytest.mark.django_db
CUSTOMER = "customer@alpha.test"
DELIVERY = {"recipient_name": "Warehouse desk", "phone": "+380501234567", "delivery_method": "delivery",
            "address": "Kyiv, Main street 1", "comment": "Gate 3"}
PDF = b"%PDF-1.4\n% invoice bytes for the test\n%%EOF\n"


@pytest.fixture
def api_key(alpha, beta):
    switch_api(alpha)
    switch_api(beta)
    _key, raw = make_key(alpha, user(alpha, CUSTOMER))
    return raw


def post(client, url, data, raw_key=None, **headers):
    auth = bearer(raw_key) if raw_key else {}
    return client.post(url, json.dumps(data), content_type="application/json", **auth, **headers)


def create(client, raw_key, data, key="order-1"):
    return post(client, "/api/v1/orders/", data, raw_key, HTTP_IDEMPOTENCY_KEY=key)


def one_line(product, quantity=1):
    return {"lines": [{"product": product.pk, "quantity": quantity}]}


def quantity_break(shop):
    rule = DiscountRule.objects.create(title="Five or more", kind="quantity_break", value=Decimal("10"),
                                       scope="products", min_quantity=5)
    rule.products.add(shop["tea"])
    return rule


def counts(tenant):
    with tenant_context(tenant):
        return Order.objects.count(), Reservation.objects.count()


# --- Quote ------------------------------------------------------------------------------------------------

def test_quote_is_the_cart_price_with_explanations_and_availability(alpha, alpha_client, shop, api_key):
    with tenant_context(alpha):
        quantity_break(shop)
        DiscountRule.objects.create(title="Big cart", kind="cart_threshold", value=Decimal("2"),
                                    value_type="fixed", currency="EUR", threshold=Decimal("40"))
        customer = user(alpha, CUSTOMER)
        services.add_to_cart(customer, shop["tea"].pk, 5)
        # More mugs than there are (2): the cart refuses them now, so the line is written as a cart that was
        # filled before the stock ran low.
        CartLine.objects.create(cart=services.get_cart(customer), product=shop["mug"], quantity=3)
        cart = services.price_for(customer)
        cart_price = cart.priced
        cart_level = [str(item) for item in selectors.cart_explanations(cart)]
    response = post(alpha_client, "/api/v1/orders/quote/",
                    {"lines": [{"product": shop["tea"].pk, "quantity": 5}, {"product": shop["mug"].pk, "quantity": 3}]},
                    api_key)
    assert response.status_code == 200, response.content
    quote = response.json()
    assert (quote["currency"], Decimal(quote["total"])) == ("EUR", cart_price.total)
    assert (quote["undiscounted"], quote["discount"], quote["total"]) == ("95.00", "7.00", "88.00")
    tea, mug = quote["lines"]
    assert (tea["unit_price"], tea["undiscounted"], tea["discount"], tea["total"]) == (
        "10.00", "50.00", "5.00", "45.00")
    assert "5 or more" in tea["explanations"][0] and mug["explanations"] == []
    assert quote["explanations"] == cart_level and len(cart_level) == 1
    assert (tea["available"], tea["in_stock"]) == (10, True)
    assert (mug["available"], mug["in_stock"]) == (2, False)  # availability is shown, nothing is reserved
    assert counts(alpha) == (0, 0)


@pytest.fixture
def more_products(alpha, shop):
    """Five products of one currency, three of them in the category "Extras"."""
    with tenant_context(alpha):
        from cabinet.modules.catalog.services import save_category

        extras = save_category(name="Extras")
        return [shop["tea"], shop["mug"], *(make_product(f"Extra {n}", price=price, category=extras)
                                            for n, price in enumerate(("0.99", "7.35", "120.00")))]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_property_quote_total_equals_the_cart_price(alpha, alpha_client, more_products, api_key, data):
    """Random carts of random products and quantities under random active rules: the API quote and the
    portal's cart price agree to the cent."""
    with tenant_context(alpha):
        customer = user(alpha, CUSTOMER)
        products = more_products
        DiscountRule.objects.all().delete()
        Cart.objects.filter(customer=customer).delete()
        for n, kind in enumerate(data.draw(st.lists(st.sampled_from(
                ["quantity_break", "cart_threshold", "first_order", "category_share"]), max_size=4))):
            value_type = data.draw(st.sampled_from(["percent", "fixed"]))
            value = data.draw(st.decimals(min_value=Decimal("0.5"), max_value=Decimal("60" if value_type ==
                                          "percent" else "30"), places=2))
            rule = DiscountRule.objects.create(
                title=f"Rule {n}", kind=kind, value=value, value_type=value_type,
                currency=data.draw(st.sampled_from(["EUR", "USD"])) if value_type == "fixed" else "",
                combine=data.draw(st.sampled_from(["best", "stack"])), priority=data.draw(st.integers(0, 3)),
                scope={"quantity_break": "products", "category_share": "categories"}.get(kind, "cart"),
                min_quantity=data.draw(st.integers(1, 6)) if kind == "quantity_break" else None,
                threshold=data.draw(st.decimals(min_value=Decimal("1"), max_value=Decimal("200"), places=2))
                if kind == "cart_threshold" else None)
            if kind == "category_share":
                rule.categories.add(more_products[-1].category)
            if kind == "quantity_break":
                rule.products.add(*data.draw(st.lists(st.sampled_from(products), min_size=1, max_size=3)))
        chosen = data.draw(st.lists(st.sampled_from(products), min_size=1, max_size=len(products), unique=True))
        cart = services.get_cart(customer)
        items = []
        for product in chosen:
            quantity = data.draw(st.integers(1, 999))
            CartLine.objects.create(cart=cart, product=product, quantity=quantity)
            items.append({"product": product.pk, "quantity": quantity})
        cart_price = services.price_for(customer).priced
    quote = post(alpha_client, "/api/v1/orders/quote/", {"lines": items}, api_key).json()
    assert Decimal(quote["total"]) == cart_price.total
    assert Decimal(quote["undiscounted"]) == cart_price.undiscounted
    assert [Decimal(line["total"]) for line in quote["lines"]] == [line.total for line in cart_price.lines]


# --- Create -----------------------------------------------------------------------------------------------

def test_create_places_an_api_order_and_a_retry_replays_it(alpha, alpha_client, shop, api_key):
    with tenant_context(alpha):
        quantity_break(shop)
    body = {**DELIVERY, **one_line(shop["tea"], 5)}
    first = create(alpha_client, api_key, body)
    assert first.status_code == 201, first.content
    placed = first.json()
    assert (placed["status"], placed["total"], placed["invoice"]) == ("new", "45.00", None)
    assert placed["lines"][0]["quantity"] == 5 and "5 or more" in placed["lines"][0]["explanations"][0]
    assert [step["status"] for step in placed["timeline"]] == ["new"]
    again = create(alpha_client, api_key, body)
    assert again.status_code == 201 and again.json()["id"] == placed["id"]
    assert again["Idempotent-Replayed"] == "true"
    changed = create(alpha_client, api_key, {**body, "comment": "Another"})
    assert changed.status_code == 422 and "different request" in changed.json()["detail"]
    with tenant_context(alpha):
        order = Order.objects.get()
        assert (order.placed_via, order.customer.email, order.recipient_name) == ("api", CUSTOMER, "Warehouse desk")
        assert Reservation.objects.filter(reference=order.reservation_reference).count() == 1


def test_create_needs_an_idempotency_key(alpha, alpha_client, shop, api_key):
    response = post(alpha_client, "/api/v1/orders/", {**DELIVERY, **one_line(shop["tea"])}, api_key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"] and response.json()["detail"]
    assert counts(alpha) == (0, 0)


def test_stock_short_is_409_per_line_and_reserves_nothing(alpha, alpha_client, shop, api_key):
    body = {**DELIVERY, "lines": [{"product": shop["tea"].pk, "quantity": 2}, {"product": shop["mug"].pk,
                                                                             "quantity": 3}]}
    response = create(alpha_client, api_key, body)
    assert response.status_code == 409, response.content
    short = response.json()
    assert short["detail"] and [line["product"] for line in short["unavailable"]] == [shop["mug"].pk]
    assert (short["unavailable"][0]["requested"], short["unavailable"][0]["available"]) == (3, 2)
    assert "Mug" in short["errors"]["lines"][0]
    assert counts(alpha) == (0, 0)
    # The key was freed: once the stock is there, the same request with the same key succeeds.
    with tenant_context(alpha):
        from cabinet.modules.catalog import services as catalog_services
        catalog_services.set_stock(shop["mug"], shop["central"], 5)
    assert create(alpha_client, api_key, body).status_code == 201


@pytest.mark.parametrize(("change", "field"), [
    ({"lines": []}, "lines"),
    ({"lines": [{"product": 999999, "quantity": 1}]}, "lines"),
    ({"lines": [{"product": "tea", "quantity": 0}]}, "lines"),
    ({"lines": [{"product": "tea", "quantity": 1000}]}, "lines"),
    ({"lines": [{"product": "tea", "quantity": "x"}]}, "lines"),
    ({"lines": [{"product": "tea", "quantity": 1}, {"product": "tea", "quantity": 2}]}, "lines"),
    ({"lines": [{"product": "tea", "quantity": 1}, {"product": "dollar", "quantity": 1}]}, "lines"),
    ({"lines": [{"product": 2**70, "quantity": 1}]}, "lines"),
    ({"lines": "tea"}, "lines"),
    ({"recipient_name": None}, "recipient_name"),
    ({"recipient_name": ""}, "recipient_name"),
    ({"phone": "x" * 40}, "phone"),
    ({"delivery_method": "teleport"}, "delivery_method"),
    ({"address": ""}, "address"),
    ({"delivery_method": "pickup"}, "pickup_warehouse"),
    ({"delivery_method": "pickup", "pickup_warehouse": "central"}, "pickup_warehouse"),
    ({"delivery_method": "pickup", "pickup_warehouse": 2**70}, "pickup_warehouse"),
    ({"comment": "nul\x00byte"}, "comment"),
])
def test_bad_input_is_400_with_field_errors_and_changes_nothing(alpha, alpha_client, shop, api_key, change, field):
    body = {**DELIVERY, **one_line(shop["tea"])}
    for name, value in change.items():
        if name == "lines" and isinstance(value, list):
            value = [{**line, "product": shop[line["product"]].pk if isinstance(line["product"], str)
                      else line["product"]} for line in value]
        elif name == "pickup_warehouse" and isinstance(value, str):
            value = shop[value].pk  # a warehouse that is not a pickup point
        if value is None:
            body.pop(name)
        else:
            body[name] = value
    response = create(alpha_client, api_key, body)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"] and response.json()["detail"]
    quote = post(alpha_client, "/api/v1/orders/quote/", {"lines": body["lines"]}, api_key)
    assert quote.status_code in (200, 400) and quote.status_code == (400 if field == "lines" else 200)
    assert counts(alpha) == (0, 0)


@pytest.mark.parametrize("raw", ["{not json", "[]", "null", '"text"'])
def test_bodies_that_are_not_an_object_are_400(alpha, alpha_client, shop, api_key, raw):
    for url, headers in (("/api/v1/orders/", {"HTTP_IDEMPOTENCY_KEY": "k"}), ("/api/v1/orders/quote/", {})):
        response = alpha_client.post(url, raw, content_type="application/json", **bearer(api_key), **headers)
        assert response.status_code == 400 and response.json()["detail"]
    assert counts(alpha) == (0, 0)


def test_pickup_order_through_the_api(alpha, alpha_client, shop, api_key):
    body = {**one_line(shop["mug"]), "recipient_name": "Ann", "phone": "+380501234567",
            "delivery_method": "pickup", "pickup_warehouse": shop["pickup"].pk}
    response = create(alpha_client, api_key, body)
    assert response.status_code == 201, response.content
    assert (response.json()["pickup_warehouse"], response.json()["address"]) == (shop["pickup"].pk, "")
    with tenant_context(alpha):
        assert Reservation.objects.get().warehouse == shop["pickup"]


# --- Reading orders and invoices --------------------------------------------------------------------------

def make_invoice(tenant, order_id, number, pdf=PDF):
    """The order's invoice: the one issued on confirmation, or one made here with some PDF bytes."""
    with tenant_context(tenant):
        order = Order.objects.get(pk=order_id)
        return Invoice.objects.filter(order=order).first() or Invoice.objects.create(
            order=order, number=number, currency=order.currency, total=order.total, pdf=pdf,
            due_on=timezone.localdate())


def test_list_detail_filter_and_invoices(alpha, alpha_client, shop, api_key):
    first = create(alpha_client, api_key, {**DELIVERY, **one_line(shop["tea"])}, key="a").json()
    second = create(alpha_client, api_key, {**DELIVERY, **one_line(shop["tea"], 2)}, key="b").json()
    with tenant_context(alpha):
        services.change_status(Order.objects.get(pk=first["id"]), Order.Status.CONFIRMED, user(alpha, CUSTOMER))
    invoice = make_invoice(alpha, first["id"], 7)
    listing = alpha_client.get("/api/v1/orders/", **bearer(api_key)).json()
    assert listing["count"] == 2 and [o["id"] for o in listing["results"]] == [second["id"], first["id"]]
    confirmed = alpha_client.get("/api/v1/orders/?status=confirmed", **bearer(api_key)).json()
    assert [o["id"] for o in confirmed["results"]] == [first["id"]]
    bad_filter = alpha_client.get("/api/v1/orders/?status=lost", **bearer(api_key))
    assert bad_filter.status_code == 400 and "status" in bad_filter.json()["errors"]
    detail = alpha_client.get(f"/api/v1/orders/{first['id']}/", **bearer(api_key)).json()
    assert [step["status"] for step in detail["timeline"]] == ["new", "confirmed"]
    pdf_url = f"http://alpha.localhost/api/v1/orders/invoices/{invoice.pk}/pdf/"
    assert detail["invoice"] == {
        "id": invoice.pk, "number": invoice.number, "display_number": invoice.display_number, "total": "10.00",
        "currency": "EUR", "order": first["id"], "pdf": pdf_url,
        "issued_at": detail["invoice"]["issued_at"]}
    invoices = alpha_client.get("/api/v1/orders/invoices/", **bearer(api_key)).json()
    assert [i["id"] for i in invoices["results"]] == [invoice.pk]
    assert alpha_client.get(f"/api/v1/orders/invoices/{invoice.pk}/", **bearer(api_key)).json()["pdf"] == pdf_url
    pdf = alpha_client.get(pdf_url, **bearer(api_key))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content == bytes(invoice.pdf) and pdf.content.startswith(b"%PDF")
    assert alpha_client.get(pdf_url, HTTP_ACCEPT="application/pdf", **bearer(api_key)).content == pdf.content


def test_session_signed_in_customer_uses_the_api_too(alpha, alpha_client, shop):
    sign_in(alpha_client, alpha, CUSTOMER)
    response = create(alpha_client, None, {**DELIVERY, **one_line(shop["tea"])}, key="web-1")
    assert response.status_code == 201
    assert create(alpha_client, None, {**DELIVERY, **one_line(shop["tea"])}, key="web-1").json()["id"] == \
        response.json()["id"]
    assert alpha_client.get("/api/v1/orders/").json()["count"] == 1


def test_anonymous_and_staff_are_refused(alpha, alpha_client, shop, api_key):
    assert Client(HTTP_HOST="alpha.localhost").get("/api/v1/orders/").status_code == 403
    sign_in(alpha_client, alpha, "owner@alpha.test")
    assert alpha_client.get("/api/v1/orders/").status_code == 403
    assert post(alpha_client, "/api/v1/orders/quote/", one_line(shop["tea"])).status_code == 403


# --- Keys, rate limit, isolation, module switch -----------------------------------------------------------

def test_rate_limit_applies_to_order_endpoints(alpha, alpha_client, shop, api_key, monkeypatch):
    monkeypatch.setattr(throttling.time, "time", lambda: 1_700_000_010.0)
    switch_api(alpha, requests_per_minute=2)
    assert alpha_client.get("/api/v1/orders/", **bearer(api_key)).status_code == 200
    assert post(alpha_client, "/api/v1/orders/quote/", one_line(shop["tea"]), api_key).status_code == 200
    limited = create(alpha_client, api_key, {**DELIVERY, **one_line(shop["tea"])})
    assert limited.status_code == 429 and limited["Retry-After"] == "30" and limited.json()["retry_after"] == 30
    assert counts(alpha) == (0, 0)


def test_customers_never_see_each_others_orders_or_invoices(alpha, alpha_client, shop, api_key):
    placed = create(alpha_client, api_key, {**DELIVERY, **one_line(shop["tea"])}).json()
    invoice = make_invoice(alpha, placed["id"], 1)
    _key, other_raw = make_key(alpha, make_user(alpha, "other@alpha.test"))
    other = Client(HTTP_HOST="alpha.localhost")
    assert other.get("/api/v1/orders/", **bearer(other_raw)).json()["count"] == 0
    assert other.get("/api/v1/orders/invoices/", **bearer(other_raw)).json()["count"] == 0
    for url in (f"/api/v1/orders/{placed['id']}/", f"/api/v1/orders/invoices/{invoice.pk}/",
                f"/api/v1/orders/invoices/{invoice.pk}/pdf/"):
        response = other.get(url, **bearer(other_raw))
        assert response.status_code == 404 and response.json()["detail"] and b"%PDF" not in response.content
        assert alpha_client.get(url, **bearer(api_key)).status_code == 200


def test_a_key_of_one_tenant_is_refused_on_another(alpha, beta, beta_client, shop, api_key):
    create(Client(HTTP_HOST="alpha.localhost"), api_key, {**DELIVERY, **one_line(shop["tea"])})
    for response in (beta_client.get("/api/v1/orders/", **bearer(api_key)),
                     post(beta_client, "/api/v1/orders/quote/", one_line(shop["tea"]), api_key),
                     create(beta_client, api_key, {**DELIVERY, **one_line(shop["tea"])}, key="x")):
        assert response.status_code == 401
    with tenant_context(beta):
        assert Order.objects.count() == 0


ROUTES = ["/api/v1/orders/", "/api/v1/orders/quote/", "/api/v1/orders/1/", "/api/v1/orders/invoices/",
          "/api/v1/orders/invoices/1/", "/api/v1/orders/invoices/1/pdf/"]


def test_orders_module_off_hides_every_route_and_the_schema(alpha, alpha_client, shop, api_key):
    schema = alpha_client.get("/api/v1/schema/?format=json").json()
    assert {"/api/v1/orders/", "/api/v1/orders/quote/", "/api/v1/orders/{id}/", "/api/v1/orders/invoices/",
            "/api/v1/orders/invoices/{id}/", "/api/v1/orders/invoices/{id}/pdf/"} <= set(schema["paths"])
    create_op = schema["paths"]["/api/v1/orders/"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["required"] for p in create_op["parameters"])
    assert {"201", "400", "409", "422"} <= set(create_op["responses"])
    with tenant_context(alpha):
        set_module_enabled("orders", False)
    for url in ROUTES:
        assert alpha_client.get(url, **bearer(api_key)).status_code == 404
        assert post(alpha_client, url, one_line(shop["tea"]), api_key, HTTP_IDEMPOTENCY_KEY="k").status_code == 404
    hidden = alpha_client.get("/api/v1/schema/?format=json").json()
    assert not [path for path in hidden["paths"] if path.startswith("/api/v1/orders/")]
    assert "/api/v1/catalog/products/" in hidden["paths"]
    assert counts(alpha) == (0, 0)
