import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from cabinet.modules.feedback import selectors, services
from cabinet.modules.feedback.cards import dashboard_card
from cabinet.modules.feedback.models import Rating
from cabinet.modules.support import services as support_services
from cabinet.modules.support.tests.conftest import make_user, open_request, sign_in, user
from cabinet.portal.services import set_module_enabled

pytestmark = pytest.mark.django_db
CUSTOMER = "customer@alpha.test"


@pytest.fixture
def feedback_on(alpha):
    with tenant_context(alpha):
        set_module_enabled("feedback", True)


def finished_request(tenant, customer, subject="Fixed it", status="resolved"):
    created = open_request(tenant, customer, subject=subject)
    with tenant_context(tenant):
        return support_services.change_status(created, status, by=None)


def ratings(tenant):
    with tenant_context(tenant):
        return list(Rating.objects.values_list("request_id", "score", "comment"))


def test_switching_on_needs_support_and_support_cannot_go_while_feedback_is_on(alpha):
    with tenant_context(alpha):
        set_module_enabled("support", False)
        with pytest.raises(ValidationError, match="needs “Support”"):
            set_module_enabled("feedback", True)
        set_module_enabled("support", True)
        set_module_enabled("feedback", True)
        with pytest.raises(ValidationError, match="is needed by “Feedback”"):
            set_module_enabled("support", False)


def test_customer_rates_a_resolved_request_from_its_page(alpha, alpha_client, feedback_on):
    done = finished_request(alpha, user(alpha, CUSTOMER))
    sign_in(alpha_client, alpha, CUSTOMER)
    detail = alpha_client.get(f"/support/{done.pk}/").content.decode()
    assert f'href="/feedback/request/{done.pk}/"' in detail
    assert alpha_client.get(f"/feedback/request/{done.pk}/").status_code == 200
    response = alpha_client.post(f"/feedback/request/{done.pk}/", {"score": "4", "comment": "Quick, thanks"})
    assert response["Location"] == "/feedback/"
    assert ratings(alpha) == [(done.pk, 4, "Quick, thanks")]
    listing = alpha_client.get("/feedback/").content.decode()
    assert "Rated 4 of 5" in listing
    # once only
    again = alpha_client.post(f"/feedback/request/{done.pk}/", {"score": "1"})
    assert again.status_code == 400 and "already rated" in again.content.decode()
    assert ratings(alpha) == [(done.pk, 4, "Quick, thanks")]


@pytest.mark.parametrize(("data", "message"), [
    ({"score": "0"}, "Select a valid choice."),
    ({"score": "6"}, "Select a valid choice."),
    ({"score": "five"}, "Select a valid choice."),
    ({}, "This field is required."),
    ({"score": "3", "comment": "x" * 2001}, "at most 2000 characters"),
])
def test_bad_ratings_are_refused(alpha, alpha_client, feedback_on, data, message):
    done = finished_request(alpha, user(alpha, CUSTOMER))
    sign_in(alpha_client, alpha, CUSTOMER)
    response = alpha_client.post(f"/feedback/request/{done.pk}/", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert ratings(alpha) == []


def test_service_checks_the_score_and_the_request(alpha):
    customer = user(alpha, CUSTOMER)
    done = finished_request(alpha, customer)
    still_open = open_request(alpha, customer)
    with tenant_context(alpha):
        for score in (0, 6, "x", None):
            with pytest.raises(ValidationError) as refused:
                services.rate_request(done, customer=customer, score=score)
            assert "score" in refused.value.message_dict
        with pytest.raises(ValidationError, match="resolved or closed"):
            services.rate_request(still_open, customer=customer, score=5)
        other = make_user(alpha, "other@alpha.test")
        with pytest.raises(ValidationError, match="resolved or closed"):
            services.rate_request(done, customer=other, score=5)
        assert Rating.objects.count() == 0


def test_open_and_other_customers_requests_cannot_be_rated(alpha, alpha_client, feedback_on):
    customer = user(alpha, CUSTOMER)
    still_open = open_request(alpha, customer)
    theirs = finished_request(alpha, make_user(alpha, "other@alpha.test"), subject="Other's")
    sign_in(alpha_client, alpha, CUSTOMER)
    assert alpha_client.get(f"/feedback/request/{still_open.pk}/").status_code == 404
    assert alpha_client.post(f"/feedback/request/{theirs.pk}/", {"score": "5"}).status_code == 404
    assert "Other&#x27;s" not in alpha_client.get("/feedback/").content.decode()
    assert ratings(alpha) == []


def test_staff_see_the_average_and_the_list(alpha, alpha_client, feedback_on):
    customer = user(alpha, CUSTOMER)
    with tenant_context(alpha):
        for score, subject in ((5, "A"), (4, "B"), (4, "C")):
            services.rate_request(finished_request(alpha, customer, subject=subject, status="closed"),
                                  customer=customer, score=score, comment=f"comment {subject}")
        figures = selectors.overview()
    assert str(figures["average"]) == "4.3" and figures["count"] == 3
    assert dict(figures["by_score"]) == {5: 1, 4: 2, 3: 0, 2: 0, 1: 0}
    sign_in(alpha_client, alpha, "owner@alpha.test")
    page = alpha_client.get("/manage/feedback/").content.decode()
    assert "4.3 / 5" in page and "comment A" in page
    fours = alpha_client.get("/manage/feedback/", {"score": "4"}).content.decode()
    assert "comment B" in fours and "comment A" not in fours
    make_user(alpha, "operator@alpha.test", role="operator")
    sign_in(alpha_client, alpha, "operator@alpha.test")
    assert alpha_client.get("/manage/feedback/").status_code == 403


def test_dashboard_card_prompts_then_thanks_in_one_query(alpha, alpha_client, rf, feedback_on,
                                                         django_assert_num_queries):
    customer = user(alpha, CUSTOMER)
    with tenant_context(alpha):
        request = rf.get("/")
        request.user = customer
        customer.refresh_from_db()  # the schema switch of tenant_context costs one query of its own
        with django_assert_num_queries(1):
            assert dashboard_card(request) is None  # nothing finished yet: no card
    done = finished_request(alpha, customer)
    finished_request(alpha, customer, status="closed")
    with tenant_context(alpha):
        customer.refresh_from_db()
        with django_assert_num_queries(1):
            card = dashboard_card(request)
        assert (card.value, card.url) == ("2", "/feedback/") and "Rate" in str(card.title)
        services.rate_request(done, customer=customer, score=5)
        assert dashboard_card(request).value == "1"
    sign_in(alpha_client, alpha, CUSTOMER)
    assert 'data-module="feedback"' in alpha_client.get("/").content.decode()


def test_switched_off_feedback_disappears(alpha, alpha_client):
    # feedback starts off for a clinic
    done = finished_request(alpha, user(alpha, CUSTOMER))
    sign_in(alpha_client, alpha, CUSTOMER)
    home = alpha_client.get("/").content.decode()
    assert 'data-module="feedback"' not in home and 'href="/feedback/"' not in home
    assert "/feedback/request/" not in alpha_client.get(f"/support/{done.pk}/").content.decode()
    for url in ("/feedback/", f"/feedback/request/{done.pk}/"):
        assert alpha_client.get(url).status_code == 404
    assert alpha_client.post(f"/feedback/request/{done.pk}/", {"score": "5"}).status_code == 404
    sign_in(alpha_client, alpha, "owner@alpha.test")
    assert alpha_client.get("/manage/feedback/").status_code == 404
    assert 'href="/manage/feedback/"' not in alpha_client.get("/manage/").content.decode()
    assert ratings(alpha) == []


def test_tenant_isolation(alpha, beta, alpha_client, beta_client, feedback_on):
    customer = user(alpha, CUSTOMER)
    done = finished_request(alpha, customer)
    with tenant_context(alpha):
        services.rate_request(done, customer=customer, score=2, comment="Alpha complaint")
    with tenant_context(beta):
        set_module_enabled("feedback", True)
    sign_in(beta_client, beta, "owner@bravo.test")
    assert "Alpha complaint" not in beta_client.get("/manage/feedback/").content.decode()
    sign_in(beta_client, beta, "customer@bravo.test")
    assert beta_client.get(f"/feedback/request/{done.pk}/").status_code == 404
    sign_in(alpha_client, alpha, CUSTOMER)
    beta_client.cookies = alpha_client.cookies
    assert beta_client.get("/feedback/").status_code == 302


def test_personal_data_and_erase(alpha):
    customer = user(alpha, CUSTOMER)
    done = finished_request(alpha, customer)
    with tenant_context(alpha):
        services.rate_request(done, customer=customer, score=3, comment="My name is Ann")
        assert selectors.personal_data(customer)["ratings"][0]["comment"] == "My name is Ann"
        services.erase_personal_data(customer)
        assert list(Rating.objects.values_list("score", "comment")) == [(3, "")]
