"""Hostile input is refused with a 400 at one choke point (cabinet.hostile_input), never a 500: a NUL in any
search or filter parameter of every list page and API list, in a form field, or a body that cannot be parsed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cabinet.modules.catalog.forms import ProductFilterForm
from cabinet.modules.documents.forms import FilterForm as DocumentFilterForm
from cabinet.modules.feedback.forms import ScoreFilterForm
from cabinet.modules.orders.api import OrderListQuerySerializer
from cabinet.modules.orders.manage_forms import QueueFilterForm as OrderQueueFilterForm
from cabinet.modules.support.forms import QueueFilterForm as SupportQueueFilterForm
from conftest import OWNER_PASSWORD, host_client
from tests.helpers import sign_in

# Every list page and API list with its search, filter and paging parameters (the forms' fields read live, so a
# field added later is covered too).
SEARCHES = [
    ("alpha.localhost", "/api/v1/catalog/products/", ["q", "category", "in_stock", "page"]),
    ("alpha.localhost", "/api/v1/orders/", [*OrderListQuerySerializer().fields, "page"]),
    ("alpha.localhost", "/api/v1/documents/", ["page"]),
    ("alpha.localhost", "/api/v1/support/", ["page"]),
    ("alpha.localhost", "/api/v1/news/", ["topic", "page"]),
    ("alpha.localhost", "/catalog/", [*ProductFilterForm.base_fields, "page"]),
    ("alpha.localhost", "/catalog/favourites/", ["page"]),
    ("alpha.localhost", "/news/", ["topic", "page"]),
    ("alpha.localhost", "/support/new/", ["topic"]),
    ("alpha.localhost", "/manage/customers/", ["q", "page"]),
    ("alpha.localhost", "/manage/catalog/", ["q", "page"]),
    ("alpha.localhost", "/manage/catalog/reservations/", ["page"]),
    ("alpha.localhost", "/manage/orders/", [*OrderQueueFilterForm.base_fields, "page"]),
    ("alpha.localhost", "/manage/support/", [*SupportQueueFilterForm.base_fields, "page"]),
    ("alpha.localhost", "/manage/documents/", [*DocumentFilterForm.base_fields, "page"]),
    ("alpha.localhost", "/manage/feedback/", [*ScoreFilterForm.base_fields, "page"]),
    ("alpha.localhost", "/manage/branding/contrast/", ["primary_color", "accent_color"]),
    ("alpha.localhost", "/manage/login/", ["next"]),
    ("localhost", "/console/", ["q", "status", "page"]),
    ("localhost", "/signup/check-slug/", ["slug"]),
]
CASES = [(host, path, name) for host, path, names in SEARCHES for name in names]


@pytest.fixture
def signed_in(alpha):
    """The owner of alpha and a platform staff member, so that every page above is reached, not redirected."""
    from conftest import PLATFORM_STAFF

    clients = {"alpha.localhost": host_client("alpha.localhost"), "localhost": host_client("localhost")}
    sign_in(clients["alpha.localhost"], alpha, "owner@alpha.test")
    assert clients["localhost"].login(username=PLATFORM_STAFF[0], password=PLATFORM_STAFF[1])
    return clients


@pytest.mark.parametrize(("host", "path", "name"), CASES, ids=[f"{p}?{n}" for _h, p, n in CASES])
def test_nul_in_any_search_parameter_is_a_400(signed_in, host, path, name):
    client = signed_in[host]
    assert client.get(path, {name: "ab"}).status_code < 500  # the parameter itself is fine
    response = client.get(f"{path}?{name}=a%00b")
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.json() == {"detail": "The request contains a character that is not allowed (NUL)."}
    else:
        assert "Bad request" in response.content.decode()


def test_the_issues_examples_are_refused_without_signing_in(alpha_client, platform_client):
    assert alpha_client.get("/api/v1/catalog/products/?q=%00").status_code == 400
    assert alpha_client.get("/manage/customers/?q=%00").status_code == 400
    assert platform_client.get("/console/?q=%00").status_code == 400


def test_nul_in_a_parameter_name_or_the_path_is_a_400(alpha_client):
    assert alpha_client.get("/catalog/?q%00=1").status_code == 400
    assert alpha_client.get("/catalog/a%00b/").status_code == 400
    assert alpha_client.get("/api/v1/catalog/products/%00/").json()["detail"].endswith("(NUL).")


def test_nul_in_a_form_field_is_a_400_and_nothing_happens(alpha, alpha_client):
    response = alpha_client.post("/manage/login/", {"username": "owner@alpha.test\x00", "password": OWNER_PASSWORD})
    assert response.status_code == 400
    assert "_auth_user_id" not in alpha_client.session
    upload = SimpleUploadedFile("a.txt", b"x")
    response = alpha_client.post("/manage/login/", {"username": "\x00", "file": upload})  # multipart
    assert response.status_code == 400


def test_a_json_body_is_left_to_the_api(alpha_client):
    # Not a form: the middleware does not read it (DRF's fields refuse NUL themselves).
    response = alpha_client.post("/api/v1/support/", '{"subject": "a\\u0000"}', content_type="application/json")
    assert response.status_code in (401, 403)


MALFORMED = (b"--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue\r\n--B\r\n"
             b"Content-Disposition: form-data; name=\"b\"; filename=\"x\"\r\nContent-Type: text/plain\r\n")


def test_a_malformed_multipart_body_is_a_json_400_under_the_api(alpha_client):
    response = alpha_client.generic("POST", "/api/v1/support/", MALFORMED,
                                    content_type="multipart/form-data; boundary=" + "B" * 300)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_multipart_body_without_a_boundary_is_a_400_page(alpha_client):
    response = alpha_client.generic("POST", "/manage/login/", b"junk", content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


def test_upper_case_host_reaches_the_tenant(alpha):
    response = host_client("ALPHA.LocalHost").get("/api/v1/")
    assert response.status_code == 200 and response.json()["tenant"] == "alpha"
    assert host_client("WWW.Alpha.LOCALHOST:8000").get("/api/v1/").json()["tenant"] == "alpha"
    assert host_client("LOCALHOST").get("/").status_code == 200
