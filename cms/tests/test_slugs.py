"""Article slugs: Cyrillic titles are transliterated wherever an article is saved, a forgotten draft never blocks
a new article of the same title, and an article saved with a Unicode slug before this no longer breaks the news.
"""

import importlib

from django.apps import apps
from django_tenants.utils import tenant_context
from wagtail.models import Page, Revision

from cms.models import ArticlePage
from cms.services import ensure_news_index

from .conftest import make_article
from .test_admin import _rich_text

TITLE = "Открылся новый SPA-центр"
SLUG = "otkrylsia-novyi-spa-tsentr"
migration = importlib.import_module("cms.migrations.0002_transliterate_article_slugs")


def unicode_slug_article(tenant, title=TITLE, slug="открылся-новый-spa-центр"):
    """An article as Wagtail saved it before slugs were transliterated: its slug is the Cyrillic title."""
    article = make_article(tenant, title)
    with tenant_context(tenant):
        parent_path = article.get_parent().url_path
        Page.objects.filter(pk=article.pk).update(slug=slug, url_path=f"{parent_path}{slug}/")
        Revision.objects.filter(object_id=str(article.pk)).update(content={"title": title, "slug": slug})
        return ArticlePage.objects.get(pk=article.pk)


def test_an_old_unicode_slug_no_longer_breaks_the_lists_and_keeps_an_address(alpha, alpha_client, editor_client):
    """Before: /news/ and /manage/news/ answered 500 (the URL of such an article could not be built) and the
    article's own address 404."""
    article = unicode_slug_article(alpha)
    listing = alpha_client.get("/news/")
    assert listing.status_code == 200 and TITLE in listing.content.decode()
    assert editor_client.get("/manage/news/").status_code == 200
    detail = alpha_client.get(f"/news/{article.slug}/")
    assert detail.status_code == 200 and f"{TITLE} in full." in detail.content.decode()
    assert alpha_client.get("/api/v1/news/").status_code == 200


def test_the_migration_transliterates_old_unicode_slugs_in_its_schema_only(alpha, beta, alpha_client):
    old = unicode_slug_article(alpha)
    ascii_article = make_article(alpha, "Plain title", slug="plain-title")
    taken = make_article(alpha, "Already there", slug=SLUG)  # the transliteration is taken: a suffix follows
    in_bravo = unicode_slug_article(beta)
    with tenant_context(alpha):
        migration.transliterate_article_slugs(apps, None)
        old.refresh_from_db()
        assert old.slug == f"{SLUG}-2" and old.url_path.endswith(f"/{SLUG}-2/")
        assert {r.content["slug"] for r in Revision.objects.filter(object_id=str(old.pk))} == {f"{SLUG}-2"}
        assert ArticlePage.objects.get(pk=ascii_article.pk).slug == "plain-title"
        assert ArticlePage.objects.get(pk=taken.pk).slug == SLUG
        migration.transliterate_article_slugs(apps, None)  # a second run changes nothing
        assert ArticlePage.objects.get(pk=old.pk).slug == f"{SLUG}-2"
    with tenant_context(beta):
        assert ArticlePage.objects.get(pk=in_bravo.pk).slug == "открылся-новый-spa-центр"
    assert alpha_client.get(f"/news/{SLUG}-2/").status_code == 200


def test_articles_saved_by_code_get_an_ascii_slug_from_a_cyrillic_title(alpha):
    with tenant_context(alpha):
        index = ensure_news_index()
        article = index.add_child(instance=ArticlePage(title="Їжак і ґанок", slug="", intro="Про їжака",
                                                       body="<p>Текст</p>"))
        assert article.slug == "izhak-i-ganok"
        typed = index.add_child(instance=ArticlePage(title="Другое", slug="Наш SPA", intro="-", body="<p>-</p>"))
        assert typed.slug == "nash-spa"


def _publish(client, index, **fields):
    data = {"title": TITLE, "slug": "", "intro": "Массаж и бассейн.", "topic": "service",
            "body": _rich_text("Мы открылись."), "action-publish": "action-publish", **fields}
    return client.post(f"/manage/news/admin/pages/add/cms/articlepage/{index.pk}/", data)


def test_the_editor_publishes_a_cyrillic_title_and_customers_read_it(alpha, editor_client, alpha_client):
    with tenant_context(alpha):
        index = ensure_news_index()
    response = _publish(editor_client, index)
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_context(alpha):
        assert ArticlePage.objects.get(title=TITLE).slug == SLUG
    assert TITLE in alpha_client.get("/news/").content.decode()
    assert alpha_client.get(f"/news/{SLUG}/").status_code == 200
    assert editor_client.get("/manage/news/").status_code == 200


def test_a_slug_typed_in_cyrillic_is_transliterated(alpha, editor_client):
    with tenant_context(alpha):
        index = ensure_news_index()
    assert _publish(editor_client, index, title="Акция", slug="Скидки до 30%").status_code == 302
    with tenant_context(alpha):
        assert ArticlePage.objects.get(title="Акция").slug == "skidki-do-30"


def test_an_abandoned_draft_does_not_block_writing_the_article_again(alpha, editor_client, alpha_client):
    make_article(alpha, TITLE, slug=SLUG, publish=False)  # started and forgotten
    with tenant_context(alpha):
        index = ensure_news_index()
    response = _publish(editor_client, index, slug=SLUG)  # what the editor's page fills in from the title
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_context(alpha):
        assert sorted(ArticlePage.objects.values_list("slug", "live")) == [(SLUG, False), (f"{SLUG}-2", True)]
    assert alpha_client.get(f"/news/{SLUG}-2/").status_code == 200
    assert alpha_client.get(f"/news/{SLUG}/").status_code == 404  # the draft stays unpublished


def test_bad_input_in_the_editor_changes_nothing(alpha, editor_client):
    with tenant_context(alpha):
        index = ensure_news_index()
        before = ArticlePage.objects.count()
    response = _publish(editor_client, index, title="", intro="")
    assert response.status_code == 200  # the form again, with its errors
    with tenant_context(alpha):
        assert ArticlePage.objects.count() == before
