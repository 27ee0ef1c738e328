"""Authentication: one identifier field that takes an e-mail, a phone or an account number, throttled."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from . import throttling
from .selectors import users_for_identifier


class IdentifierBackend(ModelBackend):
    """ModelBackend (is_active, permissions) that finds the user by e-mail (any case), phone in any
    common spelling, or a contract/personal-account number attached by the business.

    A sign-in through a web request goes through the throttling policy (`throttling.py`): a locked one is
    refused before the password is checked (`request.sign_in_lock` tells the middleware to answer 429), and
    every other one is recorded as a success or a failure. Code that calls `authenticate()` without a request
    (management commands, the test client's `login`) has no client to throttle."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if not username or password is None:
            return None
        candidates = users_for_identifier(username)
        attempt = throttling.begin(request, username, candidates) if request is not None else None
        if attempt is not None and attempt.lock is not None:
            attempt.refused()
            request.sign_in_lock = attempt.lock
            raise PermissionDenied  # ends authenticate(); the sign-in form then shows as refused
        if not candidates:
            # Same work as a real check, so response time does not reveal which identifiers exist.
            get_user_model()().set_password(password)
            return None
        for user in candidates:
            if user.check_password(password) and self.user_can_authenticate(user):
                if attempt is not None:
                    attempt.succeeded(user)
                return user
        return None
