from django.urls import path, re_path

from . import views

# `[-\w]` rather than <slug:…>: an article saved with a Cyrillic slug before slugs were transliterated must still
# have an address, or one such article would break every page that links to it.
ARTICLE = r"(?P<slug>[-\w]+)"

urlpatterns = [
    path("", views.news_list, name="list"),
    re_path(rf"^{ARTICLE}/$", views.article_detail, name="detail"),
    re_path(rf"^{ARTICLE}/image/$", views.article_image, name="image"),
]
