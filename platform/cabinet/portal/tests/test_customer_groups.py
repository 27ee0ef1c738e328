"""Customer groups in the manage area: create, rename, members by e-mail/phone/number, delete; bad input
changes nothing; groups of one tenant are invisible on another; a group discount reaches its members only."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import tenant_context

from cabinet.accounts.models import AccountNumber, CustomerGroup
from cabinet.accounts.selectors import customer_group_keys

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna(alpha):
    with tenant_context(alpha):
        person = get_user_model().objects.create_user("anna@example.com", "x-Pass-12345", full_name="Anna Petrova",
                                                      phone="+380501234567")
        AccountNumber.objects.create(user=person, number="C-77")
        return person


def groups(tenant):
    with tenant_context(tenant):
        return {g.name: sorted(g.members.values_list("email", flat=True)) for g in CustomerGroup.objects.all()}


def make_group(tenant, name="Partners"):
    with tenant_context(tenant):
        return CustomerGroup.objects.create(name=name, key=f"key-{name.lower()}")


def test_create_then_add_members_by_email_phone_or_number(owner_client, alpha, anna):
    response = owner_client.post("/manage/customers/groups/", {"name": "  Partners  "})
    assert response.status_code == 302
    with tenant_context(alpha):
        group = CustomerGroup.objects.get()
    assert group.name == "Partners" and response.url == f"/manage/customers/groups/{group.pk}/"
    for identifier in ("ANNA@example.com", "+380 (50) 123-45-67", "c-77"):
        with tenant_context(alpha):
            group.members.clear()
        assert owner_client.post(response.url, {"action": "add", "customer": identifier}).status_code == 302
        assert groups(alpha) == {"Partners": ["anna@example.com"]}
    page = owner_client.get(response.url).content.decode()
    assert "Anna Petrova" in page and "1 member" in page
    listing = owner_client.get("/manage/customers/groups/").content.decode()
    assert "Partners" in listing


@pytest.mark.parametrize(("data", "message"), [
    ({"name": ""}, "This field is required."),
    ({"name": "x" * 61}, "at most 60 characters"),
    ({"name": "partners"}, "Another group already has this name."),
])
def test_bad_group_names_are_refused(owner_client, alpha, data, message):
    make_group(alpha)
    response = owner_client.post("/manage/customers/groups/", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert list(groups(alpha)) == ["Partners"]


@pytest.mark.parametrize(("data", "message"), [
    ({"action": "add", "customer": "nobody@example.com"}, "No customer has this e-mail, phone or number."),
    ({"action": "add", "customer": "owner@alpha.test"}, "No customer has this e-mail, phone or number."),
    ({"action": "add", "customer": ""}, "This field is required."),
    ({"action": "rename", "name": "VIP"}, "Another group already has this name."),
    ({"action": "unknown"}, ""),
])
def test_bad_member_and_rename_input_changes_nothing(owner_client, alpha, anna, data, message):
    group = make_group(alpha)
    make_group(alpha, "VIP")
    response = owner_client.post(f"/manage/customers/groups/{group.pk}/", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert groups(alpha) == {"Partners": [], "VIP": []}


def test_adding_twice_removing_renaming_and_deleting(owner_client, alpha, anna):
    group = make_group(alpha)
    url = f"/manage/customers/groups/{group.pk}/"
    owner_client.post(url, {"action": "add", "customer": "anna@example.com"})
    again = owner_client.post(url, {"action": "add", "customer": "anna@example.com"})
    assert again.status_code == 400 and "already in this group" in again.content.decode()
    assert owner_client.post(url, {"action": "rename", "name": "Key partners"}).status_code == 302
    with tenant_context(alpha):
        group.refresh_from_db()
        assert group.key == "key-partners"  # renaming keeps the key that rules refer to
    owner_client.post(url, {"action": "remove", "member": anna.pk})
    assert groups(alpha) == {"Key partners": []}
    gone = owner_client.post(url, {"action": "remove", "member": "x"}, follow=True)
    assert "not in the group" in gone.content.decode()
    unconfirmed = owner_client.post(url, {"action": "delete"}, follow=True)
    assert "Tick the box" in unconfirmed.content.decode() and groups(alpha) == {"Key partners": []}
    assert owner_client.post(url, {"action": "delete", "confirm": "on"}).status_code == 302
    assert groups(alpha) == {}


def test_only_owner_and_manager_and_only_their_tenant(owner_client, bravo_owner_client, role_client, alpha):
    group = make_group(alpha, "Golden circle")
    assert role_client("manager").get("/manage/customers/groups/").status_code == 200
    assert role_client("operator").get("/manage/customers/groups/").status_code == 403
    assert bravo_owner_client.get(f"/manage/customers/groups/{group.pk}/").status_code == 404
    assert "Golden circle" in owner_client.get("/manage/customers/groups/").content.decode()
    assert "Golden circle" not in bravo_owner_client.get("/manage/customers/groups/").content.decode()


def test_a_group_discount_reaches_members_only(alpha, anna):
    from cabinet.modules.catalog.tests.conftest import make_product, make_warehouse
    from cabinet.modules.orders import services as order_services
    from cabinet.modules.orders.models import DiscountRule

    group = make_group(alpha)
    with tenant_context(alpha):
        tea = make_product("Sencha", price="10.00", stock={make_warehouse("Central"): 10})
        DiscountRule.objects.create(title="Partners", kind=DiscountRule.Kind.CUSTOMER_GROUP, value=Decimal("20"),
                                    customer_group=group.key)
        other = get_user_model().objects.get(email="customer@alpha.test")
        lines = order_services.lines_from_items([(tea.pk, 2)])
        assert order_services.price_lines(anna, lines).priced.total == Decimal("20.00")
        group.members.add(anna)
        assert customer_group_keys(anna) == {"key-partners"}
        assert order_services.price_lines(anna, lines).priced.total == Decimal("16.00")
        assert order_services.price_lines(other, lines).priced.total == Decimal("20.00")
