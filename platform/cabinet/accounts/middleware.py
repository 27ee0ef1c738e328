from django.conf import settings
from django.utils import translation


class UserLanguageMiddleware:
    """Serves a signed-in person in the language saved on their account (My settings or the header's
    switcher), whatever the cookie or the browser say. Runs after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if language in self.supported:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
