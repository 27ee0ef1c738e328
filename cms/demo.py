"""Demo content of the news module: three published articles for a demo tenant."""

from django.db import transaction

from .models import ArticlePage
from .services import ensure_news_index

DEMO_ARTICLES = (
    ("welcome-to-our-portal", "Welcome to our new portal",
     "Everything about your visits, documents and requests is now in one place.",
     "<p>Sign in to see your documents, write to us and follow the news.</p>"),
    ("opening-hours-for-the-holidays", "Opening hours for the holidays",
     "We work every day except 1 January.",
     "<p>On 31 December we close at 15:00. From 2 January we are open as usual.</p>"),
    ("new-services-this-season", "New this season",
     "A look at what we added for you this season.",
     "<p>Ask us about the new services in the chat or in a request.</p>"),
)


@transaction.atomic
def seed_demo_content(vertical) -> None:
    if ArticlePage.objects.exists():
        return
    index = ensure_news_index()
    for slug, title, intro, body in DEMO_ARTICLES:
        article = index.add_child(instance=ArticlePage(title=title, slug=slug, intro=intro, body=body))
        article.save_revision().publish()
