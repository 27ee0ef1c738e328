import csv
import io
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django_tenants.utils import tenant_context

from cabinet.modules.catalog import selectors, services
from cabinet.modules.catalog.cards import dashboard_card
from cabinet.modules.catalog.models import (
    Category,
    Favourite,
    Product,
    ProductImage,
    Reservation,
    StockLevel,
    Warehouse,
)
from cabinet.portal.services import set_module_enabled

from .conftest import make_product, make_user, make_warehouse, png_bytes, png_upload, sign_in, user

pytestmark = pytest.mark.django_db
CUSTOMER = "customer@alpha.test"
OWNER = "owner@alpha.test"


@pytest.fixture(autouse=True)
def catalog_on(alpha, beta):
    for tenant in (alpha, beta):
        with tenant_context(tenant):
            set_module_enabled("catalog", True)
    yield
    for tenant in (alpha, beta):  # uploaded photos go to the real tenant media folders
        with tenant_context(tenant):
            for picture in ProductImage.objects.all():
                picture.image.delete(save=False)


@pytest.fixture
def shop(alpha):
    """Two warehouses, two categories and three products in alpha."""
    with tenant_context(alpha):
        central = make_warehouse("Central warehouse")
        pickup = make_warehouse("Podil pickup", address="Kyiv, Khoroshavina 1", is_pickup_point=True)
        drinks = services.save_category(name="Drinks")
        tea = services.save_category(name="Tea", parent=drinks)
        sencha = make_product("Sencha", price="1234.50", sku="TEA-1", category=tea, description="Japanese green tea",
                              attributes={"Weight": "100 g", "Origin": "Shizuoka"}, stock={central: 3, pickup: 2})
        cola = make_product("Cola", price="2.00", sku="COLA", category=drinks, stock={central: 0})
        mug = make_product("Mug", price="15.00", sku="MUG-1")
        return {"central": central, "pickup": pickup, "drinks": drinks, "tea": tea, "sencha": sencha, "cola": cola,
                "mug": mug}


def names(response):
    return [p.name for p in response.context["page"].object_list]


class TestBrowsing:
    def test_anyone_browses_with_prices_and_availability(self, alpha_client, shop):
        response = alpha_client.get("/catalog/")
        assert response.status_code == 200
        assert names(response) == ["Cola", "Mug", "Sencha"]
        page = response.content.decode()
        assert "€1,234.50" in page and "Out of stock" in page and "5 available" in page

    @pytest.mark.parametrize("query, expected", [
        ("q=green", ["Sencha"]), ("q=mug-1", ["Mug"]), ("category=drinks", ["Cola", "Sencha"]),
        ("category=tea", ["Sencha"]), ("price_min=2&price_max=20", ["Cola", "Mug"]), ("in_stock=on", ["Sencha"]),
        ("price_min=20&price_max=2", ["Cola", "Mug"]),
    ])
    def test_filters(self, alpha_client, shop, query, expected):
        assert names(alpha_client.get(f"/catalog/?{query}")) == expected

    @pytest.mark.parametrize("query", ["price_min=abc", "price_max=-5", "price_min=1e999", "category=nope",
                                       "category=%3Cb%3E", "page=abc", "page=999", "q=" + "x" * 300,
                                       "price_min=1%2C5%2C5"])
    def test_bad_filters_are_ignored_with_a_message(self, alpha_client, shop, query):
        response = alpha_client.get(f"/catalog/?{query}")
        assert response.status_code == 200
        if not query.startswith("page="):
            assert response.context["notices"], query

    def test_product_page_shows_places_attributes_and_the_price(self, alpha_client, shop):
        response = alpha_client.get("/catalog/p/sencha/")
        page = response.content.decode()
        assert response.status_code == 200
        assert "3 available at Central warehouse" in page and "2 available at Podil pickup" in page
        assert "Shizuoka" in page and "€1,234.50" in page
        assert "Sign in to save to favourites" in page
        fragment = alpha_client.get("/catalog/p/sencha/availability/").content.decode()
        assert "5 available" in fragment

    def test_live_availability_follows_reservations(self, alpha, alpha_client, shop):
        with tenant_context(alpha):
            services.reserve([(shop["sencha"].pk, 3)], "order:1")
        fragment = alpha_client.get("/catalog/p/sencha/availability/").content.decode()
        assert "None left at Central warehouse" in fragment and "2 available at Podil pickup" in fragment

    def test_product_off_sale_or_unknown_is_404(self, alpha, alpha_client, shop):
        with tenant_context(alpha):
            Product.objects.filter(pk=shop["mug"].pk).update(is_active=False)
        assert alpha_client.get("/catalog/p/mug-1/").status_code == 404
        assert alpha_client.get("/catalog/p/mug/").status_code == 404
        assert alpha_client.get("/catalog/p/no-such/").status_code == 404
        assert "Mug" not in names(alpha_client.get("/catalog/"))

    def test_russian_price_format(self, alpha, alpha_client, shop):
        response = alpha_client.get("/catalog/p/sencha/", HTTP_ACCEPT_LANGUAGE="ru")
        assert "1\u00a0234,50\u00a0€" in response.content.decode() or "1 234,50" in response.content.decode()


class TestFavourites:
    def test_heart_needs_a_sign_in_and_a_post(self, alpha, alpha_client, shop):
        response = alpha_client.post("/catalog/p/sencha/favourite/")
        assert response.status_code == 302 and "/login" in response["Location"]
        sign_in(alpha_client, alpha, CUSTOMER)
        assert alpha_client.get("/catalog/p/sencha/favourite/").status_code == 405
        with tenant_context(alpha):
            assert Favourite.objects.count() == 0

    def test_customer_keeps_favourites_htmx_friendly(self, alpha, alpha_client, shop):
        sign_in(alpha_client, alpha, CUSTOMER)
        response = alpha_client.post("/catalog/p/sencha/favourite/", HTTP_HX_REQUEST="true")
        assert response.status_code == 200 and 'aria-pressed="true"' in response.content.decode()
        plain = alpha_client.post("/catalog/p/mug/favourite/", {"next": "https://evil.example/"})
        assert plain["Location"] == "/catalog/p/mug/"
        assert names(alpha_client.get("/catalog/favourites/")) == ["Mug", "Sencha"]
        alpha_client.post("/catalog/p/mug/favourite/", {"next": "/catalog/?q=mug"})
        assert names(alpha_client.get("/catalog/favourites/")) == ["Sencha"]

    def test_one_customer_never_sees_anothers_favourites(self, alpha, alpha_client, shop):
        other = make_user(alpha, "other@alpha.test")
        with tenant_context(alpha):
            services.toggle_favourite(other, shop["mug"])
        sign_in(alpha_client, alpha, CUSTOMER)
        assert names(alpha_client.get("/catalog/favourites/")) == []
        assert 'aria-pressed="false"' in alpha_client.get("/catalog/p/mug/").content.decode()

    def test_dashboard_card_counts_favourites_in_one_query(self, alpha, shop, django_assert_num_queries):
        with tenant_context(alpha):
            customer = user(alpha, CUSTOMER)
            request = RequestFactory().get("/")
            request.user = customer
            Product.objects.exists()  # the schema's search_path is set on the first query; not the card's cost
            with django_assert_num_queries(1):
                card = dashboard_card(request)
            assert (card.title, card.value) == ("Catalog", "3")
            services.toggle_favourite(customer, shop["mug"])
            with django_assert_num_queries(1):
                card = dashboard_card(request)
            assert (card.title, card.value, card.url) == ("Favourites", "1", "/catalog/favourites/")


class TestImages:
    def test_owner_uploads_photos_customers_see_them_from_this_tenant_only(self, alpha, alpha_client, beta_client, shop):
        sign_in(alpha_client, alpha, OWNER)
        response = alpha_client.post(f"/manage/catalog/products/{shop['sencha'].pk}/images/",
                                     {"image": png_upload(), "alt_text": "A pack of tea"})
        assert response.status_code == 302
        with tenant_context(alpha):
            picture = ProductImage.objects.get()
            assert picture.image.name.startswith("catalog/") and picture.image.name.endswith("/photo.png")
            assert "tenants/t_alpha/catalog/" in picture.image.path
        alpha_client.logout()
        served = alpha_client.get(f"/catalog/images/{picture.pk}/")
        assert served.status_code == 200 and served["Content-Type"] == "image/png"
        assert b"".join(served.streaming_content) == png_bytes()
        assert 'alt="A pack of tea"' in alpha_client.get("/catalog/p/sencha/").content.decode()
        assert beta_client.get(f"/catalog/images/{picture.pk}/").status_code == 404

    @pytest.mark.parametrize("upload, problem", [
        (SimpleUploadedFile("fake.png", b"not an image at all", content_type="image/png"), "image"),
        (SimpleUploadedFile("big.png", png_bytes() + b"\0" * (5 * 1024 * 1024), content_type="image/png"),
         "the limit is 5120 KB"),
        (SimpleUploadedFile("huge.png", png_bytes(size=(6000, 6000)), content_type="image/png"),
         "6000×6000 pixels, 36.0 megapixels; the limit is 16.0 megapixels"),
    ])
    def test_bad_uploads_are_refused(self, alpha, alpha_client, shop, upload, problem):
        sign_in(alpha_client, alpha, OWNER)
        response = alpha_client.post(f"/manage/catalog/products/{shop['sencha'].pk}/images/", {"image": upload})
        assert response.status_code == 400
        assert problem in " ".join(response.context["image_form"].errors["image"])
        with tenant_context(alpha):
            assert not ProductImage.objects.exists()

    def test_photo_of_a_product_off_sale_is_hidden_from_customers(self, alpha, alpha_client, shop):
        with tenant_context(alpha):
            picture = services.add_image(shop["mug"], png_upload())
            Product.objects.filter(pk=shop["mug"].pk).update(is_active=False)
        assert alpha_client.get(f"/catalog/images/{picture.pk}/").status_code == 404
        sign_in(alpha_client, alpha, OWNER)
        assert alpha_client.get(f"/catalog/images/{picture.pk}/").status_code == 200
        alpha_client.post(f"/manage/catalog/images/{picture.pk}/delete/")
        with tenant_context(alpha):
            assert not ProductImage.objects.exists()


class TestManage:
    def test_only_owner_and_managers(self, alpha, alpha_client, shop):
        assert alpha_client.get("/manage/catalog/").status_code == 302
        sign_in(alpha_client, alpha, CUSTOMER)
        assert alpha_client.get("/manage/catalog/").status_code == 403
        make_user(alpha, "operator@alpha.test", role="operator")
        sign_in(alpha_client, alpha, "operator@alpha.test")
        assert alpha_client.get("/manage/catalog/products/new/").status_code == 403
        make_user(alpha, "manager@alpha.test", role="manager")
        sign_in(alpha_client, alpha, "manager@alpha.test")
        response = alpha_client.get("/manage/catalog/?q=sen")
        assert response.status_code == 200 and names(response) == ["Sencha"]

    def test_create_edit_and_delete_a_product(self, alpha, alpha_client, shop):
        sign_in(alpha_client, alpha, OWNER)
        data = {"name": "Matcha", "sku": "TEA-2", "category": shop["tea"].pk, "price": "abc", "currency": "UAH",
                "description": "", "attributes": "Weight 30 g", "is_active": "on", "kind": "parcel"}
        response = alpha_client.post("/manage/catalog/products/new/", data)
        assert response.status_code == 400
        assert set(response.context["form"].errors) == {"price", "attributes", "kind"}
        data["kind"] = "goods"
        data["price"] = "12,30"
        data["attributes"] = "Weight: 30 g"
        response = alpha_client.post("/manage/catalog/products/new/", {**data, "sku": "TEA-1"})
        assert response.status_code == 400 and "already has this SKU" in str(response.context["form"].errors)
        response = alpha_client.post("/manage/catalog/products/new/", data)
        with tenant_context(alpha):
            matcha = Product.objects.get(sku="TEA-2")
        assert response["Location"] == f"/manage/catalog/products/{matcha.pk}/"
        assert (str(matcha.price), matcha.currency, matcha.attributes) == ("12.30", "UAH", {"Weight": "30 g"})
        alpha_client.post(f"/manage/catalog/products/{matcha.pk}/", {**data, "price": "13"})
        with tenant_context(alpha):
            matcha.refresh_from_db()
        assert str(matcha.price) == "13.00"
        assert alpha_client.post(f"/manage/catalog/products/{matcha.pk}/delete/").status_code == 302
        with tenant_context(alpha):
            assert not Product.objects.filter(pk=matcha.pk).exists()
        assert alpha_client.get("/manage/catalog/products/999999/").status_code == 404

    def test_stock_per_warehouse(self, alpha, alpha_client, shop):
        sign_in(alpha_client, alpha, OWNER)
        central, pickup = shop["central"], shop["pickup"]
        with tenant_context(alpha):
            services.reserve([(shop["sencha"].pk, 2)], "order:5")
        url = f"/manage/catalog/products/{shop['sencha'].pk}/stock/"
        response = alpha_client.post(url, {f"quantity-{central.pk}": "1", f"quantity-{pickup.pk}": "x"})
        assert response.status_code == 400
        assert "2 units are reserved" in response.content.decode() and "whole number" in response.content.decode()
        assert alpha_client.post(url, {f"quantity-{central.pk}": "40", f"quantity-{pickup.pk}": "0"}).status_code == 302
        with tenant_context(alpha):
            assert selectors.available(shop["sencha"]) == 38

    def test_categories_and_warehouses(self, alpha, alpha_client, shop):
        sign_in(alpha_client, alpha, OWNER)
        assert alpha_client.post("/manage/catalog/categories/", {"name": "", "position": 0}).status_code == 400
        assert alpha_client.post("/manage/catalog/categories/", {"name": "Кофе", "position": 2}).status_code == 302
        response = alpha_client.post(f"/manage/catalog/categories/{shop['drinks'].pk}/",
                                     {"name": "Drinks", "parent": shop["tea"].pk, "position": 0})
        assert response.status_code == 400 and "inside itself" in response.content.decode()
        alpha_client.post(f"/manage/catalog/categories/{shop['tea'].pk}/delete/")
        with tenant_context(alpha):
            assert Category.objects.filter(slug="kofe").exists() and Category.objects.filter(pk=shop["tea"].pk).exists()
        assert alpha_client.post("/manage/catalog/warehouses/", {"name": "central warehouse"}).status_code == 400
        assert alpha_client.post("/manage/catalog/warehouses/", {"name": "North", "is_active": "on"}).status_code == 302
        alpha_client.post(f"/manage/catalog/warehouses/{shop['pickup'].pk}/", {"name": "Podil pickup"})
        with tenant_context(alpha):
            assert not Warehouse.objects.get(pk=shop["pickup"].pk).is_active
            assert Warehouse.objects.filter(name="North").exists()

    def test_reservations_view_and_release(self, alpha, alpha_client, shop):
        with tenant_context(alpha):
            services.reserve([(shop["sencha"].pk, 2)], "order:77")
        sign_in(alpha_client, alpha, OWNER)
        assert "order:77" in alpha_client.get("/manage/catalog/reservations/").content.decode()
        alpha_client.post("/manage/catalog/reservations/release/", {"reference": "order:77"})
        with tenant_context(alpha):
            assert Reservation.objects.get().status == "released"
        response = alpha_client.post("/manage/catalog/reservations/release/", {"reference": "order:77"}, follow=True)
        assert "Nothing is reserved" in response.content.decode()


def csv_file(text: str, name="products.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


class TestCsv:
    def test_bad_rows_are_reported_and_nothing_changes(self, alpha, alpha_client, shop):
        sign_in(alpha_client, alpha, OWNER)
        text = ("sku,name,category,price,currency,quantity,warehouse\n"
                "NEW-1,Oolong,Tea,5.10,EUR,10,Central warehouse\n"
                ",No sku,,1,EUR,,\n"
                "NEW-2,Bad price,,abc,EUR,,\n"
                "NEW-3,Bad currency,,1,GBP,,\n"
                "NEW-1,Twice,,1,EUR,,\n"
                "NEW-4,Bad warehouse,,1,EUR,3,Nowhere\n"
                "NEW-5,Bad quantity,,1,EUR,-3,Central warehouse\n")
        response = alpha_client.post("/manage/catalog/import/", {"file": csv_file(text)})
        assert response.status_code == 400
        report = response.context["report"]
        assert [e.row for e in report.row_errors] == [3, 4, 5, 6, 7, 8]
        reasons = " | ".join(e.reason for e in report.row_errors)
        assert "No SKU" in reasons and "GBP" in reasons and "row 2" in reasons and "Nowhere" in reasons
        with tenant_context(alpha):
            assert not Product.objects.filter(sku="NEW-1").exists()
        response = alpha_client.post("/manage/catalog/import/", {"file": csv_file(text), "apply_valid_rows": "on"})
        with tenant_context(alpha):
            oolong = Product.objects.get(sku="NEW-1")
            assert (oolong.name, str(oolong.price), oolong.category.name) == ("Oolong", "5.10", "Tea")
            assert StockLevel.objects.get(product=oolong).quantity == 10
        assert response.context["report"].created == 1

    def test_every_problem_of_a_row_is_listed(self, alpha, alpha_client, shop):
        sign_in(alpha_client, alpha, OWNER)
        text = ("sku,name,category,price,currency,quantity,warehouse,kind\n"
                ",,,abc,GBP,-3,Nowhere,\n"
                "NEW-1,Massage,Spa,30,EUR,4,Central warehouse,service\n"
                "NEW-2,Thing,,1,EUR,,,parcel\n")
        response = alpha_client.post("/manage/catalog/import/", {"file": csv_file(text)})
        assert response.status_code == 400
        first, second, third = response.context["report"].row_errors
        assert first.row == 2 and first.reasons == [
            "No SKU in this row.", "No name in this row.", "Enter a price like 12.50.",
            "Unknown currency “GBP”: use one of RUB, UAH, EUR, USD.",
            "The quantity must be a whole number from 0 up.", "No warehouse is called “Nowhere”."]
        assert second.reasons == ["Services and digital items have no stock: leave quantity and warehouse empty."]
        assert third.reasons == ["Unknown kind “parcel”: use goods, service or digital."]
        page = unescape(response.content.decode())
        assert page.count('<ul class="row-problems">') == 1 and "No warehouse is called “Nowhere”." in page
        with tenant_context(alpha):
            assert not Product.objects.filter(sku__in=["NEW-1", "NEW-2"]).exists()

    def test_kinds_import_and_export(self, alpha, alpha_client, shop):
        sign_in(alpha_client, alpha, OWNER)
        text = ("sku,name,category,price,currency,quantity,warehouse,kind\n"
                "SPA-1,Massage,Spa,30,EUR,,,Service\n"
                "BOOK-1,Guide,,5,EUR,,,цифровий товар\n"
                "TEA-9,Puer,Tea,7,EUR,3,Central warehouse,\n")
        response = alpha_client.post("/manage/catalog/import/", {"file": csv_file(text)})
        assert response.status_code == 200, response.context["report"].row_errors
        with tenant_context(alpha):
            assert dict(Product.objects.filter(sku__in=["SPA-1", "BOOK-1", "TEA-9"]).values_list("sku", "kind")) == {
                "SPA-1": "service", "BOOK-1": "digital", "TEA-9": "goods"}
        rows = list(csv.reader(io.StringIO(alpha_client.get("/manage/catalog/export.csv").content.decode())))
        assert ["SPA-1", "Massage", "Spa", "30.00", "EUR", "", "", "service"] in rows
        again = alpha_client.post("/manage/catalog/import/", {"file": csv_file(
            alpha_client.get("/manage/catalog/export.csv").content.decode())})
        assert again.status_code == 200 and again.context["report"].created == 0

    def test_import_updates_by_sku_and_export_round_trips(self, alpha, alpha_client, shop):
        sign_in(alpha_client, alpha, OWNER)
        text = ("sku;name;category;price;currency;quantity;warehouse\n"
                "TEA-1;Sencha premium;Tea;1300,00;EUR;7;central warehouse\n"
                "NEW-9;=cmd;Snacks;0.99;USD;;\n")
        response = alpha_client.post("/manage/catalog/import/", {"file": csv_file(text)})
        assert response.status_code == 200 and response.context["report"].updated == 1
        exported = alpha_client.get("/manage/catalog/export.csv")
        assert exported["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(exported.content.decode())))
        assert rows[0] == ["sku", "name", "category", "price", "currency", "quantity", "warehouse", "kind"]
        assert ["TEA-1", "Sencha premium", "Tea", "1300.00", "EUR", "7", "Central warehouse", "goods"] in rows
        assert ["NEW-9", "'=cmd", "Snacks", "0.99", "USD", "", "", "goods"] in rows  # no formula for spreadsheets
        again = alpha_client.post("/manage/catalog/import/", {"file": csv_file(exported.content.decode())})
        assert again.status_code == 200, again.context["report"].row_errors
        with tenant_context(alpha):
            assert Product.objects.get(sku="NEW-9").name == "=cmd"

    @pytest.mark.parametrize("content, problem", [
        (b"", "empty"), (b"sku,name\nA,B\n", "Missing"), ("sku,name,price,currency\nА,Б,1,EUR\n".encode("cp1251"),
                                                                     "UTF-8"),
        (b'sku,name,price,currency\n"A,B,1,EUR\n', "readable"),
    ])
    def test_unreadable_files(self, alpha, alpha_client, shop, content, problem):
        sign_in(alpha_client, alpha, OWNER)
        response = alpha_client.post("/manage/catalog/import/", {"file": SimpleUploadedFile("x.csv", content)})
        assert response.status_code == 400
        form_errors = response.context["form"].errors.get("file", [])
        report = response.context.get("report")
        assert any(problem in e for e in [*form_errors, *(report.file_errors if report else [])])


class TestApi:
    def test_products_with_price_as_string_and_availability(self, alpha, alpha_client, shop):
        with tenant_context(alpha):
            services.reserve([(shop["sencha"].pk, 1)], "order:1")
        body = alpha_client.get("/api/v1/catalog/products/").json()
        sencha = next(p for p in body["results"] if p["sku"] == "TEA-1")
        assert (sencha["price"], sencha["currency"], sencha["available"], sencha["category"]) == (
            "1234.50", "EUR", 4, "tea")
        assert sorted((w["warehouse"], w["available"], w["is_pickup_point"]) for w in sencha["warehouses"]) == [
            ("Central warehouse", 2, False), ("Podil pickup", 2, True)]
        detail = alpha_client.get(f"/api/v1/catalog/products/{shop['sencha'].pk}/").json()
        assert detail["attributes"] == {"Weight": "100 g", "Origin": "Shizuoka"}

    @pytest.mark.parametrize("query, expected", [
        ("q=green", ["Sencha"]), ("category=drinks", ["Cola", "Sencha"]), ("in_stock=1", ["Sencha"]),
        ("category=nope", []), ("category=99999999999999999999", []), ("in_stock=banana", ["Cola", "Mug", "Sencha"]),
    ])
    def test_filters(self, alpha_client, shop, query, expected):
        response = alpha_client.get(f"/api/v1/catalog/products/?{query}")
        assert response.status_code == 200
        assert [p["name"] for p in response.json()["results"]] == expected

    def test_list_costs_two_queries(self, alpha, alpha_client, shop, django_assert_max_num_queries):
        with django_assert_max_num_queries(12):  # tenant, portal state, products, places, images, count
            assert alpha_client.get("/api/v1/catalog/products/").status_code == 200

    def test_bad_page_and_writes(self, alpha_client, shop):
        assert alpha_client.get("/api/v1/catalog/products/?page=abc").status_code == 404
        assert alpha_client.post("/api/v1/catalog/products/", {}).status_code in (403, 405)
        assert alpha_client.get("/api/v1/catalog/products/abc/").status_code == 404


class TestIsolationAndSwitch:
    def test_another_tenants_products_are_not_found(self, alpha, beta, beta_client, shop):
        assert beta_client.get("/catalog/p/sencha/").status_code == 404
        assert beta_client.get(f"/api/v1/catalog/products/{shop['sencha'].pk}/").status_code == 404
        assert beta_client.get("/api/v1/catalog/products/").json()["results"] == []
        assert names(beta_client.get("/catalog/?q=sencha")) == []
        sign_in(beta_client, beta, "owner@bravo.test")
        assert beta_client.get(f"/manage/catalog/products/{shop['sencha'].pk}/").status_code == 404
        beta_client.post(f"/manage/catalog/products/{shop['sencha'].pk}/delete/")
        with tenant_context(alpha):
            assert Product.objects.filter(pk=shop["sencha"].pk).exists()

    def test_switched_off_catalog_answers_404(self, alpha, alpha_client, shop):
        with tenant_context(alpha):
            set_module_enabled("catalog", False)
        sign_in(alpha_client, alpha, OWNER)
        for path in ("/catalog/", "/catalog/p/sencha/", "/catalog/favourites/", "/manage/catalog/",
                     "/manage/catalog/import/", "/api/v1/catalog/products/"):
            assert alpha_client.get(path).status_code == 404, path
