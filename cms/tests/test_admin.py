"""The manage side: the news section and the Wagtail admin for owner, manager and editor only."""

import pytest
from django.contrib.auth.models import Group
from django.urls import resolve, reverse
from django_tenants.utils import tenant_context

from cabinet.portal.services import set_module_enabled
from cms.models import ArticlePage, NewsIndexPage
from cms.services import EDITORS_GROUP, ensure_editor_access, ensure_news_index

from .conftest import make_article, make_staff, sign_in


def test_editor_opens_manage_news_with_links_into_the_editor(editor_client, alpha):
    make_article(alpha, "Spring opening hours")
    make_article(alpha, "Unfinished draft", publish=False)
    response = editor_client.get("/manage/news/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Spring opening hours" in page and "Unfinished draft" in page
    with tenant_context(alpha):
        index = NewsIndexPage.objects.get()
        draft = ArticlePage.objects.get(title="Unfinished draft")
    assert f'href="/manage/news/admin/pages/add/cms/articlepage/{index.pk}/"' in page
    assert f'href="/manage/news/admin/pages/{draft.pk}/edit/"' in page


def test_editor_uses_the_wagtail_admin_without_being_a_superuser(editor_client, alpha, editor):
    response = editor_client.get("/manage/news/admin/")
    assert response.status_code == 200
    with tenant_context(alpha):
        editor.refresh_from_db()
        assert not editor.is_superuser
        assert editor.groups.filter(name=EDITORS_GROUP).exists()
        index = ensure_news_index()
    assert editor_client.get(f"/manage/news/admin/pages/{index.pk}/").status_code == 200


def test_editor_publishes_an_article_in_the_wagtail_admin_and_customers_see_it(editor_client, alpha):
    with tenant_context(alpha):
        index = ensure_news_index()
    add_url = f"/manage/news/admin/pages/add/cms/articlepage/{index.pk}/"
    assert editor_client.get(add_url).status_code == 200
    response = editor_client.post(add_url, {
        "title": "New laboratory", "slug": "new-laboratory", "intro": "Tests are ready in a day.",
        "topic": "service", "body": _rich_text("We opened a laboratory on the ground floor."),
        "action-publish": "action-publish",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    with tenant_context(alpha):
        article = ArticlePage.objects.get(slug="new-laboratory")
        assert article.live and article.get_parent().specific == index

    listing = editor_client.get("/news/").content.decode()
    assert "New laboratory" in listing
    detail = editor_client.get("/news/new-laboratory/")
    assert detail.status_code == 200 and "ground floor" in detail.content.decode()
    api = editor_client.get("/api/v1/news/").json()
    assert [item["slug"] for item in api["results"]] == ["new-laboratory"]


def _rich_text(text: str) -> str:
    """The Draftail editor's submitted value for one paragraph."""
    import json

    return json.dumps({"blocks": [{"key": "a1b2c", "text": text, "type": "unstyled", "depth": 0,
                                   "inlineStyleRanges": [], "entityRanges": []}], "entityMap": {}})


@pytest.mark.parametrize("role", ["owner", "manager"])
def test_owner_and_manager_may_use_the_news_section(alpha, alpha_client, role):
    make_staff(alpha, role, f"{role}-news@alpha.test")
    sign_in(alpha_client, alpha, f"{role}-news@alpha.test")
    assert alpha_client.get("/manage/news/").status_code == 200
    assert alpha_client.get("/manage/news/admin/").status_code == 200


def test_operator_gets_403_on_manage_news_and_the_admin(alpha, alpha_client):
    make_staff(alpha, "operator")
    sign_in(alpha_client, alpha, "operator@alpha.test")
    assert alpha_client.get("/manage/news/").status_code == 403
    assert alpha_client.get("/manage/news/admin/").status_code == 403
    assert alpha_client.get("/manage/news/admin/pages/").status_code == 403


def test_customer_gets_403_even_when_in_the_editors_group(alpha, alpha_client):
    customer = sign_in(alpha_client, alpha, "customer@alpha.test")
    with tenant_context(alpha):
        # A former editor turned customer keeps the group but no longer passes the role check.
        ensure_editor_access(customer)
    assert alpha_client.get("/manage/news/").status_code == 403
    assert alpha_client.get("/manage/news/admin/").status_code == 403


def test_anonymous_visitors_are_sent_to_the_staff_login(alpha_client):
    for url in ("/manage/news/", "/manage/news/admin/", "/manage/news/admin/pages/"):
        response = alpha_client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:staff-login") + "?next="), url


def test_wagtail_login_page_leads_to_the_staff_login(alpha_client):
    response = alpha_client.get("/manage/news/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith("/manage/login/")


def test_manage_news_sits_in_the_module_namespace():
    assert "news-manage" in resolve("/manage/news/").namespaces
    assert resolve("/manage/news/").url_name == "index"


def test_module_off_hides_the_manage_section_and_the_admin(alpha, editor_client):
    with tenant_context(alpha):
        set_module_enabled("news", False)
    assert editor_client.get("/manage/news/").status_code == 404
    assert editor_client.get("/manage/news/admin/").status_code == 404
    assert editor_client.get("/manage/news/admin/pages/").status_code == 404
    page = editor_client.get("/manage/").content.decode()
    assert 'href="/manage/news/"' not in page


def test_manage_nav_shows_news_to_the_editor(editor_client):
    page = editor_client.get("/manage/").content.decode()
    assert 'href="/manage/news/"' in page


def test_news_index_is_made_once_and_only_in_its_schema(alpha, beta):
    with tenant_context(alpha):
        first = ensure_news_index()
        assert ensure_news_index().pk == first.pk
        assert NewsIndexPage.objects.count() == 1
        assert Group.objects.get(name=EDITORS_GROUP).page_permissions.filter(page=first).exists()
    with tenant_context(beta):
        assert not NewsIndexPage.objects.exists()


def test_the_editor_has_a_way_back_to_the_manage_area_and_no_gravatar(editor_client):
    page = editor_client.get("/manage/news/admin/").content.decode()
    assert '"url": "/manage/"' in page or 'href="/manage/"' in page
    assert "Back to the manage area" in page
    assert "gravatar" not in page.lower()


def _dashboard(client) -> str:
    import re

    page = client.get("/manage/news/admin/").content.decode()
    main = page[page.find("<main"):]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>", " ", main, flags=re.S)))


@pytest.mark.parametrize(("language", "published", "drafts", "english"), [
    ("uk", "2 опубліковані статті", "1 чернетка", "Pages created in"),
    ("ru", "2 опубликованные статьи", "1 черновик", "Pages created in"),
    ("en", "2 published articles", "1 draft", "Страниц"),
])
def test_the_dashboard_counts_articles_in_the_staff_members_language(alpha, editor, editor_client, language,
                                                                     published, drafts, english):
    make_article(alpha, "One")
    make_article(alpha, "Two")
    make_article(alpha, "Three", publish=False)
    with tenant_context(alpha):
        editor.language = language
        editor.save(update_fields=["language"])
    text = _dashboard(editor_client)
    assert published in text and drafts in text, text[:600]
    assert english not in text


def test_the_admin_follows_the_saved_language_and_a_choice_made_in_it_is_saved(alpha, editor, editor_client):
    from wagtail.users.models import UserProfile

    with tenant_context(alpha):
        editor.language = "uk"
        editor.save(update_fields=["language"])
    editor_client.get("/manage/news/admin/")
    with tenant_context(alpha):
        profile = UserProfile.objects.get(user=editor)
        assert profile.preferred_language == "uk"
        profile.preferred_language = "ru"  # what Wagtail's own account settings save
        profile.save()
        editor.refresh_from_db()
        assert editor.language == "ru"
    assert '<html lang="ru">' in editor_client.get("/manage/").content.decode()
    with tenant_context(alpha):
        profile.preferred_language = "de"  # not a language of the product: ignored
        profile.save()
        editor.refresh_from_db()
        assert editor.language == "ru"
