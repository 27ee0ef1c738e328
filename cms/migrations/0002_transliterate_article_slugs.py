"""Articles saved with a Cyrillic (Unicode) slug before slugs were transliterated get an ASCII one, so every
portal URL of theirs can be built. One query in a schema without such articles (hundreds of schemas run this)."""

from django.db import migrations

ASCII_SLUG = r"^[-a-zA-Z0-9_]+$"
STEP = 4  # treebeard's path step: a page's parent has the path minus its last four characters


def transliterate_article_slugs(apps, schema_editor):
    from cabinet.slugs import unique_slug

    Page = apps.get_model("wagtailcore", "Page")
    ArticlePage = apps.get_model("cms", "ArticlePage")
    Revision = apps.get_model("wagtailcore", "Revision")
    for article in ArticlePage.objects.exclude(slug__regex=ASCII_SLUG).order_by("path"):
        parent = Page.objects.filter(path=article.path[:-STEP]).first()
        siblings = Page.objects.filter(path__startswith=article.path[:-STEP], depth=article.depth)
        slug = unique_slug(article.slug or article.title, siblings, exclude_pk=article.pk, fallback="article")
        url_path = (parent.url_path if parent else "/") + slug + "/"
        Page.objects.filter(pk=article.pk).update(slug=slug, url_path=url_path)
        # A draft published later would bring the old slug back from its revision.
        revisions = Revision.objects.filter(object_id=str(article.pk), base_content_type__app_label="wagtailcore",
                                            base_content_type__model="page")
        for revision in revisions:
            if isinstance(revision.content, dict) and revision.content.get("slug") != slug:
                revision.content = {**revision.content, "slug": slug, "url_path": url_path}
                revision.save(update_fields=["content"])


class Migration(migrations.Migration):

    dependencies = [
        ("cms", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunPython(transliterate_article_slugs, migrations.RunPython.noop),
    ]
