"""Phones per the business's country (libphonenumber): typed the national way or with a country code,
kept in E.164, shown national at home and international otherwise, on every page that shows one; numbers
stored before keep working; the data migrations that carry old data over."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django_tenants.utils import tenant_context

from cabinet.accounts.models import DeliveryAddress, SignInAttempt
from cabinet.portal.models import Branding
from cabinet.portal.selectors import forget_portal_state

from .conftest import CUSTOMER_PASSWORD, client_for, make_customer, signed_in

REGISTER = {"full_name": "Olena", "email": "", "password1": "Quiet-Meadow-77", "password2": "Quiet-Meadow-77"}


def _set_country(tenant, country):
    with tenant_context(tenant):
        Branding.objects.filter(pk=1).update(country=country)
        forget_portal_state()


def _user(tenant, **lookup):
    with tenant_context(tenant):
        return get_user_model().objects.get(**lookup)


def test_a_russian_business_reads_national_numbers_and_shows_them_so(alpha):
    client = client_for("alpha.localhost")
    assert "8 (912) 345-67-89" in client.get("/register/").content.decode()  # the hint's example
    assert client.post("/register/", {**REGISTER, "phone": "8 (912) 345-67-89"}).status_code == 302
    user = _user(alpha, phone="+79123456789")
    page = client.get("/me/").content.decode()
    assert 'value="8 (912) 345-67-89"' in page and "8 (912) 345-67-89</dd>" in page
    client.post("/logout/")
    for spelling in ("+7 912 345-67-89", "89123456789", "912 345 67 89", "+7 8 912 345 67 89"):
        assert client.post("/login/", {"username": spelling, "password": "Quiet-Meadow-77"}).status_code == 302, spelling
        assert client.session["_auth_user_id"] == str(user.pk)
        client.post("/logout/")


def test_a_ukrainian_business_reads_its_own_national_numbers(alpha):
    _set_country(alpha, "UA")
    client = client_for("alpha.localhost")
    assert client.post("/register/", {**REGISTER, "phone": "050 123 45 67"}).status_code == 302
    assert _user(alpha, phone="+380501234567")
    assert 'value="050 123 4567"' in client.get("/me/").content.decode()
    # a Russian national number means nothing here
    refused = client_for("alpha.localhost").post("/register/", {**REGISTER, "phone": "8 912 345 67 89"})
    assert "Enter a valid phone number" in refused.context["form"].errors["phone"][0]


def test_the_manage_area_shows_numbers_in_the_business_format(alpha):
    make_customer(alpha, phone="+79123456789", full_name="Ivan")
    make_customer(alpha, phone="+380501234567", full_name="Oksana")
    from cabinet.portal.tests.conftest import signed_in as staff_signed_in

    owner = staff_signed_in(alpha, "alpha.localhost", "owner@alpha.test")
    page = owner.get("/manage/customers/").content.decode()
    assert "8 (912) 345-67-89" in page and "+380 50 123 4567" in page
    _set_country(alpha, "UA")
    page = owner.get("/manage/customers/").content.decode()
    assert "+7 912 345-67-89" in page and "050 123 4567" in page


def test_delivery_address_phones_are_kept_in_e164_and_shown_national(alpha):
    user = make_customer(alpha, email="courier@alpha.test")
    client = signed_in(alpha, "alpha.localhost", user)
    client.post("/me/addresses/new/", {"line1": "Tverskaya 1", "city": "Moscow", "phone": "8 912 000-11-22"})
    with tenant_context(alpha):
        assert DeliveryAddress.objects.get(user=user).phone == "+79120001122"
    assert "8 (912) 000-11-22" in client.get("/me/").content.decode()


def test_the_business_chooses_its_country_on_the_branding_page(alpha):
    from cabinet.portal.tests.conftest import signed_in as staff_signed_in

    owner = staff_signed_in(alpha, "alpha.localhost", "owner@alpha.test")
    page = owner.get("/manage/branding/").content.decode()
    assert 'name="country"' in page and "Platform default (Russia)" in page
    form = {"portal_name": "Alpha", "primary_color": "#1f5eff", "accent_color": "#b34700"}
    assert owner.post("/manage/branding/", {**form, "country": "XX"}).status_code == 400
    with tenant_context(alpha):
        assert Branding.objects.get(pk=1).country == ""
    assert owner.post("/manage/branding/", {**form, "country": "UA"}).status_code == 302
    with tenant_context(alpha):
        assert Branding.objects.get(pk=1).country == "UA"
    assert "Україна" in owner.get("/manage/branding/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()


def test_an_old_number_libphonenumber_does_not_know_still_signs_in_and_is_asked_to_be_fixed(alpha):
    user = make_customer(alpha, phone="+12345678")  # passed the old "+ and 8–15 digits" rule
    client = client_for("alpha.localhost")
    assert client.post("/login/", {"username": "+1 234 5678", "password": CUSTOMER_PASSWORD}).status_code == 302
    page = client.get("/me/").content.decode()
    assert 'value="+12345678"' in page
    response = client.post("/me/", {"full_name": "Fixed", "phone": "+12345678"})
    assert "Enter a valid phone number" in response.context["form"].errors["phone"][0]
    assert _user(alpha, pk=user.pk).full_name == "Test Person"


# --- the data migrations -----------------------------------------------------------------------------

def _migration(name):
    return importlib.import_module(f"cabinet.accounts.migrations.{name}")


def test_stored_numbers_are_normalised_unless_that_would_take_someone_elses(alpha):
    User = get_user_model()
    with tenant_context(alpha):
        trunk = User.objects.create(phone="+789123456789", full_name="Trunk prefix")
        fine = User.objects.create(phone="+380501234567", full_name="Already fine")
        unknown = User.objects.create(phone="+12345678", full_name="Unknown number")
        holder = User.objects.create(phone="+442079460000", full_name="Holder")
        clash = User.objects.create(phone="+4402079460000", full_name="Would clash")
        nobody = User.objects.create(email="nophone@alpha.test", full_name="No phone")
        address = DeliveryAddress.objects.create(user=fine, line1="1 St", city="Kyiv", phone="+3800671112233")
        _migration("0007_phones_in_e164").normalise_phones(apps, None)
        phones = dict(User.objects.filter(pk__in=[u.pk for u in (trunk, fine, unknown, holder, clash, nobody)])
                      .values_list("full_name", "phone"))
        address.refresh_from_db()
    assert phones == {"Trunk prefix": "+79123456789", "Already fine": "+380501234567", "Unknown number": "+12345678",
                      "Holder": "+442079460000", "Would clash": "+4402079460000", "No phone": None}
    assert address.phone == "+380671112233"


def test_sign_in_history_is_carried_over_from_axes_and_its_tables_leave_the_schema(alpha, alpha_customer):
    with tenant_context(alpha), connection.cursor() as cursor:
        cursor.execute("""CREATE TABLE axes_accesslog (id serial PRIMARY KEY, user_agent varchar(255),
                          ip_address inet, username varchar(255), attempt_time timestamptz NOT NULL)""")
        cursor.execute("CREATE TABLE axes_accessattempt (id serial PRIMARY KEY)")
        cursor.execute("""INSERT INTO axes_accesslog (user_agent, ip_address, username, attempt_time) VALUES
                          ('Firefox', '192.0.2.1', 'customer@alpha.test', now() - interval '2 days'),
                          ('Old', '192.0.2.2', 'customer@alpha.test', now() - interval '200 days'),
                          ('Ghost', '192.0.2.3', 'gone@alpha.test', now() - interval '1 day')""")
        cursor.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('axes', '0001_initial', now())")

        class Editor:
            pass

        editor = Editor()
        editor.connection = connection
        _migration("0006_sign_in_history_from_axes").carry_over_and_drop_axes(apps, editor)
        carried = list(SignInAttempt.objects.filter(user=alpha_customer).values_list("ip_address", "succeeded"))
        cursor.execute("SELECT to_regclass('axes_accesslog'), to_regclass('axes_accessattempt')")
        tables = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM django_migrations WHERE app = 'axes'")
        records = cursor.fetchone()[0]
    assert carried == [("192.0.2.1", True)]  # the recent one of a known account
    assert tables == (None, None) and records == 0


@pytest.mark.parametrize("name", ["0006_sign_in_history_from_axes", "0007_phones_in_e164"])
def test_the_data_migrations_run_twice_without_harm(alpha, name):
    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    with tenant_context(alpha):
        module = _migration(name)
        operation = module.Migration.operations[0]
        operation.code(apps, editor)
        operation.code(apps, editor)
