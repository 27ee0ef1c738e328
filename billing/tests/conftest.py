import pytest
from django.conf import settings


@pytest.fixture(scope="session")
def localstripe_url():
    """The localstripe the launcher started for the suite (STRIPE_API_BASE)."""
    if not settings.STRIPE_API_BASE:
        pytest.skip("STRIPE_API_BASE is unset: run the tests through `python -m cabinet.launcher test`")
    return settings.STRIPE_API_BASE
