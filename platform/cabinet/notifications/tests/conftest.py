import pytest

from .fakes import FakeServer


@pytest.fixture
def gateway(settings):
    server = FakeServer().start()
    settings.SMS_GATEWAY_URL = server.url + "/sms"
    yield server
    server.stop()


@pytest.fixture
def push_service():
    server = FakeServer().start()
    yield server
    server.stop()
