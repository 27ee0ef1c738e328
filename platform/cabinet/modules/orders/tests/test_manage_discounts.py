"""Discount rules in the manage area: who may edit them, create/edit/switch/delete, and every rule the pricing
engine would refuse is refused by the form with nothing saved."""

from datetime import datetime, time
from decimal import Decimal
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from cabinet.accounts.models import CustomerGroup
from cabinet.modules.catalog.models import Category
from cabinet.modules.catalog.services import delete_product
from cabinet.modules.orders import services
from cabinet.modules.orders.models import DiscountRule
from cabinet.portal.services import set_module_enabled

from .conftest import make_product, make_user, sign_in

pytestmark = pytest.mark.django_db
OWNER = "owner@alpha.test"
LIST = "/manage/orders/discounts/"
NEW = LIST + "new/"
BASE = {"title": "Spring sale", "kind": "cart_threshold", "value": "5", "value_type": "percent", "scope": "cart",
        "combine": "best", "priority": "0", "active": "on", "currency": "EUR", "threshold": "50.00"}


def text_of(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def goods(alpha, shop):
    with tenant_context(alpha):
        tea = Category.objects.create(name="Tea", slug="tea")
        return {**shop, "category": tea}


@pytest.fixture
def owner_client(alpha, alpha_client):
    sign_in(alpha_client, alpha, OWNER)
    return alpha_client


class TestAccess:
    def test_only_owner_and_managers(self, alpha, alpha_client):
        with tenant_context(alpha):
            rule = DiscountRule.objects.create(title="Kept", kind="first_order", value=Decimal("5"))
        urls = (LIST, NEW, f"{LIST}{rule.pk}/", f"{LIST}{rule.pk}/delete/")
        for url in urls:
            response = alpha_client.get(url)
            assert response.status_code == 302 and "/login" in response["Location"]
        make_user(alpha, "operator@alpha.test", role="operator")
        for email in ("customer@alpha.test", "operator@alpha.test"):
            sign_in(alpha_client, alpha, email)
            for url in urls:
                assert alpha_client.get(url).status_code == 403
            assert alpha_client.post(f"{LIST}{rule.pk}/delete/").status_code == 403
            assert alpha_client.post(f"{LIST}{rule.pk}/active/", {"active": "0"}).status_code == 403
            assert alpha_client.post(NEW, BASE).status_code == 403
        with tenant_context(alpha):
            assert list(DiscountRule.objects.values_list("title", "active")) == [("Kept", True)]
        make_user(alpha, "manager@alpha.test", role="manager")
        sign_in(alpha_client, alpha, "manager@alpha.test")
        for url in urls:
            assert alpha_client.get(url).status_code == 200

    def test_module_off_answers_404(self, alpha, owner_client):
        with tenant_context(alpha):
            set_module_enabled("orders", False)
        assert owner_client.get(LIST).status_code == 404
        assert owner_client.post(NEW, BASE).status_code == 404
        with tenant_context(alpha):
            assert not DiscountRule.objects.exists()

    def test_tenant_isolation(self, alpha, beta, owner_client, beta_client):
        with tenant_context(beta):
            bravo_rule = DiscountRule.objects.create(title="Bravo wholesale", kind="first_order", value=Decimal("7"))
        assert "Bravo wholesale" not in text_of(owner_client.get(LIST))
        for url in (f"{LIST}{bravo_rule.pk}/", f"{LIST}{bravo_rule.pk}/delete/"):
            assert owner_client.get(url).status_code == 404
        assert owner_client.post(f"{LIST}{bravo_rule.pk}/delete/").status_code == 404
        assert owner_client.post(f"{LIST}{bravo_rule.pk}/active/", {"active": "0"}).status_code == 404
        assert owner_client.post(f"{LIST}{bravo_rule.pk}/", BASE).status_code == 404
        owner_client.post(NEW, BASE)
        with tenant_context(beta):
            assert list(DiscountRule.objects.values_list("title", "active")) == [("Bravo wholesale", True)]
        with tenant_context(alpha):
            assert list(DiscountRule.objects.values_list("title", flat=True)) == ["Spring sale"]
        sign_in(beta_client, beta, "owner@bravo.test")
        text = text_of(beta_client.get(LIST))
        assert "Bravo wholesale" in text and "Spring sale" not in text


class TestCrud:
    def test_create_with_products_edit_switch_and_delete(self, alpha, owner_client, goods):
        data = {**BASE, "title": "Five teas", "kind": "quantity_break", "value": "10", "scope": "products",
                "products": [goods["tea"].pk, goods["mug"].pk], "threshold": "", "currency": "",
                "min_quantity": "5"}
        response = owner_client.post(NEW, data, follow=True)
        assert response.redirect_chain[-1][0] == LIST
        with tenant_context(alpha):
            rule = DiscountRule.objects.get()
            assert (rule.kind, rule.value, rule.min_quantity, rule.threshold, rule.currency) == (
                "quantity_break", Decimal("10.00"), 5, None, "")
            assert set(rule.products.values_list("pk", flat=True)) == {goods["tea"].pk, goods["mug"].pk}
            assert services.active_rules()[0].product_ids == frozenset({goods["tea"].pk, goods["mug"].pk})
        text = text_of(response)
        assert "−10 %: 5 or more of this item" in text and "Products: Mug, Sencha" in text

        url = f"{LIST}{rule.pk}/"
        assert "Five teas" in text_of(owner_client.get(url))
        edited = {**data, "title": "Tea categories", "scope": "categories", "products": [],
                  "categories": [goods["category"].pk], "min_quantity": "3"}
        assert owner_client.post(url, edited).status_code == 302
        with tenant_context(alpha):
            rule.refresh_from_db()
            assert rule.title == "Tea categories" and rule.min_quantity == 3 and not rule.products.exists()
            assert list(rule.categories.all()) == [goods["category"]]

        owner_client.post(f"{url}active/", {"active": "0"})
        with tenant_context(alpha):
            assert not DiscountRule.objects.get().active and services.active_rules() == []
        assert "Switch on" in text_of(owner_client.get(LIST))
        owner_client.post(f"{url}active/", {"active": "1"})
        with tenant_context(alpha):
            assert DiscountRule.objects.get().active

        confirm = owner_client.get(f"{url}delete/")
        assert "Delete “Tea categories”?" in text_of(confirm)
        with tenant_context(alpha):
            assert DiscountRule.objects.exists()  # a GET only asks
        assert owner_client.post(f"{url}delete/").status_code == 302
        with tenant_context(alpha):
            assert not DiscountRule.objects.exists()

    def test_time_window_dates_are_read_in_the_rules_time_zone(self, alpha, owner_client):
        data = {**BASE, "kind": "time_window", "currency": "", "threshold": "", "time_zone": "Europe/Kyiv",
                "starts_at": "2030-03-01T09:00", "ends_at": "2030-03-31T18:00", "weekdays": ["4", "5"],
                "daily_start": "22:00", "daily_end": "02:00"}
        assert owner_client.post(NEW, data).status_code == 302
        with tenant_context(alpha):
            rule = DiscountRule.objects.get()
            kyiv = ZoneInfo("Europe/Kyiv")
            assert rule.starts_at == datetime(2030, 3, 1, 9, 0, tzinfo=kyiv)
            assert rule.ends_at == datetime(2030, 3, 31, 18, 0, tzinfo=kyiv)
            assert rule.weekdays == [4, 5] and (rule.daily_start, rule.daily_end) == (time(22), time(2))
        form = owner_client.get(f"{LIST}{rule.pk}/").context["form"]
        assert 'value="2030-03-01T09:00"' in str(form["starts_at"])
        assert "limited time: Spring sale" in text_of(owner_client.get(LIST))

    def test_a_rule_the_engine_can_no_longer_read_is_flagged_and_stays_off(self, alpha, owner_client, goods):
        with tenant_context(alpha):
            lonely = make_product("Lonely", price="2.00")
            rule = DiscountRule.objects.create(title="Only lonely", kind="quantity_break", value=Decimal("5"),
                                               scope="products", min_quantity=2, active=False)
            rule.products.add(lonely)
            delete_product(lonely)
        assert "Skipped at checkout: Choose at least one product." in text_of(owner_client.get(LIST))
        response = owner_client.post(f"{LIST}{rule.pk}/active/", {"active": "1"}, follow=True)
        assert "Edit the rule first: Choose at least one product." in text_of(response)
        with tenant_context(alpha):
            assert not DiscountRule.objects.get().active


# Each change to the valid BASE rule that the engine refuses, and the field the error must stand beside.
INVALID = [
    ({"title": "  "}, "title", None),
    ({"kind": "bogus"}, "kind", None),
    ({"value": "0"}, "value", "A percentage must be above 0 and at most 100."),
    ({"value": "100.01"}, "value", "A percentage must be above 0 and at most 100."),
    ({"value": "-5"}, "value", "A percentage must be above 0 and at most 100."),
    ({"value": "abc"}, "value", None),
    ({"value": "1.005"}, "value", None),
    ({"value_type": "fixed", "value": "0"}, "value", "A fixed amount must be above 0."),
    ({"value_type": "fixed", "currency": ""}, "currency", "Choose the currency of the amount."),
    ({"kind": "quantity_break", "scope": "products", "threshold": "", "min_quantity": "5", "value_type": "fixed"},
     "value_type", "This kind of discount takes a percentage."),
    ({"scope": "products"}, "scope", "This kind of discount cannot apply to this scope."),
    ({"kind": "quantity_break", "scope": "products", "threshold": "", "min_quantity": "5"},
     "products", "Choose at least one product."),
    ({"kind": "category_share", "scope": "categories", "threshold": ""},
     "categories", "Choose at least one category."),
    ({"kind": "first_order", "threshold": "", "products": "PRODUCT"},
     "products", "Products are chosen only for a rule on products."),
    ({"kind": "first_order", "threshold": "", "categories": "CATEGORY"},
     "categories", "Categories are chosen only for a rule on categories."),
    ({"kind": "quantity_break", "scope": "products", "products": "PRODUCT", "threshold": ""},
     "min_quantity", "Enter the number of items from which the discount applies (1 or more)."),
    ({"kind": "quantity_break", "scope": "products", "products": "PRODUCT", "threshold": "", "min_quantity": "0"},
     "min_quantity", "Enter the number of items from which the discount applies (1 or more)."),
    ({"min_quantity": "3"}, "min_quantity", "Only a quantity break has a minimum quantity."),
    ({"threshold": ""}, "threshold", "Enter the order sum from which the discount applies (above 0)."),
    ({"threshold": "0"}, "threshold", "Enter the order sum from which the discount applies (above 0)."),
    ({"kind": "first_order"}, "threshold", "Only a cart total discount has a threshold."),
    ({"kind": "customer_group", "threshold": ""}, "customer_group", "Enter the customer group."),
    ({"kind": "customer_group", "threshold": "", "customer_group": "   "}, "customer_group", None),
    ({"kind": "customer_group", "threshold": "", "customer_group": "no-such-group"}, "customer_group", None),
    ({"customer_group": "GROUP"}, "customer_group", "Only a customer group discount has a group."),
    ({"starts_at": "2030-01-01T10:00"}, "starts_at", "Only a time window discount has dates, weekdays and hours."),
    ({"weekdays": ["1"]}, "starts_at", "Only a time window discount has dates, weekdays and hours."),
    ({"kind": "time_window", "threshold": ""}, "starts_at",
     "Give the time window a start, an end, weekdays or daily hours."),
    ({"kind": "time_window", "threshold": "", "starts_at": "2030-01-02T10:00", "ends_at": "2030-01-01T10:00"},
     "ends_at", "The end must be after the start."),
    ({"kind": "time_window", "threshold": "", "daily_start": "10:00"}, "daily_end",
     "Give both the start and the end of the daily hours, or neither."),
    ({"kind": "time_window", "threshold": "", "daily_start": "10:00", "daily_end": "10:00"}, "daily_end",
     "The daily hours must not start and end at the same time."),
    ({"kind": "time_window", "threshold": "", "weekdays": ["7"]}, "weekdays", None),
    ({"kind": "time_window", "threshold": "", "weekdays": ["1"], "time_zone": "Mars/Olympus"}, "time_zone", None),
    ({"kind": "time_window", "threshold": "", "weekdays": ["1"], "time_zone": "../../etc/passwd"}, "time_zone",
     None),
    ({"combine": "sometimes"}, "combine", None),
    ({"currency": "XYZ"}, "currency", None),
    ({"scope": "galaxy"}, "scope", None),
    ({"priority": "first"}, "priority", None),
    ({"products": ["999999"], "kind": "quantity_break", "scope": "products", "threshold": "", "min_quantity": "2"},
     "products", None),
]


@pytest.mark.parametrize("change, field, message", INVALID)
def test_every_rule_the_engine_refuses_is_refused_with_nothing_saved(alpha, owner_client, goods, change, field,
                                                                     message):
    data = {**BASE, **change}
    for name, value in list(data.items()):
        if value == "PRODUCT":
            data[name] = [goods["tea"].pk]
        elif value == "CATEGORY":
            data[name] = [goods["category"].pk]
        elif value == "GROUP":
            with tenant_context(alpha):
                data[name] = CustomerGroup.objects.create(name="VIP", key="vip").key
    response = owner_client.post(NEW, data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    if message:
        assert message in errors[field]
        assert message in text_of(response)
    with tenant_context(alpha):
        assert not DiscountRule.objects.exists()


def test_a_customer_group_rule_picks_one_of_the_business_groups(alpha, owner_client):
    with tenant_context(alpha):
        CustomerGroup.objects.create(name="Partners", key="group-partners")
    form_page = text_of(owner_client.get(NEW))
    assert "Partners" in form_page
    response = owner_client.post(NEW, {**BASE, "title": "Partner price", "kind": "customer_group", "threshold": "",
                                       "customer_group": "group-partners"})
    assert response.status_code == 302
    with tenant_context(alpha):
        rule = DiscountRule.objects.get()
        assert (rule.kind, rule.customer_group) == ("customer_group", "group-partners")
        CustomerGroup.objects.all().delete()
    # A rule whose group was deleted still opens, naming what happened.
    assert "(a deleted group)" in text_of(owner_client.get(f"{LIST}{rule.pk}/"))


def test_editing_into_an_invalid_rule_keeps_the_saved_one(alpha, owner_client, goods):
    with tenant_context(alpha):
        rule = DiscountRule.objects.create(title="Big cart", kind="cart_threshold", value=Decimal("5"),
                                           currency="EUR", threshold=Decimal("50"))
    response = owner_client.post(f"{LIST}{rule.pk}/", {**BASE, "title": "Changed", "threshold": "-1"})
    assert response.status_code == 400 and "threshold" in response.context["form"].errors
    assert "Big cart" in text_of(response)
    with tenant_context(alpha):
        rule.refresh_from_db()
        assert (rule.title, rule.threshold) == ("Big cart", Decimal("50.00"))


def test_the_service_refuses_what_the_form_would(alpha, goods):
    with tenant_context(alpha):
        rule = DiscountRule(title="Sneaky", kind="quantity_break", value=Decimal("10"), scope="products")
        with pytest.raises(ValidationError) as caught:
            services.save_discount_rule(rule, products=[])
        assert set(caught.value.message_dict) == {"products", "min_quantity"}
        assert not DiscountRule.objects.exists()
        rule.min_quantity = 2
        services.save_discount_rule(rule, products=[goods["tea"]])
        assert list(DiscountRule.objects.get().products.all()) == [goods["tea"]]
