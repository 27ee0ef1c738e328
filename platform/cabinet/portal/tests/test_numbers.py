"""Customers' contract and personal-account numbers: the list, one by one, and the CSV import with its
per-row report; numbers of one tenant are invisible on another."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from cabinet.accounts import services
from cabinet.accounts.models import AccountNumber

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(alpha):
    """Two more customers of alpha (one with a phone only) and a number already taken."""
    with tenant_context(alpha):
        User = get_user_model()
        anna = User.objects.create_user("anna@example.com", "x-Pass-12345", full_name="Anna Petrova")
        phone_only = User(phone="+380501234567", full_name="Petro Phone")
        phone_only.set_unusable_password()
        phone_only.save()
        AccountNumber.objects.create(user=anna, number="TAKEN-1")
    return {"anna": anna, "phone": phone_only}


def numbers(tenant):
    with tenant_context(tenant):
        return {(n.user.email or n.user.phone, n.number, n.kind) for n in AccountNumber.objects.select_related("user")}


def upload(text, name="numbers.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding) if isinstance(text, str) else text,
                              content_type="text/csv")


def test_list_search_and_pages(owner_client, alpha, people):
    page = owner_client.get("/manage/customers/").content.decode()
    assert "Anna Petrova" in page and "TAKEN-1" in page and "+380 50 123 4567" in page
    assert "owner@alpha.test" not in page  # staff are not customers
    found = owner_client.get("/manage/customers/", {"q": "taken"}, follow=True).content.decode()  # one hit: the card
    assert "Anna Petrova" in found and "Petro Phone" not in found
    by_phone = owner_client.get("/manage/customers/", {"q": "050 123"}).content.decode()
    assert "Anna Petrova" not in by_phone
    by_digits = owner_client.get("/manage/customers/", {"q": "0501234"}, follow=True).content.decode()
    assert "Petro Phone" in by_digits
    with tenant_context(alpha):
        for i in range(30):
            get_user_model().objects.create_user(f"bulk{i:02}@example.com", None, full_name=f"Zz Bulk {i:02}")
    first, second = owner_client.get("/manage/customers/"), owner_client.get("/manage/customers/", {"page": 2})
    assert "Page 1 of 2" in first.content.decode() and "Zz Bulk 29" in second.content.decode()
    assert owner_client.get("/manage/customers/", {"page": "junk"}).status_code == 200


def test_attach_one_number_by_email_or_phone(owner_client, alpha, people):
    response = owner_client.post("/manage/customers/", {"contact": "ANNA@example.com", "number": "C-100",
                                                        "kind": "contract"})
    assert response.status_code == 302
    owner_client.post("/manage/customers/", {"contact": "+38 (050) 123-45-67", "number": "A-7", "kind": "account"})
    assert {("anna@example.com", "C-100", "contract"), ("+380501234567", "A-7", "account")} <= numbers(alpha)


@pytest.mark.parametrize(("data", "message"), [
    ({"contact": "ghost@example.com", "number": "N-1", "kind": "contract"}, "No customer has this e-mail or phone"),
    ({"contact": "owner@alpha.test", "number": "N-1", "kind": "contract"}, "No customer has this e-mail or phone"),
    ({"contact": "customer@alpha.test", "number": "taken-1", "kind": "contract"},
     "already belongs to another customer"),
    ({"contact": "anna@example.com", "number": "TAKEN-1", "kind": "contract"}, "already has this number"),
    ({"contact": "anna@example.com", "number": "N 1", "kind": "contract"}, "must not contain spaces"),
    ({"contact": "anna@example.com", "number": "N-1", "kind": "loan"}, "Select a valid choice"),
    ({"contact": "anna@example.com", "number": "", "kind": "contract"}, "This field is required"),
])
def test_bad_single_numbers_are_refused(owner_client, alpha, people, data, message):
    before = numbers(alpha)
    response = owner_client.post("/manage/customers/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert numbers(alpha) == before


def test_remove_a_number(owner_client, alpha, people):
    with tenant_context(alpha):
        number = AccountNumber.objects.get(number="TAKEN-1")
    response = owner_client.post(f"/manage/customers/numbers/{number.pk}/remove/", {"back": "/manage/customers/?q=a"})
    assert response.status_code == 302 and response["Location"] == "/manage/customers/?q=a"
    assert numbers(alpha) == set()
    again = owner_client.post(f"/manage/customers/numbers/{number.pk}/remove/", follow=True)
    assert "already removed" in again.content.decode()
    evil = owner_client.post(f"/manage/customers/numbers/{number.pk}/remove/", {"back": "https://evil.example/"})
    assert evil["Location"] == "/manage/customers/"


GOOD_AND_BAD = (
    "email,number,kind\n"
    "anna@example.com,C-1,contract\n"            # 2 ok
    "+380 50 123 45 67,A-1,account\n"            # 3 ok (phone column value in the email column is fine)
    "ghost@example.com,C-2,\n"                   # 4 unknown customer
    "customer@alpha.test,C-1,\n"                 # 5 duplicate of row 2
    "customer@alpha.test,TAKEN-1,contract\n"     # 6 taken by Anna
    "customer@alpha.test,C-3,loan\n"             # 7 bad kind
    ",C-4,contract\n"                            # 8 no contact
    "anna@example.com,TAKEN-1,\n"                # 9 already Anna's: unchanged
)


def test_import_with_bad_rows_changes_nothing_and_reports_each_row(owner_client, alpha, people):
    before = numbers(alpha)
    response = owner_client.post("/manage/customers/import/", {"file": upload(GOOD_AND_BAD)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was attached" in page
    for row, reason in ((4, "No customer has this e-mail or phone."), (5, "The number is already in row 2"),
                        (6, "The number already belongs to another customer."), (7, "Unknown kind “loan”"),
                        (8, "No e-mail or phone in this row.")):
        assert f"<td>{row}</td>" in page and reason in page, row
    assert "<td>2</td>" not in page and "<td>9</td>" not in page
    assert numbers(alpha) == before


def test_import_can_apply_the_good_rows_and_report_the_bad(owner_client, alpha, people):
    response = owner_client.post("/manage/customers/import/", {"file": upload(GOOD_AND_BAD),
                                                               "apply_valid_rows": "on"})
    page = response.content.decode()
    assert "Attached 2 numbers; 1 were already in place." in page and "The wrong rows below were skipped." in page
    assert numbers(alpha) == {("anna@example.com", "TAKEN-1", "contract"), ("anna@example.com", "C-1", "contract"),
                              ("+380501234567", "A-1", "account")}


def test_clean_file_with_phone_column_and_semicolons(owner_client, alpha, people):
    text = "\ufeffPhone;Number;Kind\n+380501234567;P-9;Personal account\n\n"
    response = owner_client.post("/manage/customers/import/", {"file": upload(text)})
    assert response.status_code == 200 and "Attached 1 numbers" in response.content.decode()
    assert ("+380501234567", "P-9", "account") in numbers(alpha)


@pytest.mark.parametrize(("content", "message"), [
    ("email,number\nanna@example.com,Договор-1\n".encode("cp1251"), "not in UTF-8"),
    ("number,kind\nX-1,contract\n", "must name the columns"),
    ("email,kind\nanna@example.com,contract\n", "must name the columns"),
    ("", "The submitted file is empty"),
    ("email,number\n" + "".join(f"p{i}@example.com,N{i}\n" for i in range(5001)), "more than 5000 rows"),
    ("email,number\n" + "anna@example.com,N\n" * 120_000, "The file is too large"),
    ('email,number\n"anna@example.com,N\n', "not a readable CSV"),
])
def test_bad_files_are_refused_whole(owner_client, alpha, people, content, message):
    before = numbers(alpha)
    response = owner_client.post("/manage/customers/import/", {"file": upload(content), "apply_valid_rows": "on"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert numbers(alpha) == before


def test_import_without_a_file(owner_client):
    response = owner_client.post("/manage/customers/import/", {})
    assert response.status_code == 400 and "This field is required" in response.content.decode()


def test_service_report_lists_rows(alpha, people):
    with tenant_context(alpha):
        report = services.import_account_numbers(upload(GOOD_AND_BAD))
    assert (report.rows, report.valid_rows, report.applied) == (8, 3, False)
    assert [e.row for e in report.row_errors] == [4, 5, 6, 7, 8]
    assert report.row_errors[0].value == "ghost@example.com → C-2"


def test_numbers_of_alpha_stay_on_alpha(owner_client, bravo_owner_client, alpha, beta, people):
    owner_client.post("/manage/customers/", {"contact": "anna@example.com", "number": "ALPHA-ONLY", "kind": "contract"})
    page = bravo_owner_client.get("/manage/customers/", {"q": "ALPHA"}).content.decode()
    assert "ALPHA-ONLY" not in page and "Anna" not in page
    full = bravo_owner_client.get("/manage/customers/").content.decode()
    assert "customer@bravo.test" in full and "customer@alpha.test" not in full
    # bravo cannot remove alpha's number by its id, nor attach to alpha's customer
    with tenant_context(alpha):
        alpha_number = AccountNumber.objects.get(number="ALPHA-ONLY")
    bravo_owner_client.post(f"/manage/customers/numbers/{alpha_number.pk}/remove/")
    refused = bravo_owner_client.post("/manage/customers/", {"contact": "anna@example.com", "number": "B-1",
                                                             "kind": "contract"})
    assert refused.status_code == 400
    assert ("anna@example.com", "ALPHA-ONLY", "contract") in numbers(alpha)
    with tenant_context(beta):
        assert not AccountNumber.objects.filter(number="B-1").exists()


def test_managers_may_and_operators_may_not(role_client, alpha, people):
    manager = role_client("manager")
    assert manager.post("/manage/customers/", {"contact": "anna@example.com", "number": "M-1",
                                               "kind": "contract"}).status_code == 302
    operator = role_client("operator")
    assert operator.post("/manage/customers/import/", {"file": upload("email,number\nanna@example.com,O-1\n")}
                         ).status_code == 403
    assert ("anna@example.com", "O-1", "contract") not in numbers(alpha)


def test_every_problem_of_a_row_is_listed(owner_client, alpha, people):
    text = ("email,number,kind\n"
            "ghost@example.com,HAS SPACE,loan\n"      # unknown customer, spaces in the number, bad kind
            ",,\n"                                    # an empty row is skipped
            ",C-9,loan\n")                            # no contact, bad kind
    response = owner_client.post("/manage/customers/import/", {"file": upload(text)})
    assert response.status_code == 400
    report = response.context["report"]
    assert [(e.row, len(e.reasons)) for e in report.row_errors] == [(2, 3), (4, 2)]
    assert report.row_errors[0].reasons == ["No customer has this e-mail or phone.",
                                            "The number must not contain spaces.",
                                            "Unknown kind “loan”: use “contract” or “account”."]
    page = response.content.decode()
    assert page.count('<ul class="row-problems">') == 2 and "The number must not contain spaces." in page
    assert numbers(alpha) == {("anna@example.com", "TAKEN-1", "contract")}


def test_the_import_page_opened_directly_explains_the_file(owner_client):
    response = owner_client.get("/manage/customers/import/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "How to prepare the file" in page and "email,number,kind" in page and 'enctype="multipart/form-data"' in page
    sample = owner_client.get("/manage/customers/import/sample.csv")
    assert sample["Content-Type"].startswith("text/csv") and "attachment" in sample["Content-Disposition"]
    assert sample.content.decode().splitlines()[0] == "email,number,kind"
    customers = owner_client.get("/manage/customers/").content.decode()
    assert 'href="/manage/customers/import/"' in customers


def test_the_sample_file_imports_cleanly_when_its_customers_exist(owner_client, alpha):
    with tenant_context(alpha):
        User = get_user_model()
        User.objects.create_user("anna@example.com", None, full_name="Anna Sample")
        User.objects.create(phone="+380501234567", full_name="Petro Sample")
    sample = owner_client.get("/manage/customers/import/sample.csv").content
    response = owner_client.post("/manage/customers/import/", {"file": upload(sample.decode())})
    assert response.status_code == 200 and "Attached 2 numbers" in response.content.decode()


def test_a_number_removal_opened_directly_changes_nothing(owner_client, alpha, people):
    before = numbers(alpha)
    response = owner_client.get("/manage/customers/numbers/1/remove/")
    assert response.status_code == 302 and response["Location"] == "/manage/customers/"
    assert numbers(alpha) == before
