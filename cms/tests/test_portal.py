"""The portal side of news: public list and article pages, the API, the dashboard card, the module
switch and tenant isolation."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from cabinet.portal.services import set_module_enabled
from cms import selectors, services
from cms.models import NewsVisit

from .conftest import make_article, sign_in


def test_anonymous_visitors_read_the_news_newest_first(alpha, alpha_client, now):
    make_article(alpha, "Older news", published_at=now - timedelta(days=3))
    make_article(alpha, "Fresh news", published_at=now - timedelta(hours=1))
    response = alpha_client.get("/news/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Fresh news") < page.index("Older news")
    detail = alpha_client.get("/news/fresh-news/")
    assert detail.status_code == 200 and "Fresh news in full." in detail.content.decode()


def test_news_is_in_the_navigation_of_visitors(alpha_client):
    assert 'href="/news/"' in alpha_client.get("/").content.decode()


def test_unpublished_articles_are_never_shown(alpha, alpha_client):
    make_article(alpha, "Secret draft", publish=False)
    withdrawn = make_article(alpha, "Withdrawn news")
    with tenant_context(alpha):
        withdrawn.unpublish()
    assert "Secret draft" not in alpha_client.get("/news/").content.decode()
    assert "Withdrawn news" not in alpha_client.get("/news/").content.decode()
    assert alpha_client.get("/news/secret-draft/").status_code == 404
    assert alpha_client.get("/news/withdrawn-news/").status_code == 404
    assert alpha_client.get("/api/v1/news/").json()["results"] == []


def test_list_is_paginated_and_bad_page_numbers_fall_back(alpha, alpha_client, now):
    for number in range(12):
        make_article(alpha, f"Item {number:02d}", published_at=now - timedelta(minutes=number))
    first = alpha_client.get("/news/").content.decode()
    assert "Item 00" in first and "Item 09" in first and "Item 10" not in first
    second = alpha_client.get("/news/?page=2").content.decode()
    assert "Item 10" in second and "Item 11" in second and "Item 00" not in second
    assert "Item 10" in alpha_client.get("/news/?page=99").content.decode()  # the last page
    assert "Item 00" in alpha_client.get("/news/?page=abc").content.decode()  # the first page


def test_topic_filter_and_an_unknown_topic(alpha, alpha_client):
    make_article(alpha, "Summer offer", topic="offers")
    make_article(alpha, "Open day", topic="events")
    offers = alpha_client.get("/news/?topic=offers").content.decode()
    assert "Summer offer" in offers and "Open day" not in offers
    unknown = alpha_client.get("/news/?topic=<script>")
    assert unknown.status_code == 200
    assert "Summer offer" in unknown.content.decode() and "Open day" in unknown.content.decode()
    api = alpha_client.get("/api/v1/news/?topic=events").json()
    assert [item["slug"] for item in api["results"]] == ["open-day"]


def test_api_lists_live_articles_with_links(alpha, alpha_client, now):
    make_article(alpha, "First", published_at=now - timedelta(days=1))
    make_article(alpha, "Second", published_at=now)
    make_article(alpha, "Draft", publish=False)
    response = alpha_client.get("/api/v1/news/")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2
    first = data["results"][0]
    assert first["slug"] == "second" and first["url"] == "http://alpha.localhost/news/second/"
    assert first["body"] == "<p>Second in full.</p>" and first["image_url"] is None
    assert first["topic_label"] == "General"


def test_api_is_read_only(alpha_client):
    assert alpha_client.post("/api/v1/news/", {"title": "x"}).status_code == 405


def test_dashboard_card_counts_news_since_the_last_visit(alpha, alpha_client, now):
    make_article(alpha, "Before the visit", published_at=now - timedelta(days=2))
    sign_in(alpha_client, alpha, "customer@alpha.test")
    home = alpha_client.get("/").content.decode()
    assert 'data-module="news"' in home and "1 new since your last visit. Latest: Before the visit" in home
    alpha_client.get("/news/")  # the visit
    make_article(alpha, "After the visit", published_at=now + timedelta(minutes=5))
    home = alpha_client.get("/").content.decode()
    assert "1 new since your last visit. Latest: After the visit" in home


def test_dashboard_card_without_news_and_without_new_items(alpha, alpha_client, now):
    customer = sign_in(alpha_client, alpha, "customer@alpha.test")
    assert "No news yet." in alpha_client.get("/").content.decode()
    make_article(alpha, "Old one", published_at=now - timedelta(days=1))
    with tenant_context(alpha):
        services.mark_news_seen(customer)
    home = alpha_client.get("/").content.decode()
    # The figure is how many articles there are, never "0" beside the latest one's title.
    card = home[home.index('data-module="news"'):]
    assert '<p class="figure">1</p>' in card[:300]
    assert "Nothing new since your last visit. Latest: Old one" in card[:600]


def test_dashboard_figures_take_two_queries_whatever_the_number_of_articles(alpha, now):
    for number in range(5):
        make_article(alpha, f"Bulk {number}", published_at=now - timedelta(hours=number))
    with tenant_context(alpha):
        from django.contrib.auth import get_user_model

        customer = get_user_model().objects.get(email="customer@alpha.test")
        services.mark_news_seen(customer, now - timedelta(hours=2, minutes=30))
        with CaptureQueriesContext(connection) as captured:
            summary = selectors.news_summary(customer)
    assert len(captured) == 2
    assert (summary.total, summary.new, summary.latest_title) == (5, 3, "Bulk 0")


def test_module_off_answers_404_and_drops_the_nav_entry(alpha, alpha_client):
    make_article(alpha, "Hidden when off")
    with tenant_context(alpha):
        set_module_enabled("news", False)
    assert alpha_client.get("/news/").status_code == 404
    assert alpha_client.get("/news/hidden-when-off/").status_code == 404
    assert alpha_client.get("/api/v1/news/").status_code == 404
    assert 'href="/news/"' not in alpha_client.get("/").content.decode()
    sign_in(alpha_client, alpha, "customer@alpha.test")
    assert 'data-module="news"' not in alpha_client.get("/").content.decode()


def test_bravo_has_news_off_until_switched_on(beta, beta_client):
    assert beta_client.get("/news/").status_code == 404
    with tenant_context(beta):
        set_module_enabled("news", True)
    assert beta_client.get("/news/").status_code == 200


def test_articles_of_one_tenant_never_reach_another(alpha, beta, beta_client):
    make_article(alpha, "Alpha only announcement", slug="alpha-only")
    with tenant_context(beta):
        set_module_enabled("news", True)
    assert "Alpha only announcement" not in beta_client.get("/news/").content.decode()
    assert beta_client.get("/news/alpha-only/").status_code == 404
    assert beta_client.get("/api/v1/news/").json()["results"] == []
    make_article(beta, "Bravo news", slug="alpha-only")  # the same slug in the other schema
    page = beta_client.get("/news/alpha-only/").content.decode()
    assert "Bravo news" in page and "Alpha only announcement" not in page


def test_staff_of_one_tenant_cannot_edit_news_of_another(alpha, beta, beta_client):
    from .conftest import make_staff

    article = make_article(alpha, "Alpha article")
    make_staff(beta, "editor")
    with tenant_context(beta):
        set_module_enabled("news", True)
    sign_in(beta_client, beta, "editor@bravo.test")
    assert "Alpha article" not in beta_client.get("/manage/news/").content.decode()
    assert beta_client.get(f"/manage/news/admin/pages/{article.pk}/edit/").status_code == 404


def test_article_picture_is_served_for_published_articles_only(alpha, alpha_client, beta, beta_client):
    import io

    from django.core.files.images import ImageFile
    from PIL import Image as PillowImage
    from wagtail.images.models import Image

    buffer = io.BytesIO()
    PillowImage.new("RGB", (1600, 900), "#336699").save(buffer, "PNG")
    published = make_article(alpha, "With picture")
    draft = make_article(alpha, "Draft with picture", publish=False)
    with tenant_context(alpha):
        image = Image.objects.create(title="Clinic front", file=ImageFile(buffer, name="front.png"))
        for article in (published, draft):
            article.image = image
            article.save_revision().publish() if article.live else article.save()
    response = alpha_client.get("/news/with-picture/image/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert PillowImage.open(io.BytesIO(b"".join(response.streaming_content))).size == (1200, 675)
    assert 'src="/news/with-picture/image/"' in alpha_client.get("/news/").content.decode()
    assert alpha_client.get("/news/draft-with-picture/image/").status_code == 404
    assert alpha_client.get("/news/no-such-article/image/").status_code == 404
    with tenant_context(beta):
        set_module_enabled("news", True)
    assert beta_client.get("/news/with-picture/image/").status_code == 404


def test_export_and_erase_of_the_last_visit(alpha, alpha_client):
    customer = sign_in(alpha_client, alpha, "customer@alpha.test")
    alpha_client.get("/news/")
    with tenant_context(alpha):
        exported = selectors.personal_data(customer)
        assert exported["news_last_seen_at"] is not None
        services.erase_personal_data(customer)
        assert not NewsVisit.objects.filter(user=customer).exists()
        assert selectors.personal_data(customer) == {"news_last_seen_at": None}


def test_news_pages_speak_russian_and_ukrainian(alpha, alpha_client):
    assert "Новостей пока нет." in alpha_client.get("/news/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Новин поки немає." in alpha_client.get("/news/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
